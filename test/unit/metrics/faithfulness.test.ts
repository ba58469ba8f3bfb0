// The faithfulness measures (test/bench/metrics/faithfulness.ts) and the perturbed inputs they
// run on (test/bench/faithfulness/inputs.ts), on values worked out by hand.
import { describe, expect, it } from 'vitest';
import {
  authorsSoftMask, averageDropAuthors, averageDropStandard, boxMask, curveAuc, increaseAuthors, increaseStandard,
  localisationIous, pixelsAtStep, saliencyOrder, stepMask,
} from '../../bench/metrics/faithfulness.ts';
import { blackPixel, blend, gaussianBlur, scale } from '../../bench/faithfulness/inputs.ts';
import { preprocessRgb, type PreprocessConfig } from '../../../src/engine/preprocess.ts';

const f32 = (a: number[]) => Float32Array.from(a);

describe('Average Drop / Increase, both definitions', () => {
  // drops: 0.8→0.4 (50 %), 0.5→0.25 (50 %), 0.2→0.15 (25 %); rises: 0.6→0.9; equal: 0.3→0.3
  const pairs = [
    { y: 0.8, o: 0.4 },
    { y: 0.5, o: 0.25 },
    { y: 0.2, o: 0.15 },
    { y: 0.6, o: 0.9 },
    { y: 0.3, o: 0.3 },
  ];

  it("the authors' AD divides by the number of pairs that dropped, their Increase counts O ≥ Y", () => {
    expect(averageDropAuthors(pairs)).toBeCloseTo((100 * (0.5 + 0.5 + 0.25)) / 3, 10);
    expect(increaseAuthors(pairs)).toBeCloseTo(100 * (2 / 5), 10);
    // nothing dropped: their AD is undefined, not 0
    expect(averageDropAuthors([{ y: 0.2, o: 0.3 }])).toBeNaN();
  });

  it('the standard AD divides by all N, Increase counts Y < O strictly', () => {
    expect(averageDropStandard(pairs)).toBeCloseTo((100 * (0.5 + 0.5 + 0.25)) / 5, 10);
    expect(increaseStandard(pairs)).toBeCloseTo(100 * (1 / 5), 10);
    expect(averageDropStandard([])).toBeNaN();
  });
});

describe("the authors' soft top-50 % mask", () => {
  it('keeps the values strictly above the ⌊N/2⌋-th smallest, as values', () => {
    // sorted: 0.1 0.2 0.3 0.4 0.5 0.6 → t = sorted[3] = 0.4; kept: 0.5, 0.6
    expect([...authorsSoftMask(f32([0.3, 0.6, 0.1, 0.5, 0.4, 0.2]))]).toEqual([0, f32([0.6])[0], 0, 0.5, 0, 0]);
  });

  it('at 224² distinct values it keeps 25 087 pixels, as the spec counts', () => {
    const n = 224 * 224;
    const map = Float32Array.from({ length: n }, (_, i) => ((i * 7919) % n) / n);
    expect(authorsSoftMask(map).filter((v) => v > 0).length).toBe(25087);
  });
});

describe('deletion / insertion', () => {
  const map = f32([0.2, 0.9, 0.5, 0.9, 0.1, 0.7]);

  it('ranks pixels by the map, ties by index', () => {
    expect([...saliencyOrder(map)]).toEqual([1, 3, 5, 2, 0, 4]);
  });

  it('step k changes round(k·N/steps) pixels: deletion blanks them, insertion reveals them', () => {
    const order = saliencyOrder(map);
    expect([0, 1, 2, 3].map((k) => pixelsAtStep(6, k, 3))).toEqual([0, 2, 4, 6]);
    expect([...stepMask(order, 1, 3, 'deletion')]).toEqual([1, 0, 1, 0, 1, 1]);
    expect([...stepMask(order, 2, 3, 'insertion')]).toEqual([0, 1, 1, 1, 0, 1]);
  });

  it('the AUC is the trapezoid area over [0, 1]', () => {
    expect(curveAuc([1, 0.5, 0])).toBeCloseTo(0.5, 12);
    expect(curveAuc([0.9, 0.1, 0.1, 0.1, 0.1])).toBeCloseTo((0.5 + 0.1 + 0.1 + 0.1) / 4, 12);
    expect(curveAuc([0.4])).toBeNaN();
  });
});

