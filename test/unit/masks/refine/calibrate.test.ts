// τ_bg chosen per image (src/masks/refine/calibrate.ts): Otsu's threshold on a histogram
// against a direct computation of the between-class variance, the rule's bounds and
// fallback, and the kernel cutting labels at that τ and saying which τ it used.
import { describe, expect, it } from 'vitest';
import { AUTO_BG_RANGE, autoBackground, autoBackgroundSettings, otsuThreshold } from '../../../../src/masks/refine/calibrate.ts';
import { labelsFromMaps, thresholdedMaps } from '../../../../src/masks/cam-mask.ts';

/** the bin edge t/256 maximising w0·w1·(μ0 − μ1)², from the values themselves (bin centres); ties: the middle of the first run */
function otsuDirect(values: number[]): number {
  const bin = (v: number) => Math.min(255, Math.max(0, Math.floor(v * 256)));
  const between: number[] = [];
  for (let t = 1; t < 256; t++) {
    const lo = values.filter((v) => bin(v) < t).map((v) => bin(v) + 0.5);
    const hi = values.filter((v) => bin(v) >= t).map((v) => bin(v) + 0.5);
    const m = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    between[t] = lo.length && hi.length ? lo.length * hi.length * (m(lo) - m(hi)) ** 2 : -1;
  }
  const max = Math.max(...between.slice(1));
  const close = (x: number) => Math.abs(x - max) <= 1e-9 * max;
  const first = between.findIndex((b, t) => t >= 1 && close(b));
  let last = first;
  while (last + 1 < 256 && close(between[last + 1])) last++;
  return Math.round((first + last) / 2) / 256;
}

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('otsuThreshold', () => {
  it('splits two spikes in the middle of the gap between them', () => {
    const v = new Float32Array(1200);
    v.fill(0.1, 0, 1000); // bin 25
    v.fill(0.8, 1000); // bin 204: every edge 26..204 separates them equally well
    expect(otsuThreshold(v)).toBe(115 / 256);
  });

  it('equals the between-class variance maximised directly, on mixtures of two bumps', () => {
    const r = rng(7);
    for (const [a, b, share] of [[0.1, 0.7, 0.8], [0.2, 0.5, 0.5], [0.05, 0.9, 0.95]]) {
      const values = Array.from({ length: 3000 }, () => (r() < share ? a : b) + (r() - 0.5) * 0.2);
      const t = otsuThreshold(Float32Array.from(values))!;
      expect(t).toBe(otsuDirect(values));
      expect(t).toBeGreaterThan(Math.min(a, b));
      expect(t).toBeLessThan(Math.max(a, b));
    }
  });

  it('skips −∞ (pixels without a class), clamps to [0, 1], and has nothing to split in one bin', () => {
    const v = Float32Array.from([-Infinity, -Infinity, -0.5, 0, 1.5, 1]);
    expect(otsuThreshold(v)).toBe(128 / 256);
    expect(otsuThreshold(new Float32Array(50).fill(0.3))).toBeNull();
    expect(otsuThreshold(new Float32Array([-Infinity]))).toBeNull();
  });
});

describe('autoBackground', () => {
  const bimodal = () => {
    const v = new Float32Array(1000);
    v.fill(0.1, 0, 800);
    v.fill(0.6, 800);
    return v;
  };

  it('is factor × Otsu to 0.01, within the bounds, the fallback when nothing splits', () => {
    const t = otsuThreshold(bimodal())!;
    expect(autoBackground(bimodal(), { rule: 'otsu', factor: 1 }, 0.4)).toBe(Math.round(t * 100) / 100);
    expect(autoBackground(bimodal(), { rule: 'otsu', factor: 2 }, 0.4)).toBe(Math.round(2 * t * 100) / 100);
    expect(autoBackground(bimodal(), { rule: 'otsu', factor: 0.1 }, 0.4)).toBe(AUTO_BG_RANGE[0]);
    expect(autoBackground(bimodal(), { rule: 'otsu', factor: 4 }, 0.4)).toBe(Math.round(Math.min(AUTO_BG_RANGE[1], 4 * t) * 100) / 100);
    expect(autoBackground(new Float32Array(9).fill(0.5), { rule: 'otsu', factor: 1 }, 0.37)).toBe(0.37);
  });

  it('checks the rule naming the field', () => {
    expect(autoBackgroundSettings(null)).toBeNull();
    expect(autoBackgroundSettings({ rule: 'otsu', factor: 1.2 })).toEqual({ rule: 'otsu', factor: 1.2 });
    expect(() => autoBackgroundSettings({ rule: 'otsu', factor: 0 })).toThrow(/factor must be a number in \(0, 4\], got 0/);
    expect(() => autoBackgroundSettings({ rule: 'mean', factor: 1 } as never)).toThrow(/rule must be 'otsu', got "mean"/);
  });
});

describe('the kernel with τ_bg per image', () => {
  it('cuts the labels at the rule\'s τ and reports it; a fixed τ stays as it was', () => {
    // one class: a ramp 0..1 over 100 pixels, background mode below, object above
    const map = Float32Array.from({ length: 100 }, (_, i) => (i < 70 ? 0.1 + (i % 5) * 0.01 : 0.7 + (i % 5) * 0.01));
    const maps = [{ classIndex: 3, map }];
    const auto = thresholdedMaps(maps, 10, 10, { bgAuto: { rule: 'otsu', factor: 1 } });
    expect(auto.bg).toBe(autoBackground(map, { rule: 'otsu', factor: 1 }, 0.4));
    expect(Array.from(auto.labels)).toEqual(Array.from(map, (v) => (v > auto.bg ? 3 : 0)));
    expect(auto.labels.filter((v) => v === 3).length).toBe(30);
    const fixed = thresholdedMaps(maps, 10, 10, { bg: 0.125 });
    expect(fixed.bg).toBe(0.125);
    expect(Array.from(fixed.labels)).toEqual(Array.from(labelsFromMaps(maps, 10, 10, { bg: 0.125 })));
    // 0.13 and 0.14: two fifths of the 70 background pixels
    expect(fixed.labels.filter((v) => v === 3).length).toBe(30 + 28);
  });
});
