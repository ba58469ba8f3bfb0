// Pixel work for scenes: bilinear resampling, background painting, alpha compositing and the
// label map. All arithmetic is + and × on doubles (exact IEEE results everywhere), so scenes
// are bit-identical across machines.

/**
 * A pixel belongs to an item when the item's alpha there is at least this value (alpha is
 * the resampled Fashion-MNIST intensity / 255). 0.25 keeps the garment's body — including
 * darker print — and drops the faint anti-aliased fringe that barely changes the pixel.
 */
export const ITEM_ALPHA_THRESHOLD = 0.25;

/**
 * Bilinear resample of a single-channel u8 image region (sx, sy, sw, sh) to dw×dh, half-pixel
 * centres (like PyTorch align_corners=False), edges clamped. Returns values in [0, 255].
 */
export function resampleBilinear(
  src: Uint8Array, srcWidth: number, srcHeight: number,
  sx: number, sy: number, sw: number, sh: number,
  dw: number, dh: number,
): Float64Array {
  if (sx < 0 || sy < 0 || sx + sw > srcWidth || sy + sh > srcHeight) {
    throw new RangeError(`crop ${sx},${sy} ${sw}×${sh} is outside the ${srcWidth}×${srcHeight} source`);
  }
  const out = new Float64Array(dw * dh);
  const fx = sw / dw, fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    let v = (y + 0.5) * fy - 0.5;
    if (v < 0) v = 0;
    if (v > sh - 1) v = sh - 1;
    const y0 = Math.floor(v), y1 = Math.min(y0 + 1, sh - 1), wy = v - y0;
    const r0 = (sy + y0) * srcWidth + sx, r1 = (sy + y1) * srcWidth + sx;
    for (let x = 0; x < dw; x++) {
      let u = (x + 0.5) * fx - 0.5;
      if (u < 0) u = 0;
      if (u > sw - 1) u = sw - 1;
      const x0 = Math.floor(u), x1 = Math.min(x0 + 1, sw - 1), wx = u - x0;
      const top = src[r0 + x0] * (1 - wx) + src[r0 + x1] * wx;
      const bot = src[r1 + x0] * (1 - wx) + src[r1 + x1] * wx;
      out[y * dw + x] = top * (1 - wy) + bot * wy;
    }
  }
  return out;
}

/** Alpha (0..1) of a 28×28 Fashion-MNIST item scaled to size×size. */
export function itemAlpha(item28: Uint8Array, size: number): Float64Array {
  const a = resampleBilinear(item28, 28, 28, 0, 0, 28, 28, size, size);
  for (let i = 0; i < a.length; i++) a[i] /= 255;
  return a;
}

export type Rgb = readonly [number, number, number];

/** Canvas of size×size×3 doubles in [0, 255] filled with one colour. */
export function flatCanvas(size: number, color: Rgb): Float64Array {
  const c = new Float64Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    c[3 * i] = color[0]; c[3 * i + 1] = color[1]; c[3 * i + 2] = color[2];
  }
  return c;
}

/** Canvas from a gray texture crop mapped between two colours: g=0 → dark, g=255 → light. */
export function textureCanvas(gray: Float64Array, size: number, dark: Rgb, light: Rgb): Float64Array {
  const c = new Float64Array(size * size * 3);
  for (let i = 0; i < size * size; i++) {
    const g = gray[i] / 255;
    for (let k = 0; k < 3; k++) c[3 * i + k] = dark[k] + (light[k] - dark[k]) * g;
  }
  return c;
}

export interface Placement {
  /** Fashion-MNIST label 0..9 (label-map value label+1) */
  label: number;
  alpha: Float64Array;
  size: number;
  x: number;
  y: number;
  tint: Rgb;
}

/**
 * Pastes an item: colour = tint × (0.55 + 0.45·alpha) so the garment keeps its inner shading,
 * composited over the canvas with alpha; label pixels (alpha ≥ threshold) overwrite the map
 * (later items are on top, so the top one wins).
 */
export function pasteItem(canvas: Float64Array, labels: Uint8Array, canvasSize: number, p: Placement): void {
  for (let j = 0; j < p.size; j++) {
    const cy = p.y + j;
    if (cy < 0 || cy >= canvasSize) continue;
    for (let i = 0; i < p.size; i++) {
      const cx = p.x + i;
      if (cx < 0 || cx >= canvasSize) continue;
      const a = p.alpha[j * p.size + i];
      if (a <= 0) continue;
      const o = cy * canvasSize + cx;
      const shade = 0.55 + 0.45 * a;
      for (let k = 0; k < 3; k++) canvas[3 * o + k] = a * (p.tint[k] * shade) + (1 - a) * canvas[3 * o + k];
      if (a >= ITEM_ALPHA_THRESHOLD) labels[o] = p.label + 1;
    }
  }
}

/** Rounds the float canvas to RGB bytes (round half up, clamped). */
export function toBytes(canvas: Float64Array): Uint8Array {
  const out = new Uint8Array(canvas.length);
  for (let i = 0; i < canvas.length; i++) {
    const v = Math.floor(canvas[i] + 0.5);
    out[i] = v < 0 ? 0 : v > 255 ? 255 : v;
  }
  return out;
}
