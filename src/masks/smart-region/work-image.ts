// An image prepared once for many smart-region clicks: its pixels box-filtered to a working
// size (so a click on a 4096² image costs what one on a ~256² image does), the colour
// contrast of every neighbour pair there, and a quantised colour per pixel for the colour
// models. Everything per image lives here; everything per click in problem.ts.
import { downsampleRgb, workSize } from '../refine/refine.ts';

/** 8-neighbour offsets used by the pair weights: right, down, down-right, down-left */
export const PAIR_DIRS: readonly (readonly [number, number])[] = [
  [1, 0],
  [0, 1],
  [1, 1],
  [-1, 1],
];

export interface WorkImage {
  /** the full image */
  width: number;
  height: number;
  rgb: Uint8Array;
  /** the working size and the image there */
  w: number;
  h: number;
  work: Uint8Array;
  /**
   * pair weights exp(−β‖Δrgb‖²) (÷√2 on diagonals) to the PAIR_DIRS neighbours, 4 per pixel,
   * 0 where the neighbour is outside; β = 1 / (2 · mean ‖Δrgb‖² over the 4-neighbour pairs), as GrabCut
   */
  pairs: Float32Array;
  /** colour bin per working pixel (BINS_PER_CHANNEL³ bins) */
  bins: Uint16Array;
}

export const BINS_PER_CHANNEL = 8;
export const COLOUR_BINS = BINS_PER_CHANNEL ** 3;

export function prepareWorkImage(rgb: Uint8Array, width: number, height: number, workSide: number): WorkImage {
  if (rgb.length !== width * height * 3) throw new Error(`smart region: ${rgb.length} RGB bytes for a ${width}x${height} image`);
  const { width: w, height: h } = workSize(width, height, workSide);
  const work = downsampleRgb(rgb, width, height, w, h);
  const n = w * h;
  const d2 = new Float64Array(n * 4);
  let sum = 0;
  let count = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      for (let k = 0; k < 4; k++) {
        const xx = x + PAIR_DIRS[k][0];
        const yy = y + PAIR_DIRS[k][1];
        if (xx < 0 || xx >= w || yy >= h) {
          d2[i * 4 + k] = -1;
          continue;
        }
        const j = yy * w + xx;
        const dr = work[3 * i] - work[3 * j];
        const dg = work[3 * i + 1] - work[3 * j + 1];
        const db = work[3 * i + 2] - work[3 * j + 2];
        const v = (dr * dr + dg * dg + db * db) / (255 * 255);
        d2[i * 4 + k] = v;
        if (k < 2) {
          sum += v;
          count++;
        }
      }
    }
  }
  const beta = sum > 0 ? count / (2 * sum) : 0;
  const pairs = new Float32Array(n * 4);
  for (let i = 0; i < n * 4; i++) {
    const v = d2[i];
    if (v < 0) continue;
    pairs[i] = Math.exp(-beta * v) * ((i & 3) >= 2 ? Math.SQRT1_2 : 1);
  }
  const bins = new Uint16Array(n);
  const shift = 8 - Math.log2(BINS_PER_CHANNEL);
  for (let i = 0; i < n; i++) bins[i] = ((work[3 * i] >> shift) * BINS_PER_CHANNEL + (work[3 * i + 1] >> shift)) * BINS_PER_CHANNEL + (work[3 * i + 2] >> shift);
  return { width, height, rgb, w, h, work, pairs, bins };
}

/** Labels at the working size: the full map's value at each working pixel's centre. */
export function labelsAtWork(img: WorkImage, labels: Uint8Array): Uint8Array {
  if (labels.length !== img.width * img.height) throw new Error(`smart region: ${labels.length} labels for a ${img.width}x${img.height} image`);
  if (img.w === img.width && img.h === img.height) return labels;
  const out = new Uint8Array(img.w * img.h);
  const xs = new Int32Array(img.w);
  for (let x = 0; x < img.w; x++) xs[x] = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / img.w));
  for (let y = 0; y < img.h; y++) {
    const row = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / img.h)) * img.width;
    for (let x = 0; x < img.w; x++) out[y * img.w + x] = labels[row + xs[x]];
  }
  return out;
}
