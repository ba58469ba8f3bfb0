// Shared by the TF.js and the ONNX op tests: the transposed-conv geometries every executor
// must get right (what ResNet and VGG use, and some they don't), and seeded test data.
import type { Pads } from '../../../../src/engine/ir.ts';
import { prng } from '../../../helpers/models.ts';
import { convEach, nt, type NT } from './reference.ts';

export interface ConvGeometry {
  k: number;
  s: number;
  p: number;
  d: number;
  /** input height = width */
  h: number;
  ci: number;
  co: number;
}

export const CONV_TRANSPOSE_GEOMETRIES: ConvGeometry[] = [
  { k: 3, s: 1, p: 1, d: 1, h: 8, ci: 3, co: 5 },
  { k: 3, s: 2, p: 1, d: 1, h: 8, ci: 4, co: 6 }, // ResNet conv2 stride 2, even input
  { k: 3, s: 2, p: 1, d: 1, h: 7, ci: 4, co: 6 }, // odd input
  { k: 1, s: 2, p: 0, d: 1, h: 8, ci: 5, co: 7 }, // downsample
  { k: 1, s: 2, p: 0, d: 1, h: 9, ci: 5, co: 7 },
  { k: 7, s: 2, p: 3, d: 1, h: 16, ci: 3, co: 4 }, // stem
  { k: 1, s: 1, p: 0, d: 1, h: 5, ci: 6, co: 3 },
  { k: 3, s: 1, p: 2, d: 2, h: 9, ci: 2, co: 3 }, // dilated
  { k: 3, s: 2, p: 2, d: 2, h: 11, ci: 2, co: 3 }, // dilated and strided
  { k: 4, s: 3, p: 1, d: 1, h: 12, ci: 2, co: 3 },
  { k: 4, s: 3, p: 1, d: 1, h: 13, ci: 2, co: 3 },
  { k: 2, s: 2, p: 0, d: 1, h: 8, ci: 3, co: 2 },
  { k: 1, s: 3, p: 0, d: 1, h: 9, ci: 3, co: 2 },
  { k: 2, s: 3, p: 0, d: 1, h: 9, ci: 3, co: 2 }, // a phase with no taps beside two with
];

/** n seeded uniform values in [-1, 1) */
export function randArray(n: number, seed: number): Float32Array {
  const r = prng(seed);
  return Float32Array.from({ length: n }, () => r() * 2 - 1);
}

/**
 * One geometry's test case: seeded weights, the conv's geometry and the shapes of its
 * input (`ref`, zeroed: the adjoint accumulates into it) and output (`out`).
 */
export function transposeCase({ k, s, p, d, h, ci, co }: ConvGeometry): {
  wData: Float32Array;
  shape: number[];
  pads: Pads;
  geo: { strides: [number, number]; pads: Pads; dilations: [number, number] };
  ref: NT;
  out: NT;
} {
  const wData = randArray(k * k * ci * co, 1);
  const shape = [k, k, ci, co];
  const pads: Pads = [p, p, p, p];
  const geo = { strides: [s, s] as [number, number], pads, dilations: [d, d] as [number, number] };
  const ref = nt(h, h, ci);
  const out = convEach(ref, shape, geo.strides, pads, geo.dilations, () => {});
  return { wData, shape, pads, geo, ref, out };
}
