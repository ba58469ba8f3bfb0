// Confusion matrix over label maps and the IoU / mIoU read from it (PASCAL VOC style): the
// one mIoU of the studio (the compare view's IoU, the review scores, the quality benchmark).
//
// Conventions, stated once here:
// - Classes are 0..K−1 with 0 = background; a label map value k means class k.
// - Ground-truth 255 (ignore) pixels are left out entirely (VOC's "void").
// - A predicted 255 (a mask's ignore band) is a prediction of no class: it is counted in a
//   separate "void" column, so it is a false negative for the pixel's true class and a
//   false positive for none.
// - IoU_c = TP_c / (TP_c + FP_c + FN_c). A class with TP+FP+FN = 0 (absent from the ground
//   truth and never predicted) has no IoU (NaN) and is left out of the mean; a class that is
//   predicted but absent from the ground truth has IoU 0 and counts.
// - mIoU is the mean over classes with an IoU, background included, computed from the
//   matrix accumulated over the whole data set (not a mean of per-image mIoUs).

import { IGNORE as IGNORE_LABEL } from './labels.ts';

export class ConfusionMatrix {
  /** row = ground truth 0..K−1, column = prediction 0..K−1 then K = void (predicted 255) */
  readonly counts: Float64Array;

  constructor(readonly numClasses: number) {
    if (!Number.isInteger(numClasses) || numClasses < 1 || numClasses > 255) throw new RangeError(`numClasses must be 1..255, got ${numClasses}`);
    this.counts = new Float64Array(numClasses * (numClasses + 1));
  }

  /** adds `n` pixels of truth `gt` predicted as `pred` (pred 255 = void) */
  addPair(gt: number, pred: number, n = 1): void {
    if (gt === IGNORE_LABEL) return;
    const K = this.numClasses;
    if (!(gt >= 0 && gt < K)) throw new RangeError(`ground-truth label ${gt} is not 0..${K - 1} or 255`);
    const col = pred === IGNORE_LABEL ? K : pred;
    if (!(col >= 0 && col <= K)) throw new RangeError(`predicted label ${pred} is not 0..${K - 1} or 255`);
    this.counts[gt * (K + 1) + col] += n;
  }

  /** adds a whole label map pair (same length) */
  add(gt: Uint8Array, pred: Uint8Array): void {
    if (gt.length !== pred.length) throw new RangeError(`label maps differ in size: ${gt.length} vs ${pred.length}`);
    for (let i = 0; i < gt.length; i++) this.addPair(gt[i], pred[i]);
  }

  /** adds another matrix of the same size */
  merge(other: ConfusionMatrix): void {
    if (other.numClasses !== this.numClasses) throw new RangeError('confusion matrices of different sizes');
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
  }

  at(gt: number, pred: number): number {
    const K = this.numClasses;
    return this.counts[gt * (K + 1) + (pred === IGNORE_LABEL ? K : pred)];
  }

  /** IoU per class; NaN where the class is neither in the truth nor predicted */
  iou(): number[] {
    const K = this.numClasses;
    const out: number[] = [];
    for (let c = 0; c < K; c++) {
      const tp = this.at(c, c);
      let row = 0;
      for (let p = 0; p <= K; p++) row += this.counts[c * (K + 1) + p];
      let col = 0;
      for (let g = 0; g < K; g++) col += this.counts[g * (K + 1) + c];
      const union = row + col - tp;
      out.push(union > 0 ? tp / union : NaN);
    }
    return out;
  }

  /** mean of the defined per-class IoUs (NaN when none is defined) */
  miou(): number {
    return meanDefined(this.iou());
  }

  /** fraction of counted pixels predicted correctly */
  pixelAccuracy(): number {
    const K = this.numClasses;
    let tp = 0;
    let all = 0;
    for (let c = 0; c < K; c++) tp += this.at(c, c);
    for (const v of this.counts) all += v;
    return all > 0 ? tp / all : NaN;
  }

  total(): number {
    let all = 0;
    for (const v of this.counts) all += v;
    return all;
  }
}

export function meanDefined(values: readonly number[]): number {
  let s = 0;
  let n = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    s += v;
    n++;
  }
  return n > 0 ? s / n : NaN;
}

/**
 * mIoU of `pred` against `truth` (same length), by the conventions above: truth 255 is left
 * out, a predicted 255 is a miss. null when no pixel counts (an all-ignore truth).
 */
export function meanIoU(pred: Uint8Array, truth: Uint8Array): number | null {
  let top = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = pred[i];
    if (t !== IGNORE_LABEL && t > top) top = t;
    if (p !== IGNORE_LABEL && p > top) top = p;
  }
  const cm = new ConfusionMatrix(top + 1);
  cm.add(truth, pred);
  const m = cm.miou();
  return Number.isNaN(m) ? null : m;
}
