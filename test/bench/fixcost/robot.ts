// The robot annotator of interactive-segmentation papers (RITM, SimpleClick, SAM: NoC@IoU):
// each click goes to the interior point of the largest error region (4-connected pixels
// that share their ground-truth and their predicted label), the one farthest from the
// region's border by the Euclidean distance transform (the image border counts as border),
// and asks for the ground-truth label there. It stops when the image's mIoU (background and
// the classes in either map, src/masks/confusion.ts meanIoU) reaches the goal, or after
// `maxClicks`.
import { meanIoU } from '../../../src/masks/confusion.ts';
import { IGNORE } from '../../../src/masks/labels.ts';

export interface RobotClick {
  x: number;
  y: number;
  /** the ground-truth label at the click: what the click asks for */
  target: number;
}

/** A tool as the robot uses it: one click changes `labels` in place. */
export type ClickTool = (labels: Uint8Array, click: RobotClick) => void;

export interface RobotRun {
  /** mIoU before any click, then after each click */
  ious: number[];
  clicks: RobotClick[];
}

export const MAX_CLICKS = 20;

/** mIoU of one image (1 when both maps hold only ignore) */
export function imageIoU(pred: Uint8Array, gt: Uint8Array): number {
  return meanIoU(pred, gt) ?? 1;
}

export function runRobot(start: Uint8Array, gt: Uint8Array, width: number, height: number, tool: ClickTool, goal = 0.9, maxClicks = MAX_CLICKS): RobotRun {
  const labels = start.slice();
  const ious = [imageIoU(labels, gt)];
  const clicks: RobotClick[] = [];
  while (ious[ious.length - 1] < goal && clicks.length < maxClicks) {
    const c = nextClick(labels, gt, width, height);
    if (!c) break;
    clicks.push(c);
    tool(labels, c);
    ious.push(imageIoU(labels, gt));
  }
  return { ious, clicks };
}

/** clicks until mIoU ≥ goal; `maxClicks` when never reached (the papers' convention) */
export function noc(run: RobotRun, goal: number, maxClicks = MAX_CLICKS): number {
  const k = run.ious.findIndex((v) => v >= goal);
  return k < 0 ? maxClicks : k;
}

/** The robot's next click, or null when no pixel is wrong. */
export function nextClick(pred: Uint8Array, gt: Uint8Array, width: number, height: number): RobotClick | null {
  const n = width * height;
  const region = new Int32Array(n).fill(-1);
  let best = -1;
  let bestArea = 0;
  let count = 0;
  const stack: number[] = [];
  for (let s = 0; s < n; s++) {
    if (region[s] >= 0 || !isError(pred, gt, s)) continue;
    const id = count++;
    let area = 0;
    region[s] = id;
    stack.push(s);
    while (stack.length) {
      const p = stack.pop()!;
      area++;
      const x = p % width;
      const same = (q: number) => region[q] < 0 && isError(pred, gt, q) && gt[q] === gt[s] && pred[q] === pred[s];
      if (x > 0 && same(p - 1)) (region[p - 1] = id), stack.push(p - 1);
      if (x < width - 1 && same(p + 1)) (region[p + 1] = id), stack.push(p + 1);
      if (p >= width && same(p - width)) (region[p - width] = id), stack.push(p - width);
      if (p < n - width && same(p + width)) (region[p + width] = id), stack.push(p + width);
    }
    // the largest region; ties to the first in raster order
    if (area > bestArea) {
      bestArea = area;
      best = id;
    }
  }
  if (best < 0) return null;
  const dist = distanceInside(region, best, width, height);
  let at = -1;
  for (let p = 0; p < n; p++) if (region[p] === best && (at < 0 || dist[p] > dist[at])) at = p;
  return { x: at % width, y: Math.floor(at / width), target: gt[at] };
}

function isError(pred: Uint8Array, gt: Uint8Array, i: number): boolean {
  return gt[i] !== IGNORE && pred[i] !== gt[i];
}

/** Squared Euclidean distance from each pixel of region `id` to the nearest pixel outside it (or outside the image). */
export function distanceInside(region: Int32Array, id: number, width: number, height: number): Float64Array {
  // Felzenszwalb & Huttenlocher: 1-D lower envelopes along columns, then rows, on a map padded by one outside pixel
  const W = width + 2;
  const H = height + 2;
  const INF = 1e20;
  const f = new Float64Array(W * H).fill(0);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (region[y * width + x] === id) f[(y + 1) * W + x + 1] = INF;
  const col = new Float64Array(Math.max(W, H));
  const out = new Float64Array(Math.max(W, H));
  for (let x = 0; x < W; x++) {
    for (let y = 0; y < H; y++) col[y] = f[y * W + x];
    edt1d(col, H, out);
    for (let y = 0; y < H; y++) f[y * W + x] = out[y];
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) col[x] = f[y * W + x];
    edt1d(col, W, out);
    for (let x = 0; x < W; x++) f[y * W + x] = out[x];
  }
  const d = new Float64Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) d[y * width + x] = f[(y + 1) * W + x + 1];
  return d;
}

function edt1d(f: Float64Array, n: number, d: Float64Array): void {
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  let k = 0;
  v[0] = 0;
  z[0] = -Infinity;
  z[1] = Infinity;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) ** 2 + f[v[k]];
  }
}
