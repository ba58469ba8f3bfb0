// The acceptance check of a CAM against the naive float64 reference, shared by every
// executor's reference test: same target and size, Pearson r > 0.9999, relative error
// < 1e-4, and identical mean+std masks on the normalised, upsampled map.
import { expect } from 'vitest';
import { displayMap, meanStdMask } from '../../../../src/engine/cams/display.ts';
import { relErr } from '../setup.ts';
import { pearson } from './reference.ts';

/** the narrow ResNets both executors' reference tests run on */
export const REFERENCE_NETS = [
  { depth: 18 as const, width: 8 },
  { depth: 50 as const, width: 4 },
];

export function expectMatchesReference(
  m: { target: number; h: number; w: number; data: Float32Array },
  ref: { target: number; h: number; w: number; map: Float64Array },
  size: number,
): void {
  expect(m.target).toBe(ref.target);
  expect([m.h, m.w]).toEqual([ref.h, ref.w]);
  expect(pearson(m.data, ref.map)).toBeGreaterThan(0.9999);
  expect(relErr(m.data, ref.map)).toBeLessThan(1e-4);
  const ours = meanStdMask(displayMap(m.data, m.h, m.w, size, size));
  const theirs = meanStdMask(displayMap(Float32Array.from(ref.map), ref.h, ref.w, size, size));
  expect(Array.from(ours)).toEqual(Array.from(theirs));
}
