// The perturbed model inputs of the faithfulness measures, built on the preprocessed image x
// (NHWC, one image) without going back to the pixels: preprocessing is affine per channel,
// x = (p·scale − mean)/std, so an image multiplied by a mask m before preprocessing is
// m·x + (1 − m)·black, with black = −mean/std the preprocessed black pixel. The same blend
// with another substrate gives the deletion (black) and insertion (blurred) inputs.
import type { PreprocessConfig } from '../../../src/engine/index.ts';

/** the preprocessed black pixel, per model channel (−mean/std) */
export function blackPixel(pre: PreprocessConfig, channels: number): Float32Array {
  return Float32Array.from({ length: channels }, (_, k) => -pre.mean[k] / pre.std[k]);
}

/**
 * m ⊙ a + (1 − m) ⊙ b per pixel: `a` [H·W·C], `m` [H·W], `b` either a full [H·W·C] image
 * or one pixel [C] used everywhere. Written into `out` at `offset` (a batch being filled).
 */
export function blend(a: Float32Array, m: Float32Array, b: Float32Array, out: Float32Array, offset = 0): void {
  const n = m.length;
  const c = a.length / n;
  const full = b.length === a.length;
  for (let p = 0; p < n; p++) {
    const w = m[p];
    for (let k = 0; k < c; k++) {
      const i = p * c + k;
      out[offset + i] = w * a[i] + (1 - w) * (full ? b[i] : b[k]);
    }
  }
}

/** m ⊙ a (TorchCAM's masked input: the map times the preprocessed image, i.e. the mean colour where m = 0) */
export function scale(a: Float32Array, m: Float32Array, out: Float32Array, offset = 0): void {
  const c = a.length / m.length;
  for (let i = 0; i < a.length; i++) out[offset + i] = a[i] * m[Math.floor(i / c)];
}

/**
 * A separable Gaussian blur of an H×W×C image (σ in pixels, kernel radius ⌈3σ⌉, borders
 * clamped): the insertion curve's starting image (RISE blurs with σ = 5 at 224 px).
 */
export function gaussianBlur(x: Float32Array, h: number, w: number, c: number, sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = Float64Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const sum = k.reduce((a, v) => a + v, 0);
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  const pass = (src: Float32Array, horizontal: boolean): Float32Array => {
    const dst = new Float32Array(src.length);
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < w; xx++)
        for (let ch = 0; ch < c; ch++) {
          let s = 0;
          for (let t = -r; t <= r; t++) {
            const yy = horizontal ? y : Math.min(h - 1, Math.max(0, y + t));
            const xs = horizontal ? Math.min(w - 1, Math.max(0, xx + t)) : xx;
            s += k[t + r] * src[(yy * w + xs) * c + ch];
          }
          dst[(y * w + xx) * c + ch] = s;
        }
    return dst;
  };
  return pass(pass(x, true), false);
}
