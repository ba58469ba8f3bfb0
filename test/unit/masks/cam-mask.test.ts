import { describe, expect, it } from 'vitest';
import { camFromFloat16, camsToLabels, DEFAULT_MASK_SETTINGS, maskSettings, normaliseCam, type ClassCam } from '../../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { bilinearTaps, resizeBilinear } from '../../../src/masks/resize.ts';

const cam = (classIndex: number, width: number, height: number, values: number[]): ClassCam => ({
  classIndex,
  width,
  height,
  data: Float32Array.from(values),
});

describe('resizeBilinear (half-pixel centres)', () => {
  it('2 → 4 along x: src = (d + 0.5)/2 − 0.5, clamped', () => {
    // d=0 → −0.25 → clamp 0 → 10; d=1 → 0.25 → 10 + 0.25·10 = 12.5; d=2 → 0.75 → 17.5; d=3 → 1.25 → clamp 1 → 20
    expect(Array.from(resizeBilinear(Float32Array.of(10, 20), 2, 1, 4, 1))).toEqual([10, 12.5, 17.5, 20]);
  });

  it('taps for 64 → 512 (8×): first centre maps to −0.4375 (clamped), the 5th to 0.0625', () => {
    const t = bilinearTaps(64, 512);
    expect([t.i0[0], t.f[0]]).toEqual([0, 0]);
    expect([t.i0[4], t.i1[4], t.f[4]]).toEqual([0, 1, 0.0625]);
    expect([t.i0[511], t.i1[511], t.f[511]]).toEqual([63, 63, 0]);
  });

  it('a constant map stays constant', () => {
    const out = resizeBilinear(new Float32Array(9).fill(0.3), 3, 3, 7, 5);
    expect(new Set(out)).toEqual(new Set([Math.fround(0.3)]));
  });
});

describe('normaliseCam', () => {
  it('relu-max clips negatives and divides by the max; all ≤ 0 gives zeros', () => {
    expect(Array.from(normaliseCam(Float32Array.of(-2, 0, 1, 4), 'relu-max'))).toEqual([0, 0, 0.25, 1]);
    expect(Array.from(normaliseCam(Float32Array.of(-2, -1, 0), 'relu-max'))).toEqual([0, 0, 0]);
  });
  it('minmax maps [min, max] to [0, 1]; a constant map gives zeros', () => {
    expect(Array.from(normaliseCam(Float32Array.of(-2, 0, 2), 'minmax'))).toEqual([0, 0.5, 1]);
    expect(Array.from(normaliseCam(Float32Array.of(3, 3), 'minmax'))).toEqual([0, 0]);
  });
});

