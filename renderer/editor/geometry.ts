// Integer rectangles in image pixels: [x, x + w) × [y, y + h). Dirty regions, patches and
// repaints are all expressed in these.
export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export const EMPTY: Readonly<Rect> = Object.freeze({ x: 0, y: 0, w: 0, h: 0 });

export function isEmpty(r: Rect): boolean {
  return r.w <= 0 || r.h <= 0;
}

/** The smallest rectangle holding both (an empty one is the identity). */
export function union(a: Rect, b: Rect): Rect {
  if (isEmpty(a)) return { ...b };
  if (isEmpty(b)) return { ...a };
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/** `r` clipped to a width×height image. */
export function clip(r: Rect, width: number, height: number): Rect {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(width, Math.ceil(r.x + r.w));
  const y1 = Math.min(height, Math.ceil(r.y + r.h));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, w: x1 - x0, h: y1 - y0 } : { ...EMPTY };
}

/** `r` grown by `n` pixels on every side (outline repaints need the neighbours). */
export function grow(r: Rect, n: number): Rect {
  return isEmpty(r) ? { ...r } : { x: r.x - n, y: r.y - n, w: r.w + 2 * n, h: r.h + 2 * n };
}

/** Copies rect `r` of a row-major `width`-wide byte image out into a new array. */
export function extract(data: Uint8Array, width: number, r: Rect): Uint8Array {
  const out = new Uint8Array(r.w * r.h);
  for (let row = 0; row < r.h; row++) {
    const s = (r.y + row) * width + r.x;
    out.set(data.subarray(s, s + r.w), row * r.w);
  }
  return out;
}

/** Writes `src` (r.w×r.h) back into rect `r` of `data`. */
export function blit(data: Uint8Array, width: number, r: Rect, src: Uint8Array): void {
  for (let row = 0; row < r.h; row++) data.set(src.subarray(row * r.w, (row + 1) * r.w), (r.y + row) * width + r.x);
}
