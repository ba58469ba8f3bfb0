import { describe, expect, it } from 'vitest';
import { flatCanvas, ITEM_ALPHA_THRESHOLD, pasteItem, resampleBilinear, toBytes } from '../../../demo/scenes/composite.ts';
import { createRng, mixSeed } from '../../../demo/scenes/prng.ts';

describe('resampleBilinear', () => {
  it('upsamples 2×2 → 4×4 with half-pixel centres and clamped edges', () => {
    // src [[0, 100], [200, 40]]; output centres map to -0.25, 0.25, 0.75, 1.25 → clamp 0, 0.25, 0.75, 1
    const out = resampleBilinear(Uint8Array.of(0, 100, 200, 40), 2, 2, 0, 0, 2, 2, 4, 4);
    const w = [0, 0.25, 0.75, 1];
    for (let y = 0; y < 4; y++) {
      for (let x = 0; x < 4; x++) {
        const top = 0 * (1 - w[x]) + 100 * w[x];
        const bot = 200 * (1 - w[x]) + 40 * w[x];
        expect(out[y * 4 + x]).toBeCloseTo(top * (1 - w[y]) + bot * w[y], 12);
      }
    }
  });

  it('reads only the given crop', () => {
    const src = new Uint8Array(16).map((_, i) => i * 10);
    // crop (1,1)-(2,2) of a 4×4 image at the same size is the crop itself
    expect(Array.from(resampleBilinear(src, 4, 4, 1, 1, 2, 2, 2, 2))).toEqual([50, 60, 90, 100]);
  });
});

describe('pasteItem', () => {
  it('composites with alpha and labels pixels at or above the threshold; the later item wins', () => {
    const S = 4;
    const canvas = flatCanvas(S, [0, 0, 0]);
    const labels = new Uint8Array(S * S);
    const alpha = Float64Array.of(1, ITEM_ALPHA_THRESHOLD, ITEM_ALPHA_THRESHOLD - 0.01, 0);
    pasteItem(canvas, labels, S, { label: 2, alpha, size: 2, x: 0, y: 0, tint: [200, 100, 0] });
    expect(Array.from(labels.subarray(0, 2))).toEqual([3, 3]);
    expect(labels[4]).toBe(0); // below the threshold
    expect(labels[5]).toBe(0); // alpha 0
    expect(canvas[0]).toBeCloseTo(200, 12); // alpha 1: tint × (0.55 + 0.45)
    pasteItem(canvas, labels, S, { label: 7, alpha: Float64Array.of(1, 1, 1, 1), size: 2, x: 1, y: 0, tint: [0, 0, 255] });
    expect(Array.from(labels.subarray(0, 4))).toEqual([3, 8, 8, 0]);
    expect(Array.from(toBytes(canvas).subarray(3, 6))).toEqual([0, 0, 255]);
  });
});

describe('prng', () => {
  it('is reproducible and stays in range', () => {
    const a = createRng(mixSeed(5, 9));
    const b = createRng(mixSeed(5, 9));
    const xs = Array.from({ length: 1000 }, () => a.int(3, 7));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b.int(3, 7)));
    expect(Math.min(...xs)).toBe(3);
    expect(Math.max(...xs)).toBe(7);
    expect(mixSeed(5, 9)).not.toBe(mixSeed(9, 5));
  });
});
