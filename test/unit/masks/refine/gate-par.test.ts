// The refinement steps against naive float64 implementations written from their
// definitions (src/masks/refine/settings.ts), on small random inputs.
import { describe, expect, it } from 'vitest';
import { gateMaps } from '../../../../src/masks/refine/gate.ts';
import { parAffinity, parPropagate } from '../../../../src/masks/refine/par.ts';
import type { ParSettings } from '../../../../src/masks/refine/settings.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}
const randMap = (n: number, r: () => number) => Float32Array.from({ length: n }, () => r());
const randRgb = (n: number, r: () => number) => Uint8Array.from({ length: n * 3 }, () => Math.floor(r() * 256));

describe('gateMaps', () => {
  it.each([
    { a: 0.5, deep: 1 },
    { a: 0.3, deep: 2 },
    { a: 0.8, deep: 1 },
    { a: 0, deep: 1 },
  ])('equals n^a · Π d^((1−a)/K), renormalised (a=$a, K=$deep)', ({ a, deep }) => {
    const r = rng(7 + deep);
    const n = 50;
    const detail = randMap(n, r);
    const ds = Array.from({ length: deep }, () => randMap(n, r));
    const naive = Array.from({ length: n }, (_, i) => ds.reduce((v, d) => v * d[i] ** ((1 - a) / deep), detail[i] ** a));
    const max = Math.max(...naive);
    const got = gateMaps(detail, ds, a);
    for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(naive[i] / max, 6);
    expect(Math.max(...got)).toBeCloseTo(1, 6);
  });

  it('a = 1 keeps the detail map (renormalised) and a zero deep map zeroes the gate', () => {
    const detail = Float32Array.from([0.1, 0.5, 0.25]);
    expect([...gateMaps(detail, [Float32Array.from([0, 0, 0])], 1)]).toEqual([0.2, 1, 0.5].map(Math.fround));
    expect([...gateMaps(detail, [Float32Array.from([0, 0, 0])], 0.5)]).toEqual([0, 0, 0]);
  });

  it('with two deep layers at a = 0.5 (the presets) gives the bits of the plain Math.pow product exactly, subnormals and zeros included', () => {
    const r = rng(11);
    const n = 2000;
    // values spread over many binades, down into float32 subnormals, some exact zeros
    const spread = () => Float32Array.from({ length: n }, (_, i) => (i % 50 === 0 ? 0 : i % 37 === 0 ? 2 ** -140 * r() : r() ** (1 + 80 * r())));
    const detail = spread();
    const ds = [spread(), spread()];
    const want = new Float32Array(n);
    let max = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.pow(detail[i], 0.5) * Math.pow(ds[0][i], 0.25) * Math.pow(ds[1][i], 0.25);
      want[i] = v;
      max = Math.max(max, v);
    }
    for (let i = 0; i < n; i++) want[i] *= 1 / max;
    const got = gateMaps(detail, ds, 0.5);
    expect(got.some((v) => v > 0 && v < 1e-30)).toBe(true);
    for (let i = 0; i < n; i++) expect(Object.is(got[i], want[i]), `pixel ${i}: ${got[i]} vs ${want[i]}`).toBe(true);
  });

  it('refuses a deep map of another size', () => {
    expect(() => gateMaps(new Float32Array(4), [new Float32Array(3)], 0.5)).toThrow(/deep map of 3 values for a detail map of 4/);
  });
});

