// Pixel-adaptive refinement (settings.ts ParSettings). The affinities depend only on the
// image, so they are computed once per image and shared by every class map.
import type { ParSettings } from './settings.ts';

const DIRS: readonly (readonly [number, number])[] = [
  [-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1],
];

const INV_255_SQ = 1 / (255 * 255);

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

  const odx = Int32Array.from(offs, (o) => o.dx);
  const ody = Int32Array.from(offs, (o) => o.dy);
  const reach = Math.max(...s.dilations);
  const idx = new Int32Array(n * k);
  const w = new Float32Array(n * k);
  const dist = new Float64Array(k);
  for (let y = 0; y < height; y++) {
    const rowInside = y >= reach && y < height - reach;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const base = i * k;
      // neighbour indices: offsets clamped to the border (a border pixel repeats itself)
      if (rowInside && x >= reach && x < width - reach) {
        for (let j = 0; j < k; j++) idx[base + j] = i + ody[j] * width + odx[j];
      } else {
        for (let j = 0; j < k; j++) {
          let xx = x + odx[j];
          let yy = y + ody[j];
          if (xx < 0) xx = 0; else if (xx >= width) xx = width - 1;
          if (yy < 0) yy = 0; else if (yy >= height) yy = height - 1;
          idx[base + j] = yy * width + xx;
        }
      }
      const p = 3 * i;
      const r = rgb[p], g = rgb[p + 1], b = rgb[p + 2];
      let mean = 0;
      for (let j = 0; j < k; j++) {
        const q = 3 * idx[base + j];
        const dr = rgb[q] - r, dg = rgb[q + 1] - g, db = rgb[q + 2] - b;
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
      for (let j = 0; j < k; j++) w[base + j] = dist[j] * is;
    }
  }
  return { width, height, k, idx, w };
}

/** `iterations` rounds of m ← A·m on each class map (new arrays; the inputs are not changed). */
export function parPropagate(a: Affinity, maps: readonly Float32Array[], iterations: number): Float32Array[] {
  const n = a.width * a.height;
  for (const m of maps) if (m.length !== n) throw new Error(`parPropagate: ${m.length} values for a ${a.width}x${a.height} affinity`);
  const { idx, w, k } = a;
  // one class at a time: measured faster than interleaving the classes in one pass
  return maps.map((m) => {
    let cur = m.slice();
    let next = new Float32Array(n);
    for (let it = 0; it < iterations; it++) {
      for (let i = 0, j = 0; i < n; i++) {
        let s = 0;
        for (const end = j + k; j < end; j++) s += w[j] * cur[idx[j]];
        next[i] = s;
      }
      const t = cur;
      cur = next;
      next = t;
    }
    return cur;
  });
}
