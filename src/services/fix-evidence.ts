// How much fixing a generated mask will take, from the refinement's own evidence: the job's
// stored CAMs (the detail layer and the deeper layers of the same walk) against the mask it
// made. Each feature grows with the expected fix cost; a linear model on them predicts
// log(1 + clicks) of the smart region tool's robot annotator to 0.90 mIoU (weights fitted on
// the fix-cost bench's tuning split, docs/quality/fixcost.md). Computed on a grid of at most
// GRID_SIDE per side (the mask sampled at cell centres, the CAMs resampled bilinearly).
import { connectedComponents } from '../masks/components.ts';
import { argmaxMaps, normaliseCam, thresholdArgmax, maskSettings, camFromStored, type StoredCam } from '../masks/cam-mask.ts';
import { meanIoU } from '../masks/confusion.ts';
import { resizeBilinear } from '../masks/resize.ts';

export const GRID_SIDE = 64;

export interface FixEvidence {
  /** 1 − mean |top CAM − τ| / max(τ, 1 − τ) on the detail layer (the old "confidence", inverted) */
  uncertainty: number;
  /** 1 − mIoU of the raw detail-layer mask (argmax vs τ) and the stored mask: how much the refinement moved */
  refined: number;
  /** 1 − mIoU of the raw detail-layer and deepest-layer masks: the gate's disagreement (0 without deep maps) */
  gate: number;
  /** tagged classes with (almost) no pixels in the mask */
  missing: number;
  /** extra pieces: per class, connected regions beyond the first (of ≥ 2 grid cells) */
  pieces: number;
  /** share of the CAMs' mass outside their own class in the mask */
  outside: number;
  /** tagged classes */
  tags: number;
  /** share of the mask's class cells on a class boundary (thin, ragged shapes cost more clicks) */
  edge: number;
}

export const EVIDENCE_FEATURES = ['uncertainty', 'refined', 'gate', 'missing', 'pieces', 'outside', 'tags', 'edge'] as const satisfies readonly (keyof FixEvidence)[];

/**
 * log(1 + predicted clicks) = bias + Σ weight · feature, least squares on the bench's tuning
 * split (demo net, textured and flat, default chain).
 */
export const FIX_COST_MODEL: { bias: number; weights: Record<keyof FixEvidence, number> } = {
  bias: 0,
  weights: { uncertainty: 0, refined: 0, gate: 0, missing: 0, pieces: 0, outside: 0, tags: 0, edge: 0 },
};

export interface MaskGrid {
  labels: Uint8Array;
  width: number;
  height: number;
}

/**
 * The evidence of one image: `detail` the job layer's CAMs (one per tagged class), `deep`
 * the deeper layers' (finest first or any order: the coarsest is used), `mask` the stored
 * mask (null: the raw mask stands in for it).
 */
export function fixEvidence(detail: readonly StoredCam[], deep: readonly (readonly StoredCam[])[], mask: MaskGrid | null, tau: number): FixEvidence {
  const tags = detail.length;
  if (tags === 0) return { uncertainty: 0, refined: 0, gate: 0, missing: 0, pieces: 0, outside: 0, tags: 0, edge: 0 };
  const base = detail[0];
  const scale = Math.max(1, Math.floor(Math.min(GRID_SIDE / Math.max(base.w, base.h), mask ? Math.min(mask.width / base.w, mask.height / base.h) : 1)));
  const gw = base.w * scale;
  const gh = base.h * scale;
  const n = gw * gh;
  const onGrid = (cams: readonly StoredCam[]) =>
    cams.map((c) => ({ classIndex: c.classIndex, map: resizeBilinear(normaliseCam(camFromStored(c).data, 'relu-max'), c.w, c.h, gw, gh) }));
  const maps = onGrid(detail);
  const plain = maskSettings({ bg: tau });
  const rawOf = (ms: typeof maps) => {
    const { argmax, score } = argmaxMaps(ms, n);
    return { labels: thresholdArgmax(argmax, score.slice(), gw, gh, plain), score };
  };
  const raw = rawOf(maps);
  const labels = mask ? sampleGrid(mask, gw, gh) : raw.labels;

  const span = Math.max(tau, 1 - tau);
  let margin = 0;
  for (let i = 0; i < n; i++) margin += Math.abs(raw.score[i] - tau) / span;
  const coarsest = deep.filter((d) => d.length === detail.length).sort((a, b) => a[0].w * a[0].h - b[0].w * b[0].h)[0];
  const gate = coarsest ? 1 - (meanIoU(raw.labels, rawOf(onGrid(coarsest)).labels) ?? 1) : 0;

  const count = new Float64Array(256);
  for (let i = 0; i < n; i++) count[labels[i]]++;
  let missing = 0;
  let massIn = 0;
  let massAll = 0;
  for (const m of maps) {
    if (count[m.classIndex] < 0.005 * n) missing++;
    for (let i = 0; i < n; i++) {
      massAll += m.map[i];
      if (labels[i] === m.classIndex) massIn += m.map[i];
    }
  }
  const comps = connectedComponents(labels, gw, gh, 8);
  const perClass = new Map<number, number>();
  for (let id = 1; id <= comps.count; id++) if (comps.areas[id] >= 2) perClass.set(comps.values[id], (perClass.get(comps.values[id]) ?? 0) + 1);
  let pieces = 0;
  for (const k of perClass.values()) pieces += k - 1;
  let cls = 0;
  let boundary = 0;
  for (let y = 0; y < gh; y++) {
    for (let x = 0; x < gw; x++) {
      const v = labels[y * gw + x];
      if (v === 0 || v === 255) continue;
      cls++;
      if ((x > 0 && labels[y * gw + x - 1] !== v) || (x < gw - 1 && labels[y * gw + x + 1] !== v) || (y > 0 && labels[(y - 1) * gw + x] !== v) || (y < gh - 1 && labels[(y + 1) * gw + x] !== v)) boundary++;
    }
  }
  return {
    uncertainty: 1 - margin / n,
    refined: 1 - (meanIoU(raw.labels, labels) ?? 1),
    gate,
    missing,
    pieces,
    outside: massAll > 0 ? 1 - massIn / massAll : 0,
    tags,
    edge: cls ? boundary / cls : 0,
  };
}

/** predicted clicks to fix the mask (≥ 0) */
export function predictedClicks(e: FixEvidence, model = FIX_COST_MODEL): number {
  let v = model.bias;
  for (const k of EVIDENCE_FEATURES) v += model.weights[k] * e[k];
  return Math.max(0, Math.expm1(v));
}

/** the mask's value at each grid cell's centre */
function sampleGrid(m: MaskGrid, gw: number, gh: number): Uint8Array {
  const out = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    const row = Math.min(m.height - 1, Math.floor(((y + 0.5) * m.height) / gh)) * m.width;
    for (let x = 0; x < gw; x++) out[y * gw + x] = m.labels[row + Math.min(m.width - 1, Math.floor(((x + 0.5) * m.width) / gw))];
  }
  return out;
}
