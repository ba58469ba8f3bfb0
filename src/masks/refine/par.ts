// Pixel-adaptive refinement (settings.ts ParSettings). The affinities depend only on the
// image, so they are computed once per image and shared by every class map.
//
// Layout (measured: the propagation is the chain's hot loop, ≈ 2× faster this way): the
// image and each map are read from a copy padded by the largest dilation with the border
// pixels repeated, so every neighbour of every pixel sits at a fixed offset — the same
// values the border clamp of the definition reads, with no index array and no branch.
// Each pixel's weighted sum still runs over its neighbours in the definition's order in
// float64, so the results are bit for bit those of the plain gather.
import type { ParSettings } from './settings.ts';

const DIRS: readonly (readonly [number, number])[] = [
  [-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1],
];

const INV_255_SQ = 1 / (255 * 255);

export interface Affinity {
  width: number;
  height: number;
  /** the dilations, in the order of the neighbours (8 per dilation, DIRS order) */
  dilations: readonly number[];
  /** neighbours per pixel (8 per dilation) */
  k: number;
  /** softmax weights, n·k, each pixel's k weights summing to 1 */
  w: Float32Array;
}

/**
 * Each pixel's k neighbour indices (n·k, in the weights' order): offsets clamped to the border,
 * so a border pixel repeats itself — the pixels the padded copies below read. For callers that
 * walk the affinities as a graph (the smart-region tool); PAR itself reads the padded copies.
 */
export function neighbourIndex(aff: Affinity): Int32Array {
  const { width, height, k } = aff;
  const idx = new Int32Array(width * height * k);
  const offs = aff.dilations.flatMap((d) => DIRS.map(([dx, dy]) => [dx * d, dy * d] as const));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = (y * width + x) * k;
      for (let j = 0; j < k; j++) {
        const xx = Math.min(width - 1, Math.max(0, x + offs[j][0]));
        const yy = Math.min(height - 1, Math.max(0, y + offs[j][1]));
        idx[base + j] = yy * width + xx;
      }
    }
  }
  return idx;
}

/** `src` (width·height values of `channels` each) with `pad` pixels of repeated border around it. */
function padded<T extends Uint8Array | Float32Array>(src: T, dst: T, width: number, height: number, channels: number, pad: number): T {
  const pw = (width + 2 * pad) * channels;
  const row = width * channels;
  for (let y = 0; y < height; y++) {
    const o = (y + pad) * pw;
    dst.set(src.subarray(y * row, y * row + row), o + pad * channels);
    for (let x = 0; x < pad; x++) {
      for (let c = 0; c < channels; c++) {
        dst[o + x * channels + c] = src[y * row + c];
        dst[o + (pad + width + x) * channels + c] = src[y * row + row - channels + c];
      }
    }
  }
  for (let y = 0; y < pad; y++) {
    dst.copyWithin(y * pw, pad * pw, pad * pw + pw);
    dst.copyWithin((pad + height + y) * pw, (pad + height - 1) * pw, (pad + height) * pw);
  }
  return dst;
}

/** Affinities of an RGB image (width·height·3 bytes). */
export function parAffinity(rgb: Uint8Array, width: number, height: number, s: ParSettings): Affinity {
  const n = width * height;
  if (rgb.length !== n * 3) throw new Error(`parAffinity: ${rgb.length} bytes for a ${width}x${height} RGB image`);
  const offs: { dx: number; dy: number; pos: number }[] = [];
  for (const d of s.dilations) for (const [dx, dy] of DIRS) offs.push({ dx: dx * d, dy: dy * d, pos: (dx * d) ** 2 + (dy * d) ** 2 });
  const k = offs.length;
  let meanLen = 0;
  for (const o of offs) meanLen += Math.sqrt(o.pos);
  meanLen /= k;
  const posTerm = new Float64Array(k);
  for (let j = 0; j < k; j++) posTerm[j] = (s.position * offs[j].pos) / (meanLen * meanLen);

  const reach = Math.max(...s.dilations);
  const pw = width + 2 * reach;
  const img = padded(rgb, new Uint8Array(pw * (height + 2 * reach) * 3), width, height, 3, reach);
  // a neighbour's byte offset from its pixel in the padded image
  const off = Int32Array.from(offs, (o) => 3 * (o.dy * pw + o.dx));
  const w = new Float32Array(n * k);
  const dist = new Float64Array(k);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0, p = 3 * ((y + reach) * pw + reach); x < width; x++, i++, p += 3) {
      const r = img[p], g = img[p + 1], b = img[p + 2];
      let mean = 0;
      for (let j = 0; j < k; j++) {
        const q = p + off[j];
        const dr = img[q] - r, dg = img[q + 1] - g, db = img[q + 2] - b;
        const d2 = (dr * dr + dg * dg + db * db) * INV_255_SQ;
        dist[j] = d2;
        mean += d2;
      }
      const inv = 1 / (s.colour * (mean / k + 1e-8));
      let max = -Infinity;
      for (let j = 0; j < k; j++) {
        const v = -dist[j] * inv - posTerm[j];
        dist[j] = v;
        if (v > max) max = v;
      }
      let sum = 0;
      for (let j = 0; j < k; j++) {
        const e = Math.exp(dist[j] - max);
        dist[j] = e;
        sum += e;
      }
      const is = 1 / sum;
      const base = i * k;
      for (let j = 0; j < k; j++) w[base + j] = dist[j] * is;
    }
  }
  return { width, height, dilations: [...s.dilations], k, w };
}

