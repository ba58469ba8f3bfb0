// Small builders for writing ONNX models: used by the test fixtures (torch-style exports of
// IR graphs) and meant for the ONNX Runtime graph compiler. Everything is float32.
import { DataType, encodeModel, type AttributeProto, type NodeProto, type TensorProto, type ValueInfoProto } from './proto.ts';

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | TensorProto;

const AttrType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** Integers become INT/INTS; wrap floats as {float} / {floats} (JS can't tell 1 from 1.0). */
function attribute(name: string, v: AttrValue): AttributeProto {
  if (typeof v === 'number') return { name, type: AttrType.INT, i: v };
  if (typeof v === 'string') return { name, type: AttrType.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AttrType.INTS, ints: v };
  if ('float' in v) return { name, type: AttrType.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: AttrType.FLOATS, floats: v.floats };
  return { name, type: AttrType.TENSOR, t: v };
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  name: string,
  attrs: Record<string, AttrValue> = {},
): NodeProto {
  return {
    opType,
    input: inputs,
    output: outputs,
    name,
    attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
  };
}

export function floatTensor(name: string, dims: number[], data: Float32Array): TensorProto {
  const raw = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return { name, dims, dataType: DataType.FLOAT, rawData: raw };
}

export function int64Tensor(name: string, values: number[]): TensorProto {
  const raw = new Uint8Array(values.length * 8);
  const view = new DataView(raw.buffer);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return { name, dims: [values.length], dataType: DataType.INT64, rawData: raw };
}

/** A float tensor value-info; a string dim is symbolic (dim_param). */
export function tensorValueInfo(name: string, dims: (number | string)[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export interface ModelSpec {
  nodes: NodeProto[];
  initializers: TensorProto[];
  inputs: ValueInfoProto[];
  outputs: ValueInfoProto[];
  graphName?: string;
  opset?: number;
  producer?: string;
}

/** Serializes a single-graph model (default opset 13, IR version 7 like torch 1.13). */
export function buildModelBytes(spec: ModelSpec): Uint8Array {
  return encodeModel({
    irVersion: 7,
    producerName: spec.producer ?? 'relevance-studio',
    opsetImport: [{ domain: '', version: spec.opset ?? 13 }],
    graph: {
      name: spec.graphName ?? 'main_graph',
      node: spec.nodes,
      initializer: spec.initializers,
      input: spec.inputs,
      output: spec.outputs,
    },
  });
}
