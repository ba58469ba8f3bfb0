// SLIC superpixels (Achanta et al. 2012) at the working size, and a click's region as the
// superpixels merged outwards from the clicked one while their mean prior favours fg.
import type { ClickProblem } from './problem.ts';
import type { WorkImage } from './work-image.ts';

export interface SlicSettings {
  /** grid step S, working pixels */
  step: number;
  /** compactness m: colour distance (0..255 per channel) against m·(spatial distance / S) */
  compactness: number;
  iterations: number;
}

export interface Superpixels {
  count: number;
  /** superpixel id per working pixel */
  id: Int32Array;
  /** CSR adjacency between superpixels */
  start: Int32Array;
  adj: Int32Array;
}

export function slic(img: WorkImage, s: SlicSettings): Superpixels {
  const { w, h, work } = img;
  const S = Math.max(1, Math.round(s.step));
  const cx: number[] = [];
  const cy: number[] = [];
  const cc: number[][] = [];
  for (let y = Math.floor(S / 2); y < h; y += S) {
    for (let x = Math.floor(S / 2); x < w; x += S) {
      cx.push(x);
      cy.push(y);
      const p = 3 * (y * w + x);
      cc.push([work[p], work[p + 1], work[p + 2]]);
    }
  }
  const K = cx.length;
  const id = new Int32Array(w * h).fill(-1);
  const dist = new Float64Array(w * h);
  const ratio = (s.compactness / S) ** 2;
  for (let it = 0; it < s.iterations; it++) {
    dist.fill(Infinity);
    for (let k = 0; k < K; k++) {
      const x0 = Math.max(0, Math.floor(cx[k] - S));
      const x1 = Math.min(w - 1, Math.ceil(cx[k] + S));
      const y0 = Math.max(0, Math.floor(cy[k] - S));
      const y1 = Math.min(h - 1, Math.ceil(cy[k] + S));
      const [r, g, b] = cc[k];
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const i = y * w + x;
          const dr = work[3 * i] - r;
          const dg = work[3 * i + 1] - g;
          const db = work[3 * i + 2] - b;
          const d = dr * dr + dg * dg + db * db + ratio * ((x - cx[k]) ** 2 + (y - cy[k]) ** 2);
          if (d < dist[i]) {
            dist[i] = d;
            id[i] = k;
          }
        }
      }
    }
    const sum = new Float64Array(K * 6);
    for (let i = 0; i < w * h; i++) {
      const k = id[i];
      if (k < 0) continue;
      sum[k * 6] += i % w;
      sum[k * 6 + 1] += Math.floor(i / w);
      sum[k * 6 + 2] += work[3 * i];
      sum[k * 6 + 3] += work[3 * i + 1];
      sum[k * 6 + 4] += work[3 * i + 2];
      sum[k * 6 + 5]++;
    }
    for (let k = 0; k < K; k++) {
      const c = sum[k * 6 + 5];
      if (!c) continue;
      cx[k] = sum[k * 6] / c;
      cy[k] = sum[k * 6 + 1] / c;
      cc[k] = [sum[k * 6 + 2] / c, sum[k * 6 + 3] / c, sum[k * 6 + 4] / c];
    }
  }
  // adjacency (4-neighbour touches)
  const sets: Set<number>[] = Array.from({ length: K }, () => new Set<number>());
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const a = id[y * w + x];
      if (x + 1 < w) {
        const b = id[y * w + x + 1];
        if (a !== b) sets[a].add(b), sets[b].add(a);
      }
      if (y + 1 < h) {
        const b = id[(y + 1) * w + x];
        if (a !== b) sets[a].add(b), sets[b].add(a);
      }
    }
  }
  const start = new Int32Array(K + 1);
  const adj: number[] = [];
  for (let k = 0; k < K; k++) {
    start[k] = adj.length;
    adj.push(...[...sets[k]].sort((a, b) => a - b));
  }
  start[K] = adj.length;
  return { count: K, id, start, adj: Int32Array.from(adj) };
}

/** 1 for the nodes of the merged superpixels, 0 elsewhere. */
export function mergeSuperpixels(pb: ClickProblem, sp: Superpixels, threshold: number): Float64Array {
  const m = pb.pixel.length;
  const K = sp.count;
  const sum = new Float64Array(K);
  const cnt = new Float64Array(K);
  const seeded = new Uint8Array(K);
  for (let i = 0; i < m; i++) {
    const k = sp.id[pb.pixel[i]];
    sum[k] += pb.prior[i];
    cnt[k]++;
    if (pb.seed[i]) seeded[k] = 1;
  }
  const inRegion = new Uint8Array(K);
  const queue: number[] = [];
  for (let k = 0; k < K; k++) if (seeded[k]) (inRegion[k] = 1), queue.push(k);
  while (queue.length) {
    const k = queue.shift()!;
    for (let e = sp.start[k]; e < sp.start[k + 1]; e++) {
      const j = sp.adj[e];
      if (inRegion[j] || !cnt[j] || sum[j] / cnt[j] <= threshold) continue;
      inRegion[j] = 1;
      queue.push(j);
    }
  }
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) x[i] = pb.seed[i] || inRegion[sp.id[pb.pixel[i]]] ? 1 : 0;
  return x;
}
