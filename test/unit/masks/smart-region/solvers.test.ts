// The smart region's solvers against naive implementations written from their definitions
// (each file's doc comment), on small problems: the graph cut's labelling has the minimum
// energy of all labellings (brute force), the random walker's answer is a stationary point
// and minimum of its energy (finite differences), propagation equals the dense-matrix
// iteration, SLIC and the superpixel merge equal plain re-implementations.
import { describe, expect, it } from 'vitest';
import { FlowNetwork, graphCut } from '../../../../src/masks/smart-region/graph-cut.ts';
import { clickProblem, type ClickProblem, type EvidenceSettings } from '../../../../src/masks/smart-region/problem.ts';
import { propagate, workAffinity } from '../../../../src/masks/smart-region/propagation.ts';
import { randomWalker } from '../../../../src/masks/smart-region/random-walker.ts';
import { mergeSuperpixels, slic } from '../../../../src/masks/smart-region/superpixels.ts';
import { prepareWorkImage } from '../../../../src/masks/smart-region/work-image.ts';
import { rng } from './fixtures.ts';

const EVIDENCE: EvidenceSettings = { seedRadius: 0.5, sampleRadius: 3, colour: 1, cam: 1, camCentre: 0.4, outside: 0.5, distance: 0 };

/** a small random scene: random colours, a few labels, a CAM for class 1 */
function scene(w: number, h: number, seed: number, labelled = 0.25) {
  const r = rng(seed);
  const rgb = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(r() * 256));
  const labels = Uint8Array.from({ length: w * h }, () => (r() < labelled ? 1 : 0));
  const cam = Float32Array.from({ length: w * h }, () => r());
  return { rgb, labels, cam, img: prepareWorkImage(rgb, w, h, Math.max(w, h)) };
}

/** a problem whose click lies on a background pixel */
function problem(w: number, h: number, seed: number, target = 1): { pb: ClickProblem; labels: Uint8Array; img: ReturnType<typeof scene>['img'] } {
  const s = scene(w, h, seed);
  const c = s.labels.indexOf(0);
  const pb = clickProblem(s.img, s.labels, (k) => (k === 1 ? s.cam : null), c % w, Math.floor(c / w), target, EVIDENCE);
  return { pb, labels: s.labels, img: s.img };
}

function energyGraphCut(pb: ClickProblem, x: ArrayLike<number>, prior: number, smooth: number): number {
  let e = 0;
  for (let i = 0; i < pb.pixel.length; i++) {
    const p = Math.min(Math.max(pb.prior[i], 1e-6), 1 - 1e-6);
    e += prior * (x[i] ? -Math.log(p) : -Math.log(1 - p));
    e += smooth * (x[i] ? pb.toKeep[i] : pb.toFg[i]);
    for (let k = pb.start[i]; k < pb.start[i + 1]; k++) if (pb.nbr[k] > i && x[i] !== x[pb.nbr[k]]) e += smooth * pb.wt[k];
  }
  return e;
}

describe('graph cut', () => {
  it.each([1, 2, 3, 4, 5])('max flow equals Edmonds–Karp on a random network (seed %i)', (seed) => {
    const r = rng(seed);
    const n = 9;
    const cap = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    const net = new FlowNetwork(n);
    for (let k = 0; k < 30; k++) {
      const u = Math.floor(r() * n);
      const v = Math.floor(r() * n);
      if (u === v) continue;
      const c = Math.round(r() * 100) / 10;
      cap[u][v] += c;
      net.addEdge(u, v, c);
    }
    // Edmonds–Karp on the capacity matrix
    const res = cap.map((row) => row.slice());
    let flow = 0;
    for (;;) {
      const prev = new Array<number>(n).fill(-1);
      prev[0] = 0;
      const q = [0];
      while (q.length && prev[n - 1] < 0) {
        const u = q.shift()!;
        for (let v = 0; v < n; v++) if (prev[v] < 0 && res[u][v] > 1e-12) (prev[v] = u), q.push(v);
      }
      if (prev[n - 1] < 0) break;
      let f = Infinity;
      for (let v = n - 1; v !== 0; v = prev[v]) f = Math.min(f, res[prev[v]][v]);
      for (let v = n - 1; v !== 0; v = prev[v]) (res[prev[v]][v] -= f), (res[v][prev[v]] += f);
      flow += f;
    }
    expect(net.maxFlow(0, n - 1)).toBeCloseTo(flow, 9);
  });

  it.each([
    { seed: 11, prior: 1, smooth: 1 },
    { seed: 12, prior: 0.5, smooth: 3 },
    { seed: 13, prior: 2, smooth: 0.5 },
  ])('its labelling has the least energy of all labellings (seed $seed)', ({ seed, prior, smooth }) => {
    const { pb } = problem(4, 3, seed);
    const m = pb.pixel.length;
    expect(m).toBeLessThanOrEqual(12);
    const x = graphCut(pb, { prior, smooth });
    let best = Infinity;
    const free = [...Array(m).keys()].filter((i) => !pb.seed[i]);
    for (let bits = 0; bits < 1 << free.length; bits++) {
      const y = new Array<number>(m).fill(1);
      free.forEach((i, k) => (y[i] = (bits >> k) & 1));
      best = Math.min(best, energyGraphCut(pb, y, prior, smooth));
    }
    for (let i = 0; i < m; i++) if (pb.seed[i]) expect(x[i]).toBe(1);
    expect(energyGraphCut(pb, x, prior, smooth)).toBeCloseTo(best, 9);
  });
});

