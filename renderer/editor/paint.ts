// Turns label and CAM values into RGBA pixels for a rectangle: the only per-pixel work a
// repaint does, so a brush dab costs its own area, never the image's.
import { paintOverlay, type OverlayColors, type OverlayStyle } from '../../src/masks/overlay.ts';
import type { Rect } from './geometry.ts';
import type { LabelMap } from './labels.ts';

/**
 * Writes rect `r` of the label map as packed RGBA into `out` (r.w×r.h): fill or outline
 * with its halo (src/masks/overlay.ts); ignore (255) is always hatched.
 */
export function paintLabels(map: LabelMap, r: Rect, colors: OverlayColors, style: OverlayStyle, out: Uint32Array): void {
  paintOverlay(map.data, map.width, map.height, r.x, r.y, r.w, r.h, colors, style, out);
}

/** A CAM (normalised values, camWidth×camHeight) as packed RGBA at its own resolution. */
export function paintHeat(values: Float32Array, lut: Uint32Array, out: Uint32Array): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = lut[v <= 0 ? 0 : v >= 1 ? 255 : Math.round(v * 255)];
  }
}