/** `iterations` rounds of m ← A·m on each class map (new arrays; the inputs are not changed). */
export function parPropagate(a: Affinity, maps: readonly Float32Array[], iterations: number): Float32Array[] {
  const n = a.width * a.height;
  for (const m of maps) if (m.length !== n) throw new Error(`parPropagate: ${m.length} values for a ${a.width}x${a.height} affinity`);
  // classes two at a time, interleaved, so each weight is read once for both (measured ≈ 1.5×
  // a class at a time); an odd one out alone
  const out: Float32Array[] = [];
  for (let c = 0; c + 1 < maps.length; c += 2) out.push(...propagatePair(a, maps[c], maps[c + 1], iterations));
  if (maps.length % 2) out.push(propagateOne(a, maps[maps.length - 1], iterations));
  return out;
}

function propagateOne(a: Affinity, m: Float32Array, iterations: number): Float32Array {
  const { width, height, w, k, dilations } = a;
  const n = width * height;
  const reach = Math.max(...dilations);
  const pw = width + 2 * reach;
  const groups = dilations.length;
  const cur = new Float32Array(pw * (height + 2 * reach));
  let out = m.slice();
  let next = new Float32Array(n);
  for (let it = 0; it < iterations; it++) {
    padded(out, cur, width, height, 1, reach);
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0, p = (y + reach) * pw + reach; x < width; x++, i++, p++) {
        // the 8 neighbours of each dilation in DIRS order, summed in float64 as the definition does
        let s = 0;
        for (let g = 0, j = i * k; g < groups; g++, j += 8) {
          const d = dilations[g];
          const up = p - d * pw;
          const down = p + d * pw;
          s += w[j] * cur[up - d];
          s += w[j + 1] * cur[up];
          s += w[j + 2] * cur[up + d];
          s += w[j + 3] * cur[p - d];
          s += w[j + 4] * cur[p + d];
          s += w[j + 5] * cur[down - d];
          s += w[j + 6] * cur[down];
          s += w[j + 7] * cur[down + d];
        }
        next[i] = s;
      }
    }
    // `out` starts as this function's own copy, so the two buffers simply swap
    const t = out;
    out = next;
    next = t;
  }
  return out;
}

/** propagateOne for two maps at once: each pixel's two sums, each in the definition's order. */
function propagatePair(a: Affinity, m0: Float32Array, m1: Float32Array, iterations: number): [Float32Array, Float32Array] {
  const { width, height, w, k, dilations } = a;
  const n = width * height;
  const reach = Math.max(...dilations);
  const pw = width + 2 * reach;
  const groups = dilations.length;
  const both = new Float32Array(2 * n);
  const cur = new Float32Array(2 * pw * (height + 2 * reach));
  let out0 = m0.slice();
  let out1 = m1.slice();
  let next0 = new Float32Array(n);
  let next1 = new Float32Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0; i < n; i++) {
      both[2 * i] = out0[i];
      both[2 * i + 1] = out1[i];
    }
    padded(both, cur, width, height, 2, reach);
    for (let y = 0, i = 0; y < height; y++) {
      for (let x = 0, p = 2 * ((y + reach) * pw + reach); x < width; x++, i++, p += 2) {
        let s0 = 0;
        let s1 = 0;
        for (let g = 0, j = i * k; g < groups; g++, j += 8) {
          const d = 2 * dilations[g];
          const up = p - d * pw;
          const down = p + d * pw;
          let v = w[j];
          s0 += v * cur[up - d];
          s1 += v * cur[up - d + 1];
          v = w[j + 1];
          s0 += v * cur[up];
          s1 += v * cur[up + 1];
          v = w[j + 2];
          s0 += v * cur[up + d];
          s1 += v * cur[up + d + 1];
          v = w[j + 3];
          s0 += v * cur[p - d];
          s1 += v * cur[p - d + 1];
          v = w[j + 4];
          s0 += v * cur[p + d];
          s1 += v * cur[p + d + 1];
          v = w[j + 5];
          s0 += v * cur[down - d];
          s1 += v * cur[down - d + 1];
          v = w[j + 6];
          s0 += v * cur[down];
          s1 += v * cur[down + 1];
          v = w[j + 7];
          s0 += v * cur[down + d];
          s1 += v * cur[down + d + 1];
        }
        next0[i] = s0;
        next1[i] = s1;
      }
    }
    let t = out0;
    out0 = next0;
    next0 = t;
    t = out1;
    out1 = next1;
    next1 = t;
  }
  return [out0, out1];
}