/** the random walker's energy, from its definition in random-walker.ts */
function energyWalker(pb: ClickProblem, x: ArrayLike<number>, gamma: number): number {
  let e = 0;
  for (let i = 0; i < pb.pixel.length; i++) {
    e += pb.toFg[i] * (x[i] - 1) ** 2 + pb.toKeep[i] * x[i] ** 2;
    e += gamma * (pb.prior[i] * (x[i] - 1) ** 2 + (1 - pb.prior[i]) * x[i] ** 2);
    for (let k = pb.start[i]; k < pb.start[i + 1]; k++) if (pb.nbr[k] > i) e += pb.wt[k] * (x[i] - x[pb.nbr[k]]) ** 2;
  }
  return e;
}

describe('random walker', () => {
  it.each([21, 22, 23])('solves its energy: zero gradient at the free nodes, seeds at 1, values in [0, 1] (seed %i)', (seed) => {
    const { pb } = problem(7, 6, seed);
    const gamma = 0.2;
    const x = randomWalker(pb, { prior: gamma, tolerance: 1e-12, maxIterations: 1000 });
    const h = 1e-5;
    for (let i = 0; i < pb.pixel.length; i++) {
      expect(x[i]).toBeGreaterThanOrEqual(-1e-9);
      expect(x[i]).toBeLessThanOrEqual(1 + 1e-9);
      if (pb.seed[i]) {
        expect(x[i]).toBe(1);
        continue;
      }
      const up = Array.from(x);
      const dn = Array.from(x);
      up[i] += h;
      dn[i] -= h;
      expect((energyWalker(pb, up, gamma) - energyWalker(pb, dn, gamma)) / (2 * h)).toBeCloseTo(0, 6);
    }
    // and no nearby point does better
    const r = rng(seed);
    const e0 = energyWalker(pb, x, gamma);
    for (let t = 0; t < 20; t++) {
      const y = Array.from(x, (v, i) => (pb.seed[i] ? v : v + (r() - 0.5) * 0.02));
      expect(energyWalker(pb, y, gamma)).toBeGreaterThanOrEqual(e0 - 1e-12);
    }
  });
});

describe('propagation on the PAR affinities', () => {
  it('equals the dense-matrix iteration x ← (1 − α)·A·x + α·p with seeds at 1', () => {
    const w = 9;
    const h = 7;
    const { pb, labels, img } = problem(w, h, 31);
    const par = { dilations: [1, 2], iterations: 6, colour: 0.3, position: 0.01 };
    const aff = workAffinity(img, par);
    const alpha = 0.1;
    const got = propagate(pb, aff, labels, { par, prior: alpha });
    // dense A over all pixels; outside-domain pixels hold their label's value (1 for the target)
    const n = w * h;
    const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    // the neighbours PAR's weights belong to: 8 directions per dilation, offsets clamped to the border
    const dirs = [[-1, -1], [0, -1], [1, -1], [-1, 0], [1, 0], [-1, 1], [0, 1], [1, 1]];
    const offs = par.dilations.flatMap((d) => dirs.map(([dx, dy]) => [dx * d, dy * d]));
    const clamp = (v: number, hi: number) => Math.min(hi - 1, Math.max(0, v));
    for (let p = 0; p < n; p++) {
      const px = p % w;
      const py = Math.floor(p / w);
      offs.forEach(([dx, dy], j) => (A[p][clamp(py + dy, h) * w + clamp(px + dx, w)] += aff.w[p * aff.k + j]));
    }
    let x = Array.from({ length: n }, (_, p) => (pb.node[p] < 0 ? (labels[p] === pb.target ? 1 : 0) : pb.seed[pb.node[p]] ? 1 : pb.prior[pb.node[p]]));
    for (let it = 0; it < par.iterations; it++) {
      x = x.map((v, p) => {
        const i = pb.node[p];
        if (i < 0 || pb.seed[i]) return v;
        let s = 0;
        for (let q = 0; q < n; q++) s += A[p][q] * x[q];
        return (1 - alpha) * s + alpha * pb.prior[i];
      });
    }
    for (let i = 0; i < pb.pixel.length; i++) expect(got[i]).toBeCloseTo(x[pb.pixel[i]], 9);
  });
});

