import { describe, expect, it } from 'vitest';
import { ConfusionMatrix, meanDefined } from '../../../src/masks/confusion.ts';

const u8 = (a: number[]) => Uint8Array.from(a);

describe('ConfusionMatrix', () => {
  it('IoU per class on a 3×3 map, computed by hand', () => {
    // truth        prediction
    // 0 0 1        0 1 1
    // 0 1 1        0 1 1
    // 2 2 2        2 0 1
    const gt = u8([0, 0, 1, 0, 1, 1, 2, 2, 2]);
    const pr = u8([0, 1, 1, 0, 1, 1, 2, 0, 1]);
    const cm = new ConfusionMatrix(3);
    cm.add(gt, pr);
    // class 0: TP 2 (px 0,3), FP 1 (px 7), FN 1 (px 1) → 2/4
    // class 1: TP 3 (px 2,4,5), FP 2 (px 1,8), FN 0 → 3/5
    // class 2: TP 1 (px 6), FP 0, FN 2 (px 7,8) → 1/3
    expect(cm.iou()).toEqual([2 / 4, 3 / 5, 1 / 3]);
    expect(cm.miou()).toBeCloseTo((0.5 + 0.6 + 1 / 3) / 3, 12);
    expect(cm.pixelAccuracy()).toBeCloseTo(6 / 9, 12);
  });

  it('leaves ground-truth 255 out and counts a predicted 255 as a miss of the true class', () => {
    const gt = u8([255, 255, 1, 1, 0, 0]);
    const pr = u8([1, 0, 255, 1, 0, 0]);
    const cm = new ConfusionMatrix(2);
    cm.add(gt, pr);
    expect(cm.total()).toBe(4);
    // class 0: TP 2, FP 0, FN 0 → 1; class 1: TP 1, FN 1 (the void prediction), FP 0 → 1/2
    expect(cm.iou()).toEqual([1, 0.5]);
    expect(cm.at(1, 255)).toBe(1);
  });

  it('absent classes have no IoU and are left out of the mean; predicted-but-absent counts as 0', () => {
    const cm = new ConfusionMatrix(4);
    cm.add(u8([0, 0, 1, 1]), u8([0, 0, 1, 3]));
    const iou = cm.iou();
    // class 0: 2/2; class 1: 1/2; class 2: never seen or predicted → NaN; class 3: FP only → 0
    expect(iou[0]).toBe(1);
    expect(iou[1]).toBe(0.5);
    expect(Number.isNaN(iou[2])).toBe(true);
    expect(iou[3]).toBe(0);
    expect(cm.miou()).toBeCloseTo((1 + 0.5 + 0) / 3, 12);
  });

  it('accumulates over images as one matrix (not a mean of per-image mIoUs)', () => {
    const a = new ConfusionMatrix(2);
    a.add(u8([1, 1, 1, 1]), u8([1, 1, 1, 1]));
    const b = new ConfusionMatrix(2);
    b.add(u8([0, 0, 0, 1]), u8([0, 1, 1, 1]));
    a.merge(b);
    // class 0: TP 1, FN 2 → 1/3; class 1: TP 5, FP 2 → 5/7
    expect(a.iou()).toEqual([1 / 3, 5 / 7]);
  });

  it('rejects labels outside the class range', () => {
    const cm = new ConfusionMatrix(2);
    expect(() => cm.add(u8([2]), u8([0]))).toThrow(/ground-truth label 2/);
    expect(() => cm.add(u8([0]), u8([7]))).toThrow(/predicted label 7/);
    expect(Number.isNaN(meanDefined([NaN]))).toBe(true);
  });
});
