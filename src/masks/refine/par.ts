// Pixel-adaptive refinement (settings.ts ParSettings). The affinities depend only on the
// image, so they are computed once per image and shared by every class map.
import type { ParSettings } from './settings.ts';

const DIRS: readonly (readonly [number, number])[] = [
  [-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1],
];

export interface Affinity {
  width: number;
  height: number;
  /** neighbours per pixel */
  k: number;
  /** neighbour pixel index, n·k (offsets clamped to the border) */
  idx: Int32Array;
  /** softmax weights, n·k, each pixel's k weights summing to 1 */
  w: Float32Array;
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

  const idx = new Int32Array(n * k);
  const w = new Float32Array(n * k);
  const dist = new Float64Array(k);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const r = rgb[3 * i], g = rgb[3 * i + 1], b = rgb[3 * i + 2];
      let mean = 0;
      for (let j = 0; j < k; j++) {
        let xx = x + offs[j].dx;
        let yy = y + offs[j].dy;
        if (xx < 0) xx = 0; else if (xx >= width) xx = width - 1;
        if (yy < 0) yy = 0; else if (yy >= height) yy = height - 1;
        const q = yy * width + xx;
        idx[i * k + j] = q;
        const dr = (rgb[3 * q] - r) / 255, dg = (rgb[3 * q + 1] - g) / 255, db = (rgb[3 * q + 2] - b) / 255;
        const d2 = dr * dr + dg * dg + db * db;
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
      for (let j = 0; j < k; j++) w[i * k + j] = dist[j] * is;
    }
  }
  return { width, height, k, idx, w };
}

/** `iterations` rounds of m ← A·m on one class map (a new array; `map` is not changed). */
export function parPropagate(a: Affinity, map: Float32Array, iterations: number): Float32Array {
  const n = a.width * a.height;
  if (map.length !== n) throw new Error(`parPropagate: ${map.length} values for a ${a.width}x${a.height} affinity`);
  const { idx, w, k } = a;
  let cur = map.slice();
  let next = new Float32Array(n);
  for (let it = 0; it < iterations; it++) {
    for (let i = 0, base = 0; i < n; i++, base += k) {
      let s = 0;
      for (let j = 0; j < k; j++) s += w[base + j] * cur[idx[base + j]];
      next[i] = s;
    }
    const t = cur;
    cur = next;
    next = t;
  }
  return cur;
}
