// Host-side post-processing of a raw map (spec §6): min-max normalise over the whole map
// (a constant map gives zeros, not NaN), bilinear resize with half-pixel centres (cv2
// INTER_LINEAR / tf resizeBilinear(halfPixelCenters)), no antialias. Plain JS, float64.

/** min-max to [0, 1]; a constant (or empty) map → zeros. */
export function minMaxNormalize(m: Float32Array): Float32Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of m) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(m.length);
  if (!(hi > lo)) return out;
  const k = 1 / (hi - lo);
  for (let i = 0; i < m.length; i++) out[i] = (m[i] - lo) * k;
  return out;
}

/** bilinear, half-pixel centres: src = (dst + 0.5)·in/out − 0.5, clamped to the border. */
export function resizeBilinear(m: Float32Array, h: number, w: number, outH: number, outW: number): Float32Array {
  const out = new Float32Array(outH * outW);
  const axis = (n: number, inN: number) => {
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    const f = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      const s = Math.max(0, ((d + 0.5) * inN) / n - 0.5);
      const l = Math.min(Math.floor(s), inN - 1);
      lo[d] = l;
      hi[d] = Math.min(l + 1, inN - 1);
      f[d] = s - l;
    }
    return { lo, hi, f };
  };
  const ys = axis(outH, h);
  const xs = axis(outW, w);
  for (let y = 0; y < outH; y++) {
    const r0 = ys.lo[y] * w;
    const r1 = ys.hi[y] * w;
    const fy = ys.f[y];
    for (let x = 0; x < outW; x++) {
      const fx = xs.f[x];
      const top = m[r0 + xs.lo[x]] * (1 - fx) + m[r0 + xs.hi[x]] * fx;
      const bot = m[r1 + xs.lo[x]] * (1 - fx) + m[r1 + xs.hi[x]] * fx;
      out[y * outW + x] = top * (1 - fy) + bot * fy;
    }
  }
  return out;
}

/**
 * The display / mask map: normalise at feature resolution, then resize (spec §6). With
 * `reluAfterResize` (Score-CAM, spec §8.4) the order is resize → ReLU → normalise.
 */
export function displayMap(raw: Float32Array, h: number, w: number, outH: number, outW: number, reluAfterResize = false): Float32Array {
  if (!reluAfterResize) return resizeBilinear(minMaxNormalize(raw), h, w, outH, outW);
  const up = resizeBilinear(raw, h, w, outH, outW);
  for (let i = 0; i < up.length; i++) if (up[i] < 0) up[i] = 0;
  return minMaxNormalize(up);
}

/** spec §7: map > mean + std (population std), strict. */
export function meanStdMask(m: Float32Array): Uint8Array {
  let s = 0;
  for (const v of m) s += v;
  const mean = s / m.length;
  let q = 0;
  for (const v of m) q += (v - mean) ** 2;
  const thr = mean + Math.sqrt(q / m.length);
  return Uint8Array.from(m, (v) => (v > thr ? 1 : 0));
}
