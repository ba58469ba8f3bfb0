// mIoU of tag-guided pseudo-masks over a sweep of background thresholds τ_bg in one pass.
//
// src/masks/cam-mask.ts camsToLabels (no ignore band, no clean-up) labels a pixel with the
// argmax class c* of the normalised, upsampled tag maps when its score b = max_c map_c is
// strictly above τ_bg, else background. The argmax does not depend on τ, so each pixel is
// reduced once to (truth, c*, b) and binned by how many thresholds lie below b: for τ_i the
// pixel is c* iff τ_i < b. Per-bin counts are summed into one confusion matrix per τ at the
// end — identical to running camsToLabels at every τ (a unit test checks that), at the cost
// of one pass.
import { ConfusionMatrix } from '../../../src/masks/confusion.ts';
import { IGNORE } from '../../../src/masks/labels.ts';

export class ThresholdSweep {
  /** [truth][argmax class][bin]: bin j = number of thresholds strictly below the pixel's score */
  private readonly hist: Float64Array;

  constructor(
    readonly numClasses: number,
    /** ascending τ values */
    readonly taus: readonly number[],
  ) {
    for (let i = 1; i < taus.length; i++) if (!(taus[i] > taus[i - 1])) throw new RangeError('thresholds must ascend');
    this.hist = new Float64Array(numClasses * numClasses * (taus.length + 1));
  }

  /** one image: truth labels, the argmax class per pixel and its score */
  add(gt: Uint8Array, argmax: Uint8Array, score: Float32Array): void {
    const K = this.numClasses;
    const T = this.taus.length;
    const taus = this.taus;
    for (let i = 0; i < gt.length; i++) {
      const g = gt[i];
      if (g === IGNORE) continue;
      const b = score[i];
      let j = 0;
      while (j < T && taus[j] < b) j++;
      const c = argmax[i];
      if (g >= K || c >= K) throw new RangeError(`label ${g >= K ? g : c} is not 0..${K - 1}`);
      this.hist[(g * K + c) * (T + 1) + j]++;
    }
  }

  merge(other: ThresholdSweep): void {
    for (let i = 0; i < this.hist.length; i++) this.hist[i] += other.hist[i];
  }

  /** the confusion matrix of the masks at taus[t] */
  confusion(t: number): ConfusionMatrix {
    const K = this.numClasses;
    const T = this.taus.length;
    const cm = new ConfusionMatrix(K);
    for (let g = 0; g < K; g++) {
      for (let c = 0; c < K; c++) {
        const base = (g * K + c) * (T + 1);
        let fg = 0;
        let bg = 0;
        for (let j = 0; j <= T; j++) {
          if (j > t) fg += this.hist[base + j];
          else bg += this.hist[base + j];
        }
        if (fg) cm.addPair(g, c, fg);
        if (bg) cm.addPair(g, 0, bg);
      }
    }
    return cm;
  }

  /** mIoU at every τ */
  curve(): number[] {
    return this.taus.map((_, t) => this.confusion(t).miou());
  }

  /** the τ with the highest mIoU (the lowest such τ on ties) */
  best(): { tau: number; miou: number; index: number } {
    const c = this.curve();
    let index = 0;
    for (let t = 1; t < c.length; t++) if (c[t] > c[index]) index = t;
    return { tau: this.taus[index], miou: c[index], index };
  }

  /** pixels counted */
  total(): number {
    let s = 0;
    for (const v of this.hist) s += v;
    return s;
  }
}

/** τ = from, from+step, … ≤ to, rounded to 1e-9 so 0.05·k prints and compares cleanly */
export function tauRange(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let k = 0; ; k++) {
    const v = Math.round((from + k * step) * 1e9) / 1e9;
    if (v > to + 1e-12) break;
    out.push(v);
  }
  return out;
}