describe('SLIC superpixels and their merge', () => {
  it('equal a plain re-implementation of SLIC (2S window, colour + m/S spatial distance)', () => {
    const w = 20;
    const h = 14;
    const { img } = scene(w, h, 41);
    const s = { step: 4, compactness: 20, iterations: 3 };
    const got = slic(img, s);
    const centres: { x: number; y: number; c: number[] }[] = [];
    for (let y = 2; y < h; y += 4) for (let x = 2; x < w; x += 4) centres.push({ x, y, c: [0, 1, 2].map((k) => img.work[3 * (y * w + x) + k]) });
    let id = new Array<number>(w * h).fill(-1);
    for (let it = 0; it < s.iterations; it++) {
      id = id.map((_, p) => {
        const x = p % w;
        const y = Math.floor(p / w);
        let best = -1;
        let bd = Infinity;
        centres.forEach((c, k) => {
          if (x < Math.max(0, Math.floor(c.x - 4)) || x > Math.min(w - 1, Math.ceil(c.x + 4)) || y < Math.max(0, Math.floor(c.y - 4)) || y > Math.min(h - 1, Math.ceil(c.y + 4))) return;
          const d = [0, 1, 2].reduce((t, q) => t + (img.work[3 * p + q] - c.c[q]) ** 2, 0) + (20 / 4) ** 2 * ((x - c.x) ** 2 + (y - c.y) ** 2);
          if (d < bd) (bd = d), (best = k);
        });
        return best;
      });
      centres.forEach((c, k) => {
        const mine = id.map((v, p) => (v === k ? p : -1)).filter((p) => p >= 0);
        if (!mine.length) return;
        c.x = mine.reduce((t, p) => t + (p % w), 0) / mine.length;
        c.y = mine.reduce((t, p) => t + Math.floor(p / w), 0) / mine.length;
        c.c = [0, 1, 2].map((q) => mine.reduce((t, p) => t + img.work[3 * p + q], 0) / mine.length);
      });
    }
    expect(Array.from(got.id)).toEqual(id);
    // adjacency: two superpixels are neighbours when 4-adjacent pixels carry them
    for (let k = 0; k < got.count; k++) {
      const naive = new Set<number>();
      for (let p = 0; p < w * h; p++) {
        if (id[p] !== k) continue;
        for (const q of [p % w > 0 ? p - 1 : -1, p % w < w - 1 ? p + 1 : -1, p - w, p + w]) if (q >= 0 && q < w * h && id[q] !== k) naive.add(id[q]);
      }
      expect(Array.from(got.adj.subarray(got.start[k], got.start[k + 1]))).toEqual([...naive].sort((a, b) => a - b));
    }
  });

  it('the merge is the set of superpixels reachable from the seeded ones through means above the threshold', () => {
    const w = 20;
    const h = 14;
    const s = scene(w, h, 43, 0);
    const pb = clickProblem(s.img, s.labels, () => s.cam, 10, 7, 1, EVIDENCE);
    const sp = slic(s.img, { step: 4, compactness: 10, iterations: 3 });
    const th = 0.5;
    const got = mergeSuperpixels(pb, sp, th);
    const mean = (k: number) => {
      const ps = [...pb.pixel.keys()].filter((i) => sp.id[pb.pixel[i]] === k);
      return ps.length ? ps.reduce((t, i) => t + pb.prior[i], 0) / ps.length : -1;
    };
    const inside = new Set<number>([...pb.pixel.keys()].filter((i) => pb.seed[i]).map((i) => sp.id[pb.pixel[i]]));
    for (let changed = true; changed; ) {
      changed = false;
      for (let k = 0; k < sp.count; k++) {
        if (inside.has(k) || mean(k) <= th) continue;
        if ([...inside].some((j) => Array.from(sp.adj.subarray(sp.start[j], sp.start[j + 1])).includes(k))) (inside.add(k), (changed = true));
      }
    }
    for (let i = 0; i < pb.pixel.length; i++) expect(got[i]).toBe(pb.seed[i] || inside.has(sp.id[pb.pixel[i]]) ? 1 : 0);
    expect(got.reduce((a, b) => a + b, 0)).toBeGreaterThan(1);
  });
});
