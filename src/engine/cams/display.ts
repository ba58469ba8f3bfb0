// Host-side post-processing of a raw map (docs/engine.md §6): min-max normalise over the whole map
// (a constant map gives zeros, not NaN), bilinear resize with half-pixel centres (cv2
// INTER_LINEAR / tf resizeBilinear(halfPixelCenters)), no antialias. The arithmetic is
// src/masks' (one resize and one normalisation for maps and masks alike).

import { normaliseCam } from '../../masks/cam-mask.ts';
import { resizeBilinear } from '../../masks/resize.ts';

/**
 * The display / mask map: normalise at feature resolution, then resize (docs/engine.md §6). With
 * `reluAfterResize` (Score-CAM, §7.4) the order is resize → ReLU → normalise.
 */
export function displayMap(raw: Float32Array, h: number, w: number, outH: number, outW: number, reluAfterResize = false): Float32Array {
  if (!reluAfterResize) return resizeBilinear(normaliseCam(raw, 'minmax'), w, h, outW, outH);
  const up = resizeBilinear(raw, w, h, outW, outH);
  for (let i = 0; i < up.length; i++) if (up[i] < 0) up[i] = 0;
  return normaliseCam(up, 'minmax');
}

/** docs/engine.md §6: map > mean + std (population std), strict. */
export function meanStdMask(m: Float32Array): Uint8Array {
  let s = 0;
  for (const v of m) s += v;
  const mean = s / m.length;
  let q = 0;
  for (const v of m) q += (v - mean) ** 2;
  const thr = mean + Math.sqrt(q / m.length);
  return Uint8Array.from(m, (v) => (v > thr ? 1 : 0));
}
