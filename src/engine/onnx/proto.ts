// ONNX protobuf access shared by the ONNX importer (read) and by anything that writes ONNX
// (test fixtures now, the ONNX Runtime compiler later). Built on onnx-proto's generated
// protobufjs classes; this file hides its int64 representation and its optional fields.
import onnxProto from 'onnx-proto';
import { fromHalfBits as halfToFloat } from '../../masks/float16.ts';

export const onnx = onnxProto.onnx;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

/** ONNX TensorProto.DataType values the engine reads or writes. */
export const DataType = {
  FLOAT: 1,
  INT32: 6,
  INT64: 7,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;

/** int64 fields decode as number, or as a Long-like object when `long` is installed. */
type Int64 = number | { toNumber(): number } | null | undefined;

export function int64(v: Int64): number {
  if (v == null) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/** Decodes a serialized ModelProto; throws protobufjs' error on malformed bytes. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return onnx.ModelProto.decode(bytes);
}

export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
}

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map((d) => int64(d));
}

/** Reads a FLOAT/DOUBLE/FLOAT16 tensor as float32; null for other data types. */
export function tensorToFloat32(t: TensorProto): Float32Array | null {
  const n = tensorDims(t).reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  switch (t.dataType) {
    case DataType.FLOAT: {
      if (raw) {
        if (raw.length < n * 4) throw new RangeError(`raw_data holds ${raw.length} bytes, expected ${n * 4}`);
        // copy into a fresh (aligned) buffer; every platform Node runs on is little-endian
        // (new Uint8Array(view) copies; Buffer#slice would not)
        return new Float32Array(new Uint8Array(raw.subarray(0, n * 4)).buffer);
      }
      return Float32Array.from(t.floatData ?? []);
    }
    case DataType.DOUBLE: {
      if (raw) return copyLE(raw, n, 8, (v, o) => v.getFloat64(o, true));
      return Float32Array.from(t.doubleData ?? []);
    }
    case DataType.FLOAT16: {
      if (raw) return copyLE(raw, n, 2, (v, o) => halfToFloat(v.getUint16(o, true)));
      // int32_data holds the raw uint16 bit patterns for float16
      return Float32Array.from((t.int32Data ?? []).map(halfToFloat));
    }
    default:
      return null;
  }
}

/** Reads an INT64/INT32 tensor as numbers; null for other data types. */
export function tensorToInts(t: TensorProto): number[] | null {
  const n = tensorDims(t).reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : null;
  if (t.dataType === DataType.INT64) {
    if (raw) return Array.from(copyLE(raw, n, 8, (v, o) => Number(v.getBigInt64(o, true))));
    return (t.int64Data ?? []).map((x) => int64(x));
  }
  if (t.dataType === DataType.INT32) {
    if (raw) return Array.from(copyLE(raw, n, 4, (v, o) => v.getInt32(o, true)));
    return [...(t.int32Data ?? [])];
  }
  return null;
}

function copyLE(
  raw: Uint8Array,
  n: number,
  width: number,
  read: (v: DataView, offset: number) => number,
): Float32Array {
  if (raw.length < n * width) {
    throw new RangeError(`raw_data holds ${raw.length} bytes, expected ${n * width}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = read(view, i * width);
  return out;
}

/** IEEE half-float bits → number: the mask kernel's decoder (one float16 decode in the tree) */
export { fromHalfBits as halfToFloat } from '../../masks/float16.ts';

// ---- attributes -------------------------------------------------------------------------

export function findAttr(node: NodeProto, name: string): AttributeProto | undefined {
  return (node.attribute ?? []).find((a) => a.name === name);
}

export function attrInt(node: NodeProto, name: string, dflt: number): number {
  const a = findAttr(node, name);
  return a ? int64(a.i) : dflt;
}

export function attrFloat(node: NodeProto, name: string, dflt: number): number {
  const a = findAttr(node, name);
  return a && a.f != null ? a.f : dflt;
}

export function attrInts(node: NodeProto, name: string): number[] | undefined {
  const a = findAttr(node, name);
  return a ? (a.ints ?? []).map((x) => int64(x)) : undefined;
}

export function attrString(node: NodeProto, name: string): string | undefined {
  const a = findAttr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
}

/** [N?, C, H, W]-style dims of a graph input/output; null where symbolic or absent. */
export function valueInfoDims(v: ValueInfoProto): (number | null)[] | null {
  const shape = v.type?.tensorType?.shape;
  if (!shape) return null;
  return (shape.dim ?? []).map((d) => (d.dimValue != null && int64(d.dimValue) > 0 ? int64(d.dimValue) : null));
}
