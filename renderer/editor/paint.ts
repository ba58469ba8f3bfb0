// Turns label and CAM values into RGBA pixels for a rectangle: the only per-pixel work a
// repaint does, so a brush dab costs its own area, never the image's.
import { hatchAt } from './colors.ts';
import type { Rect } from './geometry.ts';
import { IGNORE, type LabelMap } from './labels.ts';

/**
 * Writes rect `r` of the label map as packed RGBA into `out` (r.w×r.h). Fill mode colours
 * every class pixel; outline mode only class pixels with a 4-neighbour of another label.
 * Ignore (255) is always hatched.
 */
export function paintLabels(map: LabelMap, r: Rect, lut: Uint32Array, outline: boolean, out: Uint32Array): void {
  const { width, height, data } = map;
  let o = 0;
  for (let y = r.y; y < r.y + r.h; y++) {
    const row = y * width;
    for (let x = r.x; x < r.x + r.w; x++, o++) {
      const v = data[row + x];
      if (v === IGNORE) {
        out[o] = hatchAt(x, y);
        continue;
      }
      if (!outline || v === 0) {
        out[o] = lut[v];
        continue;
      }
      const i = row + x;
      const edge =
        (x > 0 && data[i - 1] !== v) || (x < width - 1 && data[i + 1] !== v) || (y > 0 && data[i - width] !== v) || (y < height - 1 && data[i + width] !== v);
      out[o] = edge ? lut[v] : 0;
    }
  }
}

/** A CAM (normalised values, camWidth×camHeight) as packed RGBA at its own resolution. */
export function paintHeat(values: Float32Array, lut: Uint32Array, out: Uint32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = lut[v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255)];
  }
}
