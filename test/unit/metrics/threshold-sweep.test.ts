import { describe, expect, it } from 'vitest';
import { argmaxMaps, camsToLabels, upsampleCams, type ClassCam } from '../../../src/masks/cam-mask.ts';
import { ConfusionMatrix } from '../../../src/masks/confusion.ts';
import { ThresholdSweep, tauRange } from '../../bench/metrics/threshold-sweep.ts';

/** a small deterministic generator, so the maps are arbitrary but fixed */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('ThresholdSweep', () => {
  it('equals camsToLabels + a confusion matrix at every τ (both normalisations)', () => {
    const taus = tauRange(0.05, 0.95, 0.05);
    expect(taus.length).toBe(19);
    expect(taus[18]).toBe(0.95);
    const rnd = lcg(7);
    for (const mode of ['relu-max', 'minmax'] as const) {
      const sweep = new ThresholdSweep(6, taus);
      const direct = taus.map(() => new ConfusionMatrix(6));
      for (let img = 0; img < 3; img++) {
        const W = 24;
        const H = 20;
        const gt = Uint8Array.from({ length: W * H }, () => Math.floor(rnd() * 6));
        gt[5] = 255;
        const cams: ClassCam[] = [2, 5, 1].slice(0, img + 1).map((c) => ({
          classIndex: c, width: 6, height: 5, data: Float32Array.from({ length: 30 }, () => rnd() * 2 - 0.5),
        }));
        const { argmax, score } = argmaxMaps(upsampleCams(cams, W, H, mode), W * H);
        sweep.add(gt, argmax, score);
        taus.forEach((tau, t) => direct[t].add(gt, camsToLabels(cams, W, H, { bg: tau, normalisation: mode })));
      }
      taus.forEach((_, t) => expect([...sweep.confusion(t).counts]).toEqual([...direct[t].counts]));
      const best = sweep.best();
      expect(best.miou).toBe(Math.max(...sweep.curve()));
    }
  });

  it('a score exactly at τ is background (strict >, as camsToLabels)', () => {
    const sweep = new ThresholdSweep(2, [0.25, 0.5]);
    sweep.add(Uint8Array.from([1, 1]), Uint8Array.from([1, 1]), Float32Array.from([0.5, 0.25]));
    expect(sweep.confusion(0).at(1, 1)).toBe(1); // 0.5 > 0.25; 0.25 is not
    expect(sweep.confusion(1).at(1, 1)).toBe(0);
    expect(sweep.confusion(1).at(1, 0)).toBe(2);
  });
});
