// Affinity propagation seeded at the click, on the refinement stage's PAR affinities
// (src/masks/refine/par.ts: colour + position softmax over 8 neighbours at several
// dilations): label propagation (Zhou et al. 2004) x ← (1 − α)·A·x + α·p with the seeds held
// at 1, where a neighbour outside the domain counts 1 when it holds the target label and 0
// otherwise.
import { neighbourIndex, parAffinity, type Affinity } from '../refine/par.ts';
import type { ParSettings } from '../refine/settings.ts';
import type { ClickProblem } from './problem.ts';
import type { WorkImage } from './work-image.ts';

export interface PropagationSettings {
  par: ParSettings;
  /** weight α of the prior per round */
  prior: number;
}

/** the image's PAR affinities at the working size, with each weight's neighbour (once per image and setting) */
export interface WorkAffinity extends Affinity {
  idx: Int32Array;
}

export function workAffinity(img: WorkImage, par: ParSettings): WorkAffinity {
  const aff = parAffinity(img.work, img.w, img.h, par);
  return { ...aff, idx: neighbourIndex(aff) };
}

export function propagate(pb: ClickProblem, aff: WorkAffinity, labels: Uint8Array, s: PropagationSettings): Float64Array {
  const m = pb.pixel.length;
  const { idx, w, k } = aff;
  const outside = (q: number) => (labels[q] === pb.target ? 1 : 0);
  let x = new Float64Array(m);
  for (let i = 0; i < m; i++) x[i] = pb.seed[i] ? 1 : pb.prior[i];
  let nx = new Float64Array(m);
  const a = s.prior;
  for (let it = 0; it < s.par.iterations; it++) {
    for (let i = 0; i < m; i++) {
      if (pb.seed[i]) {
        nx[i] = 1;
        continue;
      }
      const base = pb.pixel[i] * k;
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const q = idx[base + j];
        const nq = pb.node[q];
        sum += w[base + j] * (nq >= 0 ? x[nq] : outside(q));
      }
      nx[i] = (1 - a) * sum + a * pb.prior[i];
    }
    const t = x;
    x = nx;
    nx = t;
  }
  return x;
}
