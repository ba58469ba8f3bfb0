// The faithfulness measures of a saliency map (the Relevance-CAM paper's, and the ones the CAM
// libraries ship), as pure functions of maps, masks and class scores; the bench
// (test/bench/faithfulness/) does the forwards.
//
// Average Drop / Increase in Confidence, two definitions (the authors' code, as docs/quality/faithfulness.md describes):
// - the authors' protocol (their code, posted in mongeoroo/Relevance-CAM#5): keep the map's
//   values strictly above its ⌊N/2⌋-th smallest value (the top 50 %, 25 087 of 224² pixels) as
//   a *soft* mask, multiply the [0, 1] image by it (removed pixels black before
//   normalisation); AD = 100·Σ (Y − O)/Y over the images whose score dropped, divided by the
//   number of those images; Increase = 100·(1 − the fraction that dropped), i.e. the
//   share with O ≥ Y.
// - the standard definition (Grad-CAM++, TorchCAM's ClassificationMetric): the whole [0, 1]
//   map times the normalised input; AD = (100/N)·Σ max(0, Y − O)/Y, Increase = (100/N)·#{Y < O}.
//
// Deletion / insertion (RISE, Petsiuk et al. 2018): pixels ranked by the map (highest first,
// ties by index) are removed (set black) or inserted (into a blurred copy) in `steps` equal
// chunks; the score after each chunk makes a curve over [0, 1] whose trapezoid area is the
// AUC (deletion: lower is better; insertion: higher).
//
// Localisation: the thresholded map against the object's ground-truth box (the box of the
// class's pixels), IoU at "25 %" and "75 %" in both readings (metrics/localisation.ts).
import { binarise, binaryIou } from './localisation.ts';

/** the authors' soft top-50 % mask: map · [map > t], t the ⌊N/2⌋-th value in ascending order */
export function authorsSoftMask(map: Float32Array): Float32Array {
  const t = Float32Array.from(map).sort()[Math.floor(0.5 * map.length)];
  return Float32Array.from(map, (v) => (v > t ? v : 0));
}

/** the scores before (y) and after (o) masking, of one explained class of one image */
export interface ScorePair {
  y: number;
  o: number;
}

/** the authors' Average Drop (%): mean relative drop over the pairs whose score dropped (NaN if none did) */
export function averageDropAuthors(pairs: readonly ScorePair[]): number {
  let sum = 0;
  let dropped = 0;
  for (const { y, o } of pairs) {
    if (y - o > 0) {
      sum += (y - o) / y;
      dropped++;
    }
  }
  return dropped > 0 ? (100 * sum) / dropped : NaN;
}

/** the authors' Increase (%): 100 · (1 − the fraction of pairs whose score dropped) */
export function increaseAuthors(pairs: readonly ScorePair[]): number {
  if (pairs.length === 0) return NaN;
  const dropped = pairs.filter(({ y, o }) => y - o > 0).length;
  return 100 * (1 - dropped / pairs.length);
}

/** the standard Average Drop (%): (100/N) Σ max(0, Y − O)/Y */
export function averageDropStandard(pairs: readonly ScorePair[]): number {
  if (pairs.length === 0) return NaN;
  let sum = 0;
  for (const { y, o } of pairs) sum += Math.max(0, y - o) / y;
  return (100 * sum) / pairs.length;
}

/** the standard Increase in Confidence (%): (100/N) #{Y < O} */
export function increaseStandard(pairs: readonly ScorePair[]): number {
  if (pairs.length === 0) return NaN;
  return (100 * pairs.filter(({ y, o }) => y < o).length) / pairs.length;
}

/** pixel indices by decreasing map value, ties by index (the deletion / insertion order) */
export function saliencyOrder(map: Float32Array): Uint32Array {
  const idx = Uint32Array.from(map.keys());
  return idx.sort((a, b) => map[b] - map[a] || a - b);
}

/** how many of N pixels are changed after step k of `steps` (0 … N) */
export function pixelsAtStep(n: number, k: number, steps: number): number {
  return Math.round((k * n) / steps);
}

/** 1 where a pixel is kept as it is after step k: deletion keeps all but the first pixels of the order, insertion only those */
export function stepMask(order: Uint32Array, k: number, steps: number, mode: 'deletion' | 'insertion'): Float32Array {
  const n = order.length;
  const changed = pixelsAtStep(n, k, steps);
  const m = new Float32Array(n).fill(mode === 'deletion' ? 1 : 0);
  for (let i = 0; i < changed; i++) m[order[i]] = mode === 'deletion' ? 0 : 1;
  return m;
}

/** trapezoid area under a curve sampled at steps + 1 equally spaced points of [0, 1] */
export function curveAuc(curve: readonly number[]): number {
  const steps = curve.length - 1;
  if (steps < 1) return NaN;
  let s = 0;
  for (let k = 0; k < steps; k++) s += (curve[k] + curve[k + 1]) / 2;
  return s / steps;
}

/** the bounding box of label `value` in a w×h label map as a 0/1 mask, rescaled to outW×outH (null: the label is absent) */
export function boxMask(labels: Uint8Array, w: number, h: number, value: number, outW = w, outH = h): Uint8Array | null {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      if (labels[y * w + x] !== value) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  if (x1 < 0) return null;
  // pixel edges scale; a box keeps at least one output pixel
  const bx0 = Math.floor((x0 * outW) / w);
  const by0 = Math.floor((y0 * outH) / h);
  const bx1 = Math.max(bx0 + 1, Math.ceil(((x1 + 1) * outW) / w));
  const by1 = Math.max(by0 + 1, Math.ceil(((y1 + 1) * outH) / h));
  const m = new Uint8Array(outW * outH);
  for (let y = by0; y < by1; y++) m.fill(1, y * outW + bx0, y * outW + bx1);
  return m;
}

export const LOC_READINGS = [
  { key: 'locIoU25', fraction: 0.25, reading: 'of-max' },
  { key: 'locIoU75', fraction: 0.75, reading: 'of-max' },
  { key: 'locIoU25TopK', fraction: 0.25, reading: 'top' },
  { key: 'locIoU75TopK', fraction: 0.75, reading: 'top' },
] as const;
export type LocKey = (typeof LOC_READINGS)[number]['key'];

/** IoU of the thresholded [0, 1] display map against the box, at 25 % / 75 % in both readings */
export function localisationIous(map: Float32Array, box: Uint8Array): Record<LocKey, number> {
  return Object.fromEntries(LOC_READINGS.map((r) => [r.key, binaryIou(binarise(map, r.fraction, r.reading), box)])) as Record<LocKey, number>;
}
