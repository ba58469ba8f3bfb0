// How good a generated mask is likely to be — so the review queue sends a user's clicks
// where fixing pays — from the refinement's own evidence: the job's stored CAMs, run again
// through the mask's refinement chain at the chain's working size (the image's pixels
// shrunk to it), and the stored mask itself. Each feature grows as the mask gets worse; a
// linear model on them predicts log(1.02 − mIoU) of the mask (weights fitted on the
// fix-cost bench's tuning split, docs/quality/fixcost.md), whose worst images are also the
// costliest to fix.
import { argmaxMaps, camFromStored, maskSettings, thresholdArgmax, type StoredCam, upsampleCams } from '../masks/cam-mask.ts';
import { connectedComponents } from '../masks/components.ts';
import { meanIoU } from '../masks/confusion.ts';
import { chainForLayer, downsampleRgb, refineMaps, workSize, type RefineSettings } from '../masks/refine/index.ts';

export interface FixEvidence {
  /** per class, 1 − IoU of its refined region at τ − 0.1 and τ + 0.1: the least stable class */
  unstable: number;
  /** 1 − mean mIoU of the refined mask at τ' ∈ [τ − 0.2, τ + 0.2] against the one at τ */
  drift: number;
  /** share of pixels whose refined score lies within 0.05 of τ */
  band: number;
  /** tagged classes with (almost) no pixels in the stored mask */
  missing: number;
  /** extra pieces in the stored mask: per class, connected regions beyond the first (≥ 2 grid cells) */
  pieces: number;
  /** share of the image the smallest tagged class covers in the stored mask (a small object's IoU is fragile) */
  smallest: number;
  /** share of the stored mask's class cells on a class boundary (thin, ragged shapes) */
  edge: number;
}

export const EVIDENCE_FEATURES = ['unstable', 'drift', 'band', 'missing', 'pieces', 'smallest', 'edge'] as const satisfies readonly (keyof FixEvidence)[];

/**
 * log(1.02 − mIoU) = bias + Σ weight · feature: least squares on the fix-cost bench's tuning
 * split (demo net, 300 textured + 300 flat scenes, default chain); features chosen there by
 * forward selection.
 */
export const FIX_COST_MODEL: { bias: number; weights: Record<keyof FixEvidence, number> } = {
  bias: -2.838,
  weights: { unstable: 0.431, drift: 1.899, band: 1.299, missing: 0.608, pieces: 0.0575, smallest: -0.780, edge: 0.857 },
};

export interface LabelGrid {
  labels: Uint8Array;
  width: number;
  height: number;
}

export interface EvidenceInput {
  /** the job layer's stored CAMs (one per tagged class) and the deeper layers' by name */
  cams: readonly StoredCam[];
  deep: Readonly<Record<string, readonly StoredCam[]>>;
  /** the layer the CAMs are of (the chain's gate reads only deeper ones) */
  layer: string;
  /** the mask's refinement chain (null: raw CAMs) and τ_bg */
  refine: RefineSettings | null;
  tau: number;
  /** the stored mask (null: none yet; the refined mask at τ stands in for it) */
  mask: LabelGrid | null;
  /** the image's size (the mask's) */
  size: { width: number; height: number };
  /** the image's pixels at any size of the mask's aspect (RGB); shrunk here to the working size */
  rgb: { data: Uint8Array; width: number; height: number } | null;
}

/** the side the evidence is computed at when the chain has no working size of its own */
export const EVIDENCE_SIDE = 64;