/** PAR written directly from its definition, in float64, neighbour by neighbour. */
function naivePar(rgb: Uint8Array, w: number, h: number, s: ParSettings, map: Float32Array): number[] {
  const offs: [number, number][] = [];
  for (const d of s.dilations) for (const [dx, dy] of [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]]) offs.push([dx * d, dy * d]);
  const meanLen = offs.reduce((t, [dx, dy]) => t + Math.hypot(dx, dy), 0) / offs.length;
  const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi - 1);
  const weights: { q: number; w: number }[][] = [];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      const nb = offs.map(([dx, dy]) => {
        const q = clamp(y + dy, h) * w + clamp(x + dx, w);
        let d2 = 0;
        for (let c = 0; c < 3; c++) d2 += ((rgb[3 * q + c] - rgb[3 * p + c]) / 255) ** 2;
        return { q, d2, pos: (dx * dx + dy * dy) / meanLen ** 2 };
      });
      const mean = nb.reduce((t, v) => t + v.d2, 0) / nb.length;
      const logits = nb.map((v) => -v.d2 / (s.colour * (mean + 1e-8)) - s.position * v.pos);
      const z = logits.reduce((t, l) => t + Math.exp(l), 0);
      weights.push(nb.map((v, j) => ({ q: v.q, w: Math.exp(logits[j]) / z })));
    }
  }
  let m = [...map];
  for (let it = 0; it < s.iterations; it++) m = weights.map((ws) => ws.reduce((t, { q, w: wt }) => t + wt * m[q], 0));
  return m;
}

describe('PAR', () => {
  it.each([
    { w: 9, h: 7, s: { dilations: [1], iterations: 1, colour: 0.3, position: 0.01 } },
    { w: 12, h: 10, s: { dilations: [1, 2, 4], iterations: 5, colour: 0.3, position: 0.01 } },
    { w: 16, h: 5, s: { dilations: [1, 4, 16], iterations: 10, colour: 0.1, position: 0 } },
    { w: 6, h: 6, s: { dilations: [1, 3], iterations: 3, colour: 1, position: 0.5 } },
  ])('matches the float64 definition on a random $w×$h image ($s.dilations, $s.iterations it)', ({ w, h, s }) => {
    const r = rng(w * 31 + h);
    const rgb = randRgb(w * h, r);
    const map = randMap(w * h, r);
    const want = naivePar(rgb, w, h, s, map);
    const got = parPropagate(parAffinity(rgb, w, h, s), [map], s.iterations)[0];
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i], 5);
  });

  it('each pixel’s weights sum to 1, a constant map stays constant, the input is not changed', () => {
    const r = rng(3);
    const rgb = randRgb(64, r);
    const a = parAffinity(rgb, 8, 8, { dilations: [1, 2], iterations: 1, colour: 0.3, position: 0.01 });
    for (let i = 0; i < 64; i++) {
      let t = 0;
      for (let j = 0; j < a.k; j++) t += a.w[i * a.k + j];
      expect(t).toBeCloseTo(1, 6);
    }
    const flat = new Float32Array(64).fill(0.7);
    const [p1, p2] = parPropagate(a, [flat, flat.map((v) => v / 2)], 5);
    for (let i = 0; i < 64; i++) {
      expect(p1[i]).toBeCloseTo(0.7, 6);
      expect(p2[i]).toBeCloseTo(0.35, 6);
    }
    expect(flat[0]).toBe(Math.fround(0.7));
  });

  it('does not let a score leak across a colour edge', () => {
    // left half black, right half white; the score starts only in the left half
    const w = 16, h = 8;
    const rgb = new Uint8Array(w * h * 3);
    const map = new Float32Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      if (x >= 8) rgb.fill(255, (y * w + x) * 3, (y * w + x) * 3 + 3);
      else map[y * w + x] = 1;
    }
    const [out] = parPropagate(parAffinity(rgb, w, h, { dilations: [1, 2, 4], iterations: 10, colour: 0.3, position: 0.01 }), [map], 10);
    for (let y = 0; y < h; y++) {
      expect(out[y * w + 7]).toBeGreaterThan(0.99);
      expect(out[y * w + 8]).toBeLessThan(0.01);
    }
  });

  it('refuses an image of the wrong size', () => {
    expect(() => parAffinity(new Uint8Array(10), 2, 2, { dilations: [1], iterations: 1, colour: 0.3, position: 0 })).toThrow(/10 bytes for a 2x2 RGB image/);
  });
});
