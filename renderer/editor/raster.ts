// Pixel-exact rasterisers for the tools. Labels are never anti-aliased: a pixel belongs
// to a shape when its centre (x + 0.5, y + 0.5) does.
import { clip, isEmpty, type Rect } from './geometry.ts';

/** Optional per-pixel condition (x, y, index) → write here? */
export type PixelFilter = (x: number, y: number, i: number) => boolean;

/**
 * The hard-edged capsule of radius r around segment a→b: a brush stroke between two
 * pointer events (a == b for a single dab). Returns its clipped bounding box.
 */
export function capsuleBounds(ax: number, ay: number, bx: number, by: number, r: number, width: number, height: number): Rect {
  const x0 = Math.floor(Math.min(ax, bx) - r);
  const y0 = Math.floor(Math.min(ay, by) - r);
  const x1 = Math.ceil(Math.max(ax, bx) + r);
  const y1 = Math.ceil(Math.max(ay, by) + r);
  return clip({ x: x0, y: y0, w: x1 - x0 + 1, h: y1 - y0 + 1 }, width, height);
}

/** Writes `value` into every pixel of the capsule (within `bounds`) that passes `filter`. */
export function paintCapsule(
  data: Uint8Array,
  width: number,
  bounds: Rect,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  r: number,
  value: number,
  filter?: PixelFilter,
): void {
  if (isEmpty(bounds)) return;
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  for (let y = bounds.y; y < bounds.y + bounds.h; y++) {
    const py = y + 0.5;
    const row = y * width;
    for (let x = bounds.x; x < bounds.x + bounds.w; x++) {
      const px = x + 0.5;
      let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
      if (t < 0) t = 0;
      else if (t > 1) t = 1;
      const ex = px - (ax + t * dx);
      const ey = py - (ay + t * dy);
      if (ex * ex + ey * ey > r2) continue;
      const i = row + x;
      if (filter && !filter(x, y, i)) continue;
      data[i] = value;
    }
  }
}

/** Bounding box of polygon rings (image coordinates, [x0, y0, x1, y1, …] each), clipped. */
export function ringsBounds(rings: readonly (readonly number[])[], width: number, height: number): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const ring of rings) {
    for (let k = 0; k + 1 < ring.length; k += 2) {
      x0 = Math.min(x0, ring[k]);
      x1 = Math.max(x1, ring[k]);
      y0 = Math.min(y0, ring[k + 1]);
      y1 = Math.max(y1, ring[k + 1]);
    }
  }
  if (!Number.isFinite(x0)) return { x: 0, y: 0, w: 0, h: 0 };
  return clip({ x: Math.floor(x0), y: Math.floor(y0), w: Math.ceil(x1) - Math.floor(x0) + 1, h: Math.ceil(y1) - Math.floor(y0) + 1 }, width, height);
}

/**
 * Fills polygon rings by the even-odd rule (so an inner ring is a hole) with `value`,
 * scanline by scanline at pixel centres. Returns the number of pixels written.
 */
export function fillRings(data: Uint8Array, width: number, height: number, rings: readonly (readonly number[])[], value: number): number {
  const b = ringsBounds(rings, width, height);
  if (isEmpty(b)) return 0;
  const xs: number[] = [];
  let n = 0;
  for (let y = b.y; y < b.y + b.h; y++) {
    const py = y + 0.5;
    xs.length = 0;
    for (const ring of rings) {
      const m = Math.floor(ring.length / 2);
      for (let k = 0; k < m; k++) {
        const xa = ring[2 * k];
        const ya = ring[2 * k + 1];
        const xb = ring[(2 * ((k + 1) % m))];
        const yb = ring[(2 * ((k + 1) % m)) + 1];
        // half-open in y so a vertex shared by two edges counts once
        if ((ya <= py && yb > py) || (yb <= py && ya > py)) xs.push(xa + ((py - ya) / (yb - ya)) * (xb - xa));
      }
    }
    xs.sort((p, q) => p - q);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // pixels whose centre lies in [xs[k], xs[k+1])
      const from = Math.max(0, Math.ceil(xs[k] - 0.5));
      const to = Math.min(width, Math.ceil(xs[k + 1] - 0.5));
      for (let x = from; x < to; x++) data[y * width + x] = value;
      if (to > from) n += to - from;
    }
  }
  return n;
}

/** A 4-connected region as horizontal spans [y, x0, x1) plus its bounding box. */
export interface Region {
  spans: Int32Array;
  count: number;
  bounds: Rect;
  pixels: number;
}

/**
 * The 4-connected region around (sx, sy) of pixels for which `inside(i)` holds
 * (scanline flood: each span is pushed once, so the cost is linear in the region).
 */
export function floodRegion(width: number, height: number, sx: number, sy: number, inside: (i: number) => boolean): Region {
  const empty: Region = { spans: new Int32Array(0), count: 0, bounds: { x: 0, y: 0, w: 0, h: 0 }, pixels: 0 };
  if (sx < 0 || sy < 0 || sx >= width || sy >= height || !inside(sy * width + sx)) return empty;
  const seen = new Uint8Array(width * height);
  let spans = new Int32Array(3 * 256);
  let count = 0;
  let pixels = 0;
  let bx0 = sx;
  let bx1 = sx;
  let by0 = sy;
  let by1 = sy;
  const stack: number[] = [sx, sy];
  while (stack.length) {
    const y = stack.pop()!;
    const x = stack.pop()!;
    const row = y * width;
    if (seen[row + x]) continue;
    let l = x;
    while (l > 0 && !seen[row + l - 1] && inside(row + l - 1)) l--;
    let r = x + 1;
    while (r < width && !seen[row + r] && inside(row + r)) r++;
    for (let k = l; k < r; k++) seen[row + k] = 1;
    if (count * 3 + 3 > spans.length) {
      const grown = new Int32Array(spans.length * 2);
      grown.set(spans);
      spans = grown;
    }
    spans[count * 3] = y;
    spans[count * 3 + 1] = l;
    spans[count * 3 + 2] = r;
    count++;
    pixels += r - l;
    if (l < bx0) bx0 = l;
    if (r - 1 > bx1) bx1 = r - 1;
    if (y < by0) by0 = y;
    if (y > by1) by1 = y;
    for (const ny of [y - 1, y + 1]) {
      if (ny < 0 || ny >= height) continue;
      const nrow = ny * width;
      let k = l;
      while (k < r) {
        // push one seed per run of inside pixels on the neighbouring row
        while (k < r && (seen[nrow + k] || !inside(nrow + k))) k++;
        if (k >= r) break;
        stack.push(k, ny);
        while (k < r && !seen[nrow + k] && inside(nrow + k)) k++;
      }
    }
  }
  return { spans: spans.subarray(0, count * 3), count, bounds: { x: bx0, y: by0, w: bx1 - bx0 + 1, h: by1 - by0 + 1 }, pixels };
}

/** Writes `value` over a region's spans. */
export function fillRegion(data: Uint8Array, width: number, region: Region, value: number): void {
  const s = region.spans;
  for (let k = 0; k < region.count; k++) data.fill(value, s[3 * k] * width + s[3 * k + 1], s[3 * k] * width + s[3 * k + 2]);
}
