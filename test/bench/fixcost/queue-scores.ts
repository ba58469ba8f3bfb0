// The review queue's scores for bench images, by the studio's own functions: today's
// margin confidence (src/services/scores.ts scoreImage on the rows a job stores) and the
// evidence-based confidence (src/services/fix-evidence.ts: the predicted mIoU from the
// refinement's evidence), on the CAMs a job stores, the mask it made and the image.
import { DEFAULT_MASK_SETTINGS } from '../../../src/masks/cam-mask.ts';
import type { RefineSettings } from '../../../src/masks/refine/index.ts';
import { EVIDENCE_FEATURES, fixEvidence, predictedIoU, type FixEvidence } from '../../../src/services/fix-evidence.ts';
import { scoreImage } from '../../../src/services/scores.ts';
import type { BenchImage } from './data.ts';

export interface ImageQueueScores {
  /** today's confidence: the stored layers' mean CAM margin (lower = reviewed sooner) */
  margin: number;
  evidence: FixEvidence;
  /** the committed model's predicted mIoU (lower = reviewed sooner) */
  predicted: number;
}

export function queueScores(img: BenchImage, mask: Uint8Array, layer: string, refine: RefineSettings | null, tau = DEFAULT_MASK_SETTINGS.bg): ImageQueueScores {
  // the rows a job stores: the detail layer and the deeper layers its chain gates with
  const rows = [...img.cams.map((c) => ({ c, layer })), ...Object.entries(img.deep).flatMap(([l, cs]) => cs.map((c) => ({ c, layer: l })))].map(({ c, layer: l }) => ({
    imageId: 0,
    classIndex: c.classIndex,
    modelHash: 'm',
    method: 'rcam',
    layer: l,
    h: c.h,
    w: c.w,
    data: c.f16,
  }));
  const margin = scoreImage(0, rows, tau).confidence ?? 0;
  const evidence = fixEvidence({
    cams: img.cams,
    deep: img.deep,
    layer,
    refine,
    tau,
    mask: { labels: mask, width: img.width, height: img.height },
    size: { width: img.width, height: img.height },
    rgb: { data: img.rgb, width: img.width, height: img.height },
  });
  return { margin, evidence, predicted: predictedIoU(evidence) };
}

/** the fit FIX_COST_MODEL holds: least squares of log(1.02 − mIoU) on the features, with a bias */
export function fitFixCost(evidence: readonly FixEvidence[], mIoU: readonly number[], features: readonly (keyof FixEvidence)[] = EVIDENCE_FEATURES): { bias: number; weights: Record<keyof FixEvidence, number> } {
  const y = mIoU.map((v) => Math.log(1.02 - v));
  const k = features.length + 1;
  const A = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const b = new Array<number>(k).fill(0);
  evidence.forEach((e, i) => {
    const row = [1, ...features.map((f) => e[f])];
    for (let r = 0; r < k; r++) {
      b[r] += row[r] * y[i];
      for (let c = 0; c < k; c++) A[r][c] += row[r] * row[c];
    }
  });
  // a little ridge keeps a constant feature from making A singular
  for (let r = 1; r < k; r++) A[r][r] += 1e-6 * evidence.length;
  const x = solve(A, b);
  return { bias: x[0], weights: Object.fromEntries(features.map((f, j) => [f, x[j + 1]])) as Record<keyof FixEvidence, number> };
}

function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = 0; r < n; r++) {
      if (r === c || M[c][c] === 0) continue;
      const f = M[r][c] / M[c][c];
      for (let j = c; j <= n; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row, i) => (row[i] ? row[n] / row[i] : 0));
}
