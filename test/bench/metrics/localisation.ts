// Localisation IoU of one class map against that class's ground-truth region, with the
// paper's "25%" / "75%" thresholds (its supplementary material) read both ways, since the paper does not
// say which it means:
// - 'of-max': keep pixels with value ≥ f · max(map) (f = 0.25 or 0.75). A higher f gives a
//   smaller, more confident region. A map whose max is ≤ 0 keeps nothing.
// - 'top': keep the ⌈f · N⌉ highest-valued pixels (f = 0.25 → the top quarter of the image).
//   Ties at the cut-off value are all kept, so ties can make the region larger than ⌈f·N⌉;
//   a constant map keeps everything.
// IoU = |A ∩ B| / |A ∪ B|; two empty regions give NaN (no evidence), not 1.

export type LocalisationReading = 'of-max' | 'top';

export function binariseOfMax(map: Float32Array, fraction: number): Uint8Array {
  let max = -Infinity;
  for (const v of map) if (v > max) max = v;
  const out = new Uint8Array(map.length);
  if (!(max > 0)) return out;
  const thr = fraction * max;
  for (let i = 0; i < map.length; i++) out[i] = map[i] >= thr ? 1 : 0;
  return out;
}

export function binariseTop(map: Float32Array, fraction: number): Uint8Array {
  const out = new Uint8Array(map.length);
  const k = Math.ceil(fraction * map.length);
  if (k <= 0) return out;
  const sorted = Float32Array.from(map).sort();
  const thr = sorted[Math.max(0, map.length - k)];
  for (let i = 0; i < map.length; i++) out[i] = map[i] >= thr ? 1 : 0;
  return out;
}

export function binarise(map: Float32Array, fraction: number, reading: LocalisationReading): Uint8Array {
  return reading === 'of-max' ? binariseOfMax(map, fraction) : binariseTop(map, fraction);
}

/** IoU of two binary masks (non-zero = inside) */
export function binaryIou(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new RangeError(`masks differ in size: ${a.length} vs ${b.length}`);
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] !== 0;
    const y = b[i] !== 0;
    if (x && y) inter++;
    if (x || y) union++;
  }
  return union > 0 ? inter / union : NaN;
}

/** the binary region of label `value` in a label map */
export function regionOf(labels: Uint8Array, value: number): Uint8Array {
  return Uint8Array.from(labels, (v) => (v === value ? 1 : 0));
}

/** running mean that skips NaN */
export class MeanAccumulator {
  sum = 0;
  count = 0;
  add(v: number): void {
    if (Number.isNaN(v)) return;
    this.sum += v;
    this.count++;
  }
  get mean(): number {
    return this.count > 0 ? this.sum / this.count : NaN;
  }
}
