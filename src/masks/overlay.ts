// A label map painted as an overlay: class colours over the image, as a fill or as an
// outline with a contrasting halo. One kernel for the editor's label layer (it repaints
// dirty rectangles) and the grid's small overlays (the studio renders them as PNGs), so
// both look the same. Pixels are packed RGBA in a Uint32 (little-endian 0xAABBGGRR, the
// layout ImageData uses). Pure and browser-safe.
import { contrastingBW } from './color-science.ts';
import { BACKGROUND, IGNORE } from './labels.ts';
import { parseHexColor } from './palette.ts';

export type OverlayStyle = 'fill' | 'outline';
export const OVERLAY_STYLES: readonly OverlayStyle[] = ['fill', 'outline'];

export interface OverlayColors {
  /** label → packed colour of its fill and outline line; background transparent */
  fill: Uint32Array;
  /** label → packed colour of the halo around its outline (black or white, translucent) */
  halo: Uint32Array;
  /** the ignore (255) pixel at (x, y): a hatch in the editor, a flat tint in small overlays */
  ignore: (x: number, y: number) => number;
}

export function rgba(r: number, g: number, b: number, a = 255): number {
  return ((a << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

/** the grey a label with no project class is drawn in (still visible) */
const UNKNOWN: readonly [number, number, number] = [128, 128, 128];
/** the halo's opacity: strong enough to separate the line from any image, light enough to see through */
const HALO_ALPHA = 170;

/** Fill and halo tables for the project's classes (label k = class k). */
export function overlayColors(classes: readonly { index: number; color: string }[], ignore: (x: number, y: number) => number): OverlayColors {
  const fill = new Uint32Array(256);
  const halo = new Uint32Array(256);
  const set = (k: number, c: readonly [number, number, number]) => {
    fill[k] = rgba(c[0], c[1], c[2]);
    const h = contrastingBW(c);
    halo[k] = rgba(h[0], h[1], h[2], HALO_ALPHA);
  };
  for (let k = 1; k < 255; k++) set(k, UNKNOWN);
  for (const c of classes) {
    if (c.index < 1 || c.index > 254) continue;
    let rgb: [number, number, number];
    try {
      rgb = parseHexColor(c.color);
    } catch {
      rgb = [...UNKNOWN];
    }
    set(c.index, rgb);
  }
  return { fill, halo, ignore };
}

/** how far a label change reaches in outline mode (line + inner halo): repaint this much around it */
export const OUTLINE_REACH = 2;

/**
 * Writes rect [x0, x0 + w) × [y0, y0 + h) of the label map as packed RGBA into `out`
 * (w×h, row-major). Fill: every class pixel in its colour. Outline: a class pixel with a
 * 4-neighbour of another label is the line (its colour); the pixels just inside the line
 * and the background just outside it are the halo; the rest is transparent.
 */
export function paintOverlay(
  data: Uint8Array,
  width: number,
  height: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  colors: OverlayColors,
  style: OverlayStyle,
  out: Uint32Array,
): void {
  const { fill, halo, ignore } = colors;
  const outline = style === 'outline';
  let o = 0;
  for (let y = y0; y < y0 + h; y++) {
    const row = y * width;
    for (let x = x0; x < x0 + w; x++, o++) {
      const i = row + x;
      const v = data[i];
      if (v === IGNORE) {
        out[o] = ignore(x, y);
        continue;
      }
      if (!outline) {
        out[o] = v === BACKGROUND ? 0 : fill[v];
        continue;
      }
      const l = x > 0 ? data[i - 1] : v;
      const r = x < width - 1 ? data[i + 1] : v;
      const u = y > 0 ? data[i - width] : v;
      const d = y < height - 1 ? data[i + width] : v;
      if (v === BACKGROUND) {
        // the outer halo: background touching a class region
        const n = l !== BACKGROUND && l !== IGNORE ? l : r !== BACKGROUND && r !== IGNORE ? r : u !== BACKGROUND && u !== IGNORE ? u : d !== BACKGROUND && d !== IGNORE ? d : 0;
        out[o] = n ? halo[n] : 0;
        continue;
      }
      if (l !== v || r !== v || u !== v || d !== v) {
        out[o] = fill[v];
        continue;
      }
      // the inner halo: one pixel further in than the line
      const near =
        (x > 1 && data[i - 2] !== v) ||
        (x < width - 2 && data[i + 2] !== v) ||
        (y > 1 && data[i - 2 * width] !== v) ||
        (y < height - 2 && data[i + 2 * width] !== v) ||
        (x > 0 && y > 0 && data[i - width - 1] !== v) ||
        (x < width - 1 && y > 0 && data[i - width + 1] !== v) ||
        (x > 0 && y < height - 1 && data[i + width - 1] !== v) ||
        (x < width - 1 && y < height - 1 && data[i + width + 1] !== v);
      out[o] = near ? halo[v] : 0;
    }
  }
}

/**
 * The label map scaled to fit inside maxSide × maxSide (never enlarged), each output pixel
 * the label at its centre — the size and placement of the image's thumbnail, so a small
 * overlay lies exactly on it.
 */
export function shrinkLabels(data: Uint8Array, width: number, height: number, maxSide: number): { data: Uint8Array; width: number; height: number } {
  const s = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * s));
  const h = Math.max(1, Math.round(height * s));
  if (w === width && h === height) return { data, width, height };
  const out = new Uint8Array(w * h);
  const xs = new Int32Array(w);
  for (let x = 0; x < w; x++) xs[x] = Math.min(width - 1, Math.floor(((x + 0.5) * width) / w));
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    const row = sy * width;
    for (let x = 0; x < w; x++) out[y * w + x] = data[row + xs[x]];
  }
  return { data: out, width: w, height: h };
}