describe('the ground-truth box and the localisation IoU', () => {
  // 4×4 labels: class 2 at (1,1) and (2,3) → box x 1..2, y 1..3
  const labels = Uint8Array.from([0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0]);

  it('is the bounding box of the class pixels, rescaled to the map size', () => {
    expect([...(boxMask(labels, 4, 4, 2) as Uint8Array)]).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    const up = boxMask(labels, 4, 4, 2, 8, 8) as Uint8Array;
    expect(up.reduce((a, v) => a + v, 0)).toBe(4 * 6);
    expect(up[2 * 8 + 2]).toBe(1);
    expect(up[1 * 8 + 2]).toBe(0);
    expect(boxMask(labels, 4, 4, 5)).toBeNull();
  });

  it('thresholds the map at 25 % / 75 % of its maximum and at the top 25 % / 75 % of pixels', () => {
    const box = boxMask(labels, 4, 4, 2) as Uint8Array; // 6 pixels: 5, 6, 9, 10, 13, 14
    const map = new Float32Array(16);
    map[5] = 1;
    map[6] = 0.6;
    map[9] = 0.3;
    map[0] = 0.2;
    const iou = localisationIous(map, box);
    // ≥ 0.25: {5, 6, 9} ⊂ box → 3/6; ≥ 0.75: {5} → 1/6
    expect(iou.locIoU25).toBeCloseTo(3 / 6, 12);
    expect(iou.locIoU75).toBeCloseTo(1 / 6, 12);
    // top ⌈4⌉ = {5, 6, 9, 0}: ∩ 3, ∪ 7; top ⌈12⌉: the 12 zeros tie at the cut-off, so all 16 → 6/16
    expect(iou.locIoU25TopK).toBeCloseTo(3 / 7, 12);
    expect(iou.locIoU75TopK).toBeCloseTo(6 / 16, 12);
  });
});

describe('the perturbed inputs equal preprocessing the perturbed image', () => {
  const pre: PreprocessConfig = { size: [3, 2], channels: 'BGR', scale: 1 / 255, mean: [0.4, 0.5, 0.6], std: [0.2, 0.25, 0.3], resize: 'bilinear', output: 'sigmoid' };
  const rgb = Uint8Array.from({ length: 3 * 2 * 3 }, (_, i) => (i * 41) % 256);
  const x = preprocessRgb(rgb, 2, 3, pre).data;

  it('black is the preprocessed black pixel, in the model channel order', () => {
    expect([...blackPixel(pre, 3)]).toEqual([...preprocessRgb(new Uint8Array(3), 1, 1, { ...pre, size: [1, 1] }).data]);
  });

  it('a 0/1 mask blended with black = preprocessing the image with those pixels black', () => {
    const m = f32([1, 0, 0, 1, 1, 0]);
    const out = new Float32Array(x.length);
    blend(x, m, blackPixel(pre, 3), out);
    const blanked = Uint8Array.from(rgb, (v, i) => (m[Math.floor(i / 3)] ? v : 0));
    const want = preprocessRgb(blanked, 2, 3, pre).data;
    out.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
  });

  it('a soft mask scales the [0, 1] pixels before normalising (the authors\' img · cam)', () => {
    const m = f32([0.5, 0.25, 1, 0, 0.75, 0.1]);
    const out = new Float32Array(x.length);
    blend(x, m, blackPixel(pre, 3), out);
    for (let p = 0; p < 6; p++) {
      const px = [rgb[p * 3 + 2], rgb[p * 3 + 1], rgb[p * 3]]; // BGR
      for (let k = 0; k < 3; k++) expect(out[p * 3 + k]).toBeCloseTo(((px[k] / 255) * m[p] - pre.mean[k]) / pre.std[k], 5);
    }
  });

  it("TorchCAM's input is the map times the preprocessed image", () => {
    const m = f32([0.5, 0.25, 1, 0, 0.75, 0.1]);
    const out = new Float32Array(x.length);
    scale(x, m, out);
    out.forEach((v, i) => expect(v).toBeCloseTo(x[i] * m[Math.floor(i / 3)], 6));
  });

  it('the blur keeps a constant image and a sum, and smooths an impulse symmetrically', () => {
    const h = 9;
    const w = 9;
    const flat = new Float32Array(h * w * 2).fill(3);
    gaussianBlur(flat, h, w, 2, 1.5).forEach((v) => expect(v).toBeCloseTo(3, 5));
    const imp = new Float32Array(h * w);
    imp[4 * w + 4] = 1;
    const b = gaussianBlur(imp, h, w, 1, 1);
    expect(b.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    expect(b[4 * w + 4]).toBeLessThan(0.2);
    expect(b[4 * w + 3]).toBeCloseTo(b[4 * w + 5], 7);
    expect(b[3 * w + 4]).toBeCloseTo(b[4 * w + 3], 7);
  });
});
