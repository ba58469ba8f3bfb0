import { describe, expect, it } from 'vitest';
import { averagePrecision } from '../../bench/metrics/average-precision.ts';
import { binariseOfMax, binariseTop, binaryIou, regionOf } from '../../bench/metrics/localisation.ts';

const f32 = (a: number[]) => Float32Array.from(a);

describe('localisation thresholds, both readings', () => {
  const map = f32([0.0, 0.1, 0.2, 0.3, 0.5, 0.6, 0.8, 1.0]); // max 1.0, N = 8

  it("'of-max' keeps values ≥ f·max", () => {
    expect([...binariseOfMax(map, 0.25)]).toEqual([0, 0, 0, 1, 1, 1, 1, 1]);
    expect([...binariseOfMax(map, 0.75)]).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    // scale does not matter; a map without a positive value keeps nothing
    expect([...binariseOfMax(f32([2, 4, 8]), 0.5)]).toEqual([0, 1, 1]);
    expect([...binariseOfMax(f32([-1, 0, 0]), 0.25)]).toEqual([0, 0, 0]);
  });

  it("'top' keeps the ⌈f·N⌉ highest pixels, ties at the cut-off included", () => {
    expect([...binariseTop(map, 0.25)]).toEqual([0, 0, 0, 0, 0, 0, 1, 1]);
    expect([...binariseTop(map, 0.75)]).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
    expect([...binariseTop(f32([1, 1, 1, 1]), 0.25)]).toEqual([1, 1, 1, 1]);
    expect([...binariseTop(f32([3, 1, 2]), 0.5)]).toEqual([1, 0, 1]); // ⌈1.5⌉ = 2
  });

  it('binary IoU by hand; two empty masks give NaN', () => {
    const labels = Uint8Array.from([0, 3, 3, 3, 0, 0, 0, 0]);
    const gt = regionOf(labels, 3);
    // of-max 0.25 keeps px 3..7: ∩ = {3}, ∪ = {1,2,3,4,5,6,7} → 1/7
    expect(binaryIou(binariseOfMax(map, 0.25), gt)).toBeCloseTo(1 / 7, 12);
    expect(binaryIou(Uint8Array.from([1, 1, 0, 0]), Uint8Array.from([0, 1, 1, 0]))).toBeCloseTo(1 / 3, 12);
    expect(Number.isNaN(binaryIou(new Uint8Array(3), new Uint8Array(3)))).toBe(true);
  });
});

describe('averagePrecision', () => {
  it('matches the hand-computed area under the PR curve', () => {
    // ranking: 0.9 (+), 0.8 (−), 0.7 (+), 0.1 (−): AP = 0.5·1 + 0.5·(2/3)
    expect(averagePrecision([0.1, 0.9, 0.7, 0.8], [false, true, true, false])).toBeCloseTo(0.5 + 1 / 3, 12);
    expect(averagePrecision([0.5, 0.5], [true, false])).toBeCloseTo(0.5, 12);
    expect(Number.isNaN(averagePrecision([0.3], [false]))).toBe(true);
  });
});
