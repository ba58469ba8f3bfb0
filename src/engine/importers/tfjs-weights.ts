// Decodes a TF.js weightsManifest (the `weightsManifest` of model.json plus its shard bytes)
// into float32 arrays keyed by weight name.
import { StudioError } from '../../contract/errors.ts';
import { halfToFloat } from '../onnx/proto.ts';

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale?: number; min?: number };
}

export interface WeightGroup {
  paths: string[];
  weights: WeightSpec[];
}

export interface NamedWeight {
  shape: number[];
  data: Float32Array;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/**
 * The bytes a manifest group's shards must hold (a dtype we cannot read counts 8 bytes
 * per value, so the bound stays generous): no shard of the group may be larger.
 */
export function groupBytes(group: WeightGroup): number {
  let total = 0;
  for (const spec of group.weights ?? []) {
    const n = (spec.shape ?? []).reduce((a, b) => a * (Number.isFinite(b) && b >= 0 ? b : 0), 1);
    total += n * (BYTES[spec.quantization ? spec.quantization.dtype : spec.dtype] ?? 8);
  }
  return total;
}

/**
 * `groups[k]` are the concatenated shard bytes of manifest group k. float32 is read as is;
 * weights quantized by tensorflowjs_converter (float16, or uint8/uint16 with scale+min) are
 * dequantized; anything else (int32, bool, string) is refused with the weight's name.
 */
export function decodeWeights(manifest: WeightGroup[], groups: Uint8Array[], file: string): Map<string, NamedWeight> {
  const out = new Map<string, NamedWeight>();
  manifest.forEach((group, gi) => {
    const bytes = groups[gi];
    let offset = 0;
    for (const spec of group.weights) {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const q = spec.quantization;
      const storedType = q ? q.dtype : spec.dtype;
      const width = BYTES[storedType];
      if (width == null) throw new StudioError('BAD_REQUEST', `${file}: weight ${spec.name} has dtype ${storedType}, which cannot be read`);
      const size = n * width;
      if (offset + size > bytes.length) {
        throw new StudioError('BAD_REQUEST', `${file}: weight shards of group ${gi + 1} (${group.paths.join(', ')}) hold ${bytes.length} bytes, but the manifest needs at least ${offset + size} (truncated shard?)`);
      }
      const view = new DataView(bytes.buffer, bytes.byteOffset + offset, size);
      offset += size;
      if (spec.dtype !== 'float32') {
        throw new StudioError('BAD_REQUEST', `${file}: weight ${spec.name} has dtype ${spec.dtype}; only float32 weights are supported`);
      }
      const data = new Float32Array(n);
      if (!q) {
        if (storedType !== 'float32') throw new StudioError('BAD_REQUEST', `${file}: weight ${spec.name} is stored as ${storedType}; only float32 is supported`);
        data.set(new Float32Array(new Uint8Array(bytes.subarray(offset - size, offset)).buffer)); // little-endian hosts
      } else if (q.dtype === 'float16') {
        for (let i = 0; i < n; i++) data[i] = halfToFloat(view.getUint16(i * 2, true));
      } else if ((q.dtype === 'uint8' || q.dtype === 'uint16') && q.scale != null && q.min != null) {
        for (let i = 0; i < n; i++) data[i] = (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(i * 2, true)) * q.scale + q.min;
      } else {
        throw new StudioError('BAD_REQUEST', `${file}: weight ${spec.name} uses quantization ${JSON.stringify(q)}, which is not supported`);
      }
      out.set(spec.name, { shape: spec.shape, data });
    }
  });
  return out;
}