export function fixEvidence(e: EvidenceInput): FixEvidence {
  const tags = e.cams.length;
  if (tags === 0) return { unstable: 0, drift: 0, band: 0, missing: 0, pieces: 0, smallest: 0, edge: 0 };
  const chain = chainForLayer(e.refine, e.layer);
  const { width: W, height: H } = workSize(e.size.width, e.size.height, chain?.workSide ?? EVIDENCE_SIDE);
  const n = W * H;
  const cams = e.cams.map(camFromStored);
  let maps;
  if (chain) {
    const deep: Record<string, ReturnType<typeof camFromStored>[]> = {};
    for (const [l, cs] of Object.entries(e.deep)) deep[l] = cs.map(camFromStored);
    const rgb = e.rgb ? downsampleRgb(e.rgb.data, e.rgb.width, e.rgb.height, W, H) : null;
    maps = refineMaps({ width: W, height: H, rgb, cams, deep }, chain, 'relu-max').maps;
  } else maps = upsampleCams(cams, W, H, 'relu-max');

  // the refined maps around τ
  const { argmax, score } = argmaxMaps(maps, n);
  let band = 0;
  for (let i = 0; i < n; i++) if (Math.abs(score[i] - e.tau) < 0.05) band++;
  // τ ± 0.2 leaves 0…1 for a mask cut near either end (a per-image τ of 0.1, say): the
  // threshold only compares, so it is applied as is rather than through maskSettings' range check
  const plain = maskSettings();
  const at = (t: number) => thresholdArgmax(argmax.slice(), score, W, H, { ...plain, bg: t });
  const base = at(e.tau);
  const lo = at(e.tau - 0.1);
  const hi = at(e.tau + 0.1);
  let stable = 1;
  for (const m of maps) {
    let inter = 0;
    let union = 0;
    for (let i = 0; i < n; i++) {
      const a = lo[i] === m.classIndex;
      const b = hi[i] === m.classIndex;
      if (a && b) inter++;
      if (a || b) union++;
    }
    stable = Math.min(stable, union ? inter / union : 0);
  }
  let agree = 0;
  const offsets = [-0.2, -0.15, -0.1, -0.05, 0.05, 0.1, 0.15, 0.2];
  for (const d of offsets) agree += meanIoU(at(e.tau + d), base) ?? 1;

  // the stored mask, sampled at the same grid
  const labels = e.mask ? sampleGrid(e.mask, W, H) : base;
  const count = new Float64Array(256);
  for (let i = 0; i < n; i++) count[labels[i]]++;
  let missing = 0;
  let smallest = 1;
  for (const c of cams) {
    if (count[c.classIndex] < 0.005 * n) missing++;
    smallest = Math.min(smallest, count[c.classIndex] / n);
  }
  const comps = connectedComponents(labels, W, H, 8);
  const perClass = new Map<number, number>();
  for (let id = 1; id <= comps.count; id++) if (comps.areas[id] >= 2) perClass.set(comps.values[id], (perClass.get(comps.values[id]) ?? 0) + 1);
  let pieces = 0;
  for (const k of perClass.values()) pieces += k - 1;
  let cls = 0;
  let boundary = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const v = labels[i];
      if (v === 0 || v === 255) continue;
      cls++;
      if ((x > 0 && labels[i - 1] !== v) || (x < W - 1 && labels[i + 1] !== v) || (y > 0 && labels[i - W] !== v) || (y < H - 1 && labels[i + W] !== v)) boundary++;
    }
  }
  return { unstable: 1 - stable, drift: 1 - agree / offsets.length, band: band / n, missing, pieces, smallest, edge: cls ? boundary / cls : 0 };
}

/** the model's predicted mIoU of the mask (clamped to 0..1): the queue's confidence */
export function predictedIoU(e: FixEvidence, model = FIX_COST_MODEL): number {
  let v = model.bias;
  for (const k of EVIDENCE_FEATURES) v += model.weights[k] * e[k];
  return Math.min(1, Math.max(0, 1.02 - Math.exp(v)));
}

/** the mask's value at each grid cell's centre */
function sampleGrid(m: LabelGrid, gw: number, gh: number): Uint8Array {
  if (m.width === gw && m.height === gh) return m.labels;
  const out = new Uint8Array(gw * gh);
  for (let y = 0; y < gh; y++) {
    const row = Math.min(m.height - 1, Math.floor(((y + 0.5) * m.height) / gh)) * m.width;
    for (let x = 0; x < gw; x++) out[y * gw + x] = m.labels[row + Math.min(m.width - 1, Math.floor(((x + 0.5) * m.width) / gw))];
  }
  return out;
}