describe('camsToLabels', () => {
  it('rejects bad settings by name', () => {
    expect(() => camsToLabels([], 2, 2, { bg: Number.NaN })).toThrow(/bg \(τ_bg\) must be a number/);
    expect(() => camsToLabels([], 2, 2, { minArea: 1.5 })).toThrow(/minArea/);
    expect(() => camsToLabels([], 2, 2, { normalisation: 'max' as 'minmax' })).toThrow(/normalisation/);
  });

  it('one checker for every caller: τ_bg within 0…1, δ in [0, 1), undefined fields take their defaults', () => {
    expect(() => maskSettings({ bg: 1.5 })).toThrow(/mask settings: bg \(τ_bg\) must be a number within 0…1, got 1.5/);
    expect(() => maskSettings({ bg: -0.1 })).toThrow(/bg/);
    expect(() => maskSettings({ ignoreBand: 1 })).toThrow(/ignoreBand \(δ\) must be a number in \[0, 1\), got 1/);
    expect(() => maskSettings({ smallTo: 'void' as 'ignore' })).toThrow(/smallTo must be ignore or background/);
    expect(maskSettings({ bg: undefined, ignoreBand: 0.1 })).toEqual({ ...DEFAULT_MASK_SETTINGS, ignoreBand: 0.1 });
    expect(maskSettings({ bg: 1, ignoreBand: 0.99 })).toMatchObject({ bg: 1, ignoreBand: 0.99 });
  });

  it('no tags → all background', () => {
    expect(camsToLabels([], 3, 2)).toEqual(new Uint8Array(6));
  });

  it('τ_bg decides background; equal to τ is background (strict >)', () => {
    // one class at image resolution, values 0, 0.25, 0.5, 1 after relu-max
    const c = cam(3, 4, 1, [0, 1, 2, 4]);
    expect(Array.from(camsToLabels([c], 4, 1, { bg: 0.25 }))).toEqual([0, 0, 3, 3]);
    expect(Array.from(camsToLabels([c], 4, 1, { bg: 0.6 }))).toEqual([0, 0, 0, 3]);
  });

  it('argmax between classes; ties go to the lower class index, whatever the input order', () => {
    const a = cam(2, 3, 1, [1, 0.5, 0.2]);
    const b = cam(5, 3, 1, [0.2, 0.5, 1]);
    expect(Array.from(camsToLabels([b, a], 3, 1, { bg: 0.1 }))).toEqual([2, 2, 5]);
    expect(Array.from(camsToLabels([a, b], 3, 1, { bg: 0.1 }))).toEqual([2, 2, 5]);
  });

  it('relu-max vs minmax differ on a map with negatives', () => {
    // raw −1, 0, 1: relu-max → 0, 0, 1; minmax → 0, 0.5, 1
    const c = cam(1, 3, 1, [-1, 0, 1]);
    expect(Array.from(camsToLabels([c], 3, 1, { bg: 0.4, normalisation: 'relu-max' }))).toEqual([0, 0, 1]);
    expect(Array.from(camsToLabels([c], 3, 1, { bg: 0.4, normalisation: 'minmax' }))).toEqual([0, 1, 1]);
  });

  it('ignore band: best score within ±δ of τ_bg → 255', () => {
    // normalised scores 0, 0.1, 0.2, 0.3, 1 (max 10); τ = 0.2, δ = 0.1 → 0.1, 0.2, 0.3 are uncertain
    const c = cam(1, 5, 1, [0, 1, 2, 3, 10]);
    expect(Array.from(camsToLabels([c], 5, 1, { bg: 0.2, ignoreBand: 0.1 + 1e-6 }))).toEqual([0, 255, 255, 255, 1]);
  });

  it('upsamples a feature-resolution map to the image size', () => {
    // 2×1 map [0, 1] → 4×1: 0, 0.25, 0.75, 1 → τ 0.5 → 0 0 1 1
    expect(Array.from(camsToLabels([cam(1, 2, 1, [0, 1])], 4, 1, { bg: 0.5 }))).toEqual([0, 0, 1, 1]);
  });

  it('clean-up: small regions become ignore (or background), holes are filled', () => {
    // 8×6 image-resolution map: a ring of class 1 (x 1..4, y 1..4) around a hole at
    // (2..3, 2..3), plus a lone pixel at (7,0) not touching it
    const W = 8;
    const v = new Array(W * 6).fill(0);
    for (let y = 1; y <= 4; y++) for (let x = 1; x <= 4; x++) v[y * W + x] = 1;
    for (let y = 2; y <= 3; y++) for (let x = 2; x <= 3; x++) v[y * W + x] = 0;
    v[7] = 1;
    const c = cam(1, W, 6, v);
    const plain = camsToLabels([c], W, 6, { bg: 0.5 });
    expect(plain[7]).toBe(1);
    expect(plain[2 * W + 2]).toBe(0);
    const cleaned = camsToLabels([c], W, 6, { bg: 0.5, minArea: 2, fillHoles: true });
    expect(cleaned[7]).toBe(255);
    expect(cleaned[2 * W + 2]).toBe(1);
    expect(cleaned.filter((x) => x === 1).length).toBe(16);
    const toBg = camsToLabels([c], W, 6, { bg: 0.5, minArea: 2, smallTo: 'background' });
    expect(toBg[7]).toBe(0);
  });

  it('same stored CAM + settings → identical bytes (re-thresholding = regenerating)', () => {
    const values = Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i * 0.37) * 3 + Math.cos(i * 0.011));
    const blob = encodeFloat16(values);
    const once = camsToLabels([camFromFloat16(4, 64, 64, blob)], 200, 150, { bg: 0.3, ignoreBand: 0.05 });
    const again = camsToLabels([camFromFloat16(4, 64, 64, blob.slice())], 200, 150, { bg: 0.3, ignoreBand: 0.05 });
    expect(Buffer.from(again).equals(Buffer.from(once))).toBe(true);
  });
});
