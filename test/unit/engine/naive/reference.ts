// A naive float64 reference of the engine math, written from docs/engine.md with plain loops
// (no tensors, no transposed convs, no batching): the forward of the IR, every LRP rule of
// §3 in matrix form (R_in,i = Σ_j (x⁺_i W⁺_ij + x⁻_i W⁻_ij) R_j ⊘ z_j …), and the
// whole R-CAM of §4–§5. Slow and obviously-correct is the point.
import type { Graph, GraphNode, Pads } from '../../../../src/engine/ir.ts';

/** a per-sample tensor: spatial [h, w, c] or flat [c] (h = w = 1, flat = true) */
export interface NT {
  h: number;
  w: number;
  c: number;
  flat: boolean;
  d: Float64Array;
}

export const nt = (h: number, w: number, c: number, flat = false, d = new Float64Array(h * w * c)): NT => ({ h, w, c, flat, d });
const like = (t: NT): NT => nt(t.h, t.w, t.c, t.flat);
const at = (t: NT, y: number, x: number, c: number) => (y * t.w + x) * t.c + c;

function P(graph: Graph, name: string): Float64Array {
  return Float64Array.from(graph.params[name].data);
}

function convOut(n: number, k: number, s: number, d: number, p0: number, p1: number): number {
  return Math.floor((n + p0 + p1 - d * (k - 1) - 1) / s) + 1;
}

/** visits every (output, input, weight) triple of a conv; input index −1 = padding */
export function convEach(x: NT, kshape: number[], strides: number[], pads: Pads, dil: number[], f: (o: number, i: number, wi: number) => void, groups = 1): NT {
  const [kh, kw, ci, co] = kshape;
  const cog = co / groups;
  const oh = convOut(x.h, kh, strides[0], dil[0], pads[0], pads[2]);
  const ow = convOut(x.w, kw, strides[1], dil[1], pads[1], pads[3]);
  const out = nt(oh, ow, co);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++) {
          const iy = oy * strides[0] - pads[0] + ky * dil[0];
          const ix = ox * strides[1] - pads[1] + kx * dil[1];
          if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) continue;
          // output channel o reads input channels [g·ci, (g+1)·ci) of its group g
          for (let c = 0; c < ci; c++)
            for (let o = 0; o < co; o++) f(at(out, oy, ox, o), at(x, iy, ix, Math.floor(o / cog) * ci + c), ((ky * kw + kx) * ci + c) * co + o);
        }
  return out;
}

export function poolEach(x: NT, k: number[], s: number[], pads: Pads, f: (o: number, i: number) => void, fpad?: (o: number) => void): NT {
  const oh = convOut(x.h, k[0], s[0], 1, pads[0], pads[2]);
  const ow = convOut(x.w, k[1], s[1], 1, pads[1], pads[3]);
  const out = nt(oh, ow, x.c);
  for (let oy = 0; oy < oh; oy++)
    for (let ox = 0; ox < ow; ox++)
      for (let c = 0; c < x.c; c++)
        for (let ky = 0; ky < k[0]; ky++)
          for (let kx = 0; kx < k[1]; kx++) {
            const iy = oy * s[0] - pads[0] + ky;
            const ix = ox * s[1] - pads[1] + kx;
            const o = at(out, oy, ox, c);
            if (iy < 0 || ix < 0 || iy >= x.h || ix >= x.w) fpad?.(o);
            else f(o, at(x, iy, ix, c));
          }
  return out;
}

export function forwardNode(graph: Graph, n: GraphNode, xs: NT[]): NT {
  const x = xs[0];
  switch (n.op) {
    case 'conv2d': {
      const w = P(graph, n.weight);
      const out = convEach(x, graph.params[n.weight].shape, n.strides, n.pads, n.dilations, () => {}, n.groups);
      convEach(x, graph.params[n.weight].shape, n.strides, n.pads, n.dilations, (o, i, wi) => (out.d[o] += x.d[i] * w[wi]), n.groups);
      if (n.bias) {
        const b = P(graph, n.bias);
        for (let i = 0; i < out.d.length; i++) out.d[i] += b[i % out.c];
      }
      return out;
    }
    case 'batchnorm': {
      const [g, b, m, v] = [n.gamma, n.beta, n.mean, n.variance].map((p) => P(graph, p));
      const out = like(x);
      for (let i = 0; i < x.d.length; i++) {
        const c = i % x.c;
        out.d[i] = ((x.d[i] - m[c]) / Math.sqrt(v[c] + n.epsilon)) * g[c] + b[c];
      }
      return out;
    }
    case 'relu':
      return { ...like(x), d: x.d.map((v) => Math.max(v, 0)) };
    case 'identity':
      return { ...like(x), d: x.d.slice() };
    case 'sigmoid':
      return { ...like(x), d: x.d.map((v) => 1 / (1 + Math.exp(-v))) };
    case 'softmax': {
      const mx = Math.max(...x.d);
      const e = x.d.map((v) => Math.exp(v - mx));
      const s = e.reduce((a, b) => a + b, 0);
      return { ...like(x), d: e.map((v) => v / s) };
    }
    case 'add': {
      const out = like(x);
      for (const t of xs) for (let i = 0; i < t.d.length; i++) out.d[i] += t.d[i];
      return out;
    }
    case 'maxpool': {
      const res = poolEach(x, n.kernel, n.strides, n.pads, () => {});
      res.d.fill(-Infinity);
      poolEach(x, n.kernel, n.strides, n.pads, (o, i) => (res.d[o] = Math.max(res.d[o], x.d[i])));
      return res;
    }
    case 'avgpool': {
      const res = poolEach(x, n.kernel, n.strides, n.pads, () => {});
      const cnt = new Float64Array(res.d.length);
      const includePad = n.countIncludePad ?? true;
      poolEach(x, n.kernel, n.strides, n.pads, (o, i) => {
        res.d[o] += x.d[i];
        cnt[o]++;
      }, (o) => {
        if (includePad) cnt[o]++;
      });
      for (let o = 0; o < res.d.length; o++) res.d[o] /= cnt[o];
      return res;
    }
    case 'globalavgpool': {
      const out = nt(1, 1, x.c, !n.keepDims);
      for (let i = 0; i < x.d.length; i++) out.d[i % x.c] += x.d[i] / (x.h * x.w);
      return out;
    }
    case 'flatten':
      return nt(1, 1, x.d.length, true, x.d.slice());
    case 'dense': {
      const w = P(graph, n.weight);
      const [fin, fout] = graph.params[n.weight].shape;
      const out = nt(1, 1, fout, true);
      for (let j = 0; j < fout; j++) {
        let s = n.bias ? graph.params[n.bias].data[j] : 0;
        for (let i = 0; i < fin; i++) s += x.d[i] * w[i * fout + j];
        out.d[j] = s;
      }
      return out;
    }
    case 'pad': {
      const [t, l, b, r] = n.pads;
      const out = nt(x.h + t + b, x.w + l + r, x.c);
      out.d.fill(n.value);
      for (let y = 0; y < x.h; y++) for (let xx = 0; xx < x.w; xx++) for (let c = 0; c < x.c; c++) out.d[at(out, y + t, xx + l, c)] = x.d[at(x, y, xx, c)];
      return out;
    }
    case 'concat': {
      const c = xs.reduce((a, t) => a + t.c, 0);
      const out = nt(x.h, x.w, c);
      let off = 0;
      for (const t of xs) {
        for (let p = 0; p < t.h * t.w; p++) for (let k = 0; k < t.c; k++) out.d[p * c + off + k] = t.d[p * t.c + k];
        off += t.c;
      }
      return out;
    }
    case 'activation':
      return { ...like(x), d: x.d.map((v) => activation(n.fn, v, n.alpha, n.beta)) };
    case 'mul': {
      // the gate [gh, gw, c] broadcasts over the signal's positions
      const g = xs[1];
      const out = like(x);
      for (let y = 0; y < x.h; y++)
        for (let xx = 0; xx < x.w; xx++)
          for (let c = 0; c < x.c; c++) out.d[at(x, y, xx, c)] = x.d[at(x, y, xx, c)] * g.d[at(g, g.h === 1 ? 0 : y, g.w === 1 ? 0 : xx, g.c === 1 ? 0 : c)];
      return out;
    }
    case 'affine': {
      const sc = n.scale ? P(graph, n.scale) : null;
      const sh = n.shift ? P(graph, n.shift) : null;
      const pick = (p: Float64Array, i: number) => (p.length === 1 ? p[0] : p[i % x.c]);
      return { ...like(x), d: x.d.map((v, i) => v * (sc ? pick(sc, i) : 1) + (sh ? pick(sh, i) : 0)) };
    }
    case 'layernorm':
    case 'groupnorm': {
      const groups = n.op === 'groupnorm' ? n.groups : x.h * x.w;
      const out = like(x);
      const cg = x.c / (n.op === 'groupnorm' ? n.groups : 1);
      // members of statistic set k: layernorm = one position's channels, groupnorm = a group over all positions
      const members = (k: number): number[] => {
        const idx: number[] = [];
        if (n.op === 'layernorm') for (let c = 0; c < x.c; c++) idx.push(k * x.c + c);
        else for (let p = 0; p < x.h * x.w; p++) for (let c = 0; c < cg; c++) idx.push(p * x.c + k * cg + c);
        return idx;
      };
      const gm = n.gamma ? P(graph, n.gamma) : null;
      const bt = n.beta ? P(graph, n.beta) : null;
      for (let k = 0; k < groups; k++) {
        const idx = members(k);
        const mu = idx.reduce((a, i) => a + x.d[i], 0) / idx.length;
        const v = idx.reduce((a, i) => a + (x.d[i] - mu) ** 2, 0) / idx.length;
        for (const i of idx) out.d[i] = ((x.d[i] - mu) / Math.sqrt(v + n.epsilon)) * (gm ? gm[i % x.c] : 1) + (bt ? bt[i % x.c] : 0);
      }
      return out;
    }
    case 'permute': {
      const out = like(x);
      for (let p = 0; p < x.h * x.w; p++) for (let k = 0; k < x.c; k++) out.d[p * x.c + k] = x.d[p * x.c + n.order[k]];
      return out;
    }
    case 'slice': {
      const out = nt(x.h, x.w, n.size, x.flat);
      for (let p = 0; p < x.h * x.w; p++) for (let k = 0; k < n.size; k++) out.d[p * n.size + k] = x.d[p * x.c + n.begin + k];
      return out;
    }
    case 'reshape': {
      const [h, w, c] = n.shape.length === 3 ? n.shape : [1, 1, n.shape[0]];
      return nt(h, w, c, n.shape.length !== 3, x.d.slice());
    }
  }
}

/** Abramowitz–Stegun 7.1.26 is too coarse here: erf by its Taylor series / continued fraction */
export function erf(v: number): number {
  const a = Math.abs(v);
  let r: number;
  if (a < 3) {
    // Σ (−1)ⁿ x^(2n+1) / (n! (2n+1)), converges fast for |x| < 3
    let term = a;
    let sum = a;
    for (let k = 1; k < 80; k++) {
      term *= (-a * a) / k;
      sum += term / (2 * k + 1);
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc continued fraction (Lentz), accurate for large |x|
    let f = 0;
    for (let k = 60; k >= 1; k--) f = (k / 2) / (a + f);
    r = 1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / (a + f);
  }
  return v < 0 ? -r : r;
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));
const softplus = (v: number) => (v > 30 ? v : Math.log1p(Math.exp(v)));

/** the activations of ir.ts, in float64, as their definitions read */
export function activation(fn: string, v: number, alpha?: number, beta?: number): number {
  const hs = (a: number, b: number) => Math.min(Math.max(a * v + b, 0), 1);
  switch (fn) {
    case 'clip':
      return Math.min(Math.max(v, alpha ?? -Infinity), beta ?? Infinity);
    case 'leakyrelu':
      return v > 0 ? v : (alpha ?? 0.01) * v;
    case 'elu':
      return v > 0 ? v : (alpha ?? 1) * (Math.exp(v) - 1);
    case 'hardsigmoid':
      return hs(alpha ?? 0.2, beta ?? 0.5);
    case 'hardswish':
      return v * hs(alpha ?? 1 / 6, beta ?? 0.5);
    case 'silu':
      return v * sig(v);
    case 'gelu':
      return 0.5 * v * (1 + erf(v / Math.SQRT2));
    case 'gelu-tanh':
      return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)));
    case 'mish':
      return v * Math.tanh(softplus(v));
    case 'tanh':
      return Math.tanh(v);
    case 'softplus':
      return softplus(v);
    case 'erf':
      return erf(v);
    default:
      throw new Error(`naive: unknown activation ${fn}`);
  }
}

/** every tensor of the graph for one image (overrides replace a tensor's value) */
export function naiveForward(graph: Graph, input: NT, overrides = new Map<string, NT>()): Map<string, NT> {
  const env = new Map<string, NT>([[graph.input.name, overrides.get(graph.input.name) ?? input]]);
  for (const n of graph.nodes) {
    env.set(n.output, overrides.get(n.output) ?? forwardNode(graph, n, n.inputs.map((i) => env.get(i) as NT)));
  }
  return env;
}

const sdiv = (a: number, b: number) => (b === 0 ? 0 : a / b);

/** the value box of a first conv's input (docs/engine.md §3.12 zᴮ): L and H per input position, 0 on a zero Pad node's border */
export interface NaiveBox {
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * docs/engine.md §3: relevance at a node's output → relevance per input (float64, loops). With `box`
 * a conv takes the zᴮ rule of the authors' first conv, written as their code reads:
 * z = Σ x·w − L·w⁺ − H·w⁻ + 1e-9, R_i = Σ_j (x_i w_ij − L w⁺_ij − H w⁻_ij) R_j / z_j.
 */
export function naiveRule(graph: Graph, n: GraphNode, xs: NT[], y: NT, r: NT, bias: 'ignore' | 'official' = 'ignore', box?: NaiveBox): NT[] {
  const x = xs[0];
  switch (n.op) {
    case 'conv2d': {
      const w = P(graph, n.weight);
      const shape = graph.params[n.weight].shape;
      if (box) {
        const part = (i: number, wi: number) => x.d[i] * w[wi] - box.lo[i] * Math.max(w[wi], 0) - box.hi[i] * Math.min(w[wi], 0);
        const z = convEach(x, shape, n.strides, n.pads, n.dilations, () => {}, n.groups);
        convEach(x, shape, n.strides, n.pads, n.dilations, (o, i, wi) => (z.d[o] += part(i, wi)), n.groups);
        for (let o = 0; o < z.d.length; o++) z.d[o] += 1e-9;
        const out = like(x);
        convEach(x, shape, n.strides, n.pads, n.dilations, (o, i, wi) => (out.d[i] += (part(i, wi) * r.d[o]) / z.d[o]), n.groups);
        return [out];
      }
      const z = convEach(x, shape, n.strides, n.pads, n.dilations, () => {}, n.groups);
      const contrib = (i: number, wi: number) => (x.d[i] > 0 ? x.d[i] * Math.max(w[wi], 0) : x.d[i] * Math.min(w[wi], 0));
      convEach(x, shape, n.strides, n.pads, n.dilations, (o, i, wi) => (z.d[o] += contrib(i, wi)), n.groups);
      if (bias === 'official' && n.bias) for (let o = 0; o < z.d.length; o++) z.d[o] += 2 * graph.params[n.bias].data[o % z.c];
      const out = like(x);
      convEach(x, shape, n.strides, n.pads, n.dilations, (o, i, wi) => (out.d[i] += contrib(i, wi) * sdiv(r.d[o], z.d[o])), n.groups);
      return [out];
    }
    case 'dense': {
      const w = P(graph, n.weight);
      const [fin, fout] = graph.params[n.weight].shape;
      const contrib = (i: number, j: number) => (x.d[i] > 0 ? x.d[i] * Math.max(w[i * fout + j], 0) : x.d[i] * Math.min(w[i * fout + j], 0));
      const out = like(x);
      for (let j = 0; j < fout; j++) {
        let z = bias === 'official' && n.bias ? 2 * graph.params[n.bias].data[j] : 0;
        for (let i = 0; i < fin; i++) z += contrib(i, j);
        for (let i = 0; i < fin; i++) out.d[i] += contrib(i, j) * sdiv(r.d[j], z);
      }
      return [out];
    }
    case 'batchnorm':
    case 'relu':
    case 'identity':
    case 'activation':
    case 'sigmoid':
    case 'affine':
    case 'layernorm':
    case 'groupnorm':
      // docs/engine.md §3.3, §3.4, §13: identity
      return [{ ...like(x), d: r.d.slice() }];
    case 'mul':
      // docs/engine.md §13 gate rule: the signal takes all
      return [{ ...like(x), d: r.d.slice() }, like(xs[1])];
    case 'permute': {
      const out = like(x);
      for (let p = 0; p < x.h * x.w; p++) for (let k = 0; k < x.c; k++) out.d[p * x.c + n.order[k]] = r.d[p * x.c + k];
      return [out];
    }
    case 'slice': {
      const out = like(x);
      for (let p = 0; p < x.h * x.w; p++) for (let k = 0; k < n.size; k++) out.d[p * x.c + n.begin + k] = r.d[p * n.size + k];
      return [out];
    }
    case 'reshape':
      return [{ ...like(x), d: r.d.slice() }];
    case 'add': {
      // docs/engine.md §3.7: s = R ⊘ (main + short); R_i = x_i · s
      return xs.map((t) => {
        const out = like(t);
        for (let i = 0; i < t.d.length; i++) {
          const sum = xs.reduce((a, u) => a + u.d[i], 0);
          out.d[i] = t.d[i] * sdiv(r.d[i], sum);
        }
        return out;
      });
    }
    case 'globalavgpool': {
      const out = like(x);
      for (let c = 0; c < x.c; c++) {
        let s = 0;
        for (let p = 0; p < x.h * x.w; p++) s += Math.max(x.d[p * x.c + c], 0);
        for (let p = 0; p < x.h * x.w; p++) out.d[p * x.c + c] = Math.max(x.d[p * x.c + c], 0) * sdiv(r.d[c], s);
      }
      return [out];
    }
    case 'avgpool': {
      const xp = x.d.map((v) => Math.max(v, 0));
      const z = forwardNode(graph, n, [{ ...like(x), d: xp }]);
      const cnt = new Float64Array(z.d.length);
      poolEach(x, n.kernel, n.strides, n.pads, (o) => cnt[o]++, (o) => {
        if (n.countIncludePad ?? true) cnt[o]++;
      });
      const out = like(x);
      poolEach(x, n.kernel, n.strides, n.pads, (o, i) => (out.d[i] += (xp[i] / cnt[o]) * sdiv(r.d[o], z.d[o])));
      return [out];
    }
    case 'maxpool': {
      // winner-take-all: the first maximum of each window receives x·(R ⊘ z)
      const out = like(x);
      const win = new Int32Array(y.d.length).fill(-1);
      poolEach(x, n.kernel, n.strides, n.pads, (o, i) => {
        if (win[o] < 0 && x.d[i] === y.d[o]) win[o] = i;
      });
      for (let o = 0; o < y.d.length; o++) if (win[o] >= 0) out.d[win[o]] += x.d[win[o]] * sdiv(r.d[o], y.d[o]);
      return [out];
    }
    case 'flatten':
      return [{ ...like(x), d: r.d.slice() }];
    case 'pad': {
      const [t, l] = n.pads;
      const out = like(x);
      for (let yy = 0; yy < x.h; yy++) for (let xx = 0; xx < x.w; xx++) for (let c = 0; c < x.c; c++) out.d[at(x, yy, xx, c)] = r.d[at(r, yy + t, xx + l, c)];
      return [out];
    }
    case 'concat': {
      let off = 0;
      return xs.map((t) => {
        const out = like(t);
        for (let p = 0; p < t.h * t.w; p++) for (let k = 0; k < t.c; k++) out.d[p * t.c + k] = r.d[p * r.c + off + k];
        off += t.c;
        return out;
      });
    }
    default:
      throw new Error(`naive: no rule for ${n.op}`);
  }
}

/**
 * The zᴮ boxes of the convs that read the image (no conv or dense before them, docs/engine.md §3.12):
 * L = min and H = max over the conv's input, a zero Pad node's border excluded (and given 0,
 * as the authors' zero-padded conv gives it).
 */
export function naiveBoxes(graph: Graph, env: Map<string, NT>): Map<string, NaiveBox> {
  const boxes = new Map<string, NaiveBox>();
  const linear = new Set<string>();
  for (const n of graph.nodes) {
    const after = n.inputs.some((i) => linear.has(i));
    if (n.op === 'conv2d' && !after) {
      const x = env.get(n.inputs[0]) as NT;
      const p = graph.nodes.find((m) => m.output === n.inputs[0]);
      const [t, l, b, rr] = p?.op === 'pad' && p.value === 0 ? p.pads : [0, 0, 0, 0];
      const inside = (i: number) => {
        const yy = Math.floor(i / x.c / x.w);
        const xx = Math.floor(i / x.c) % x.w;
        return yy >= t && yy < x.h - b && xx >= l && xx < x.w - rr;
      };
      let lo = Infinity;
      let hi = -Infinity;
      x.d.forEach((v, i) => {
        if (!inside(i)) return;
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      });
      boxes.set(n.name, { lo: x.d.map((_, i) => (inside(i) ? lo : 0)), hi: x.d.map((_, i) => (inside(i) ? hi : 0)) });
    }
    if (after || n.op === 'conv2d' || n.op === 'dense') linear.add(n.output);
  }
  return boxes;
}

/**
 * Relevance at tensor `from`, starting with `start` at tensor `to` (docs/engine.md §4):
 * nodes in reverse order, fan-out summed (§3.8). `zbox`: the convs reading the image take
 * the zᴮ rule (the authors' composite all the way to the input).
 */
export function naiveRelevance(graph: Graph, env: Map<string, NT>, from: string, to: string, start: NT, bias: 'ignore' | 'official' = 'ignore', zbox = false): NT {
  const below = new Set([from]);
  for (const n of graph.nodes) if (n.inputs.some((i) => below.has(i))) below.add(n.output);
  const boxes = zbox ? naiveBoxes(graph, env) : new Map<string, NaiveBox>();
  const rel = new Map<string, NT>([[to, start]]);
  for (let k = graph.nodes.length - 1; k >= 0; k--) {
    const n = graph.nodes[k];
    const r = rel.get(n.output);
    if (!r || n.output === from || !below.has(n.output)) continue;
    const outs = naiveRule(graph, n, n.inputs.map((i) => env.get(i) as NT), env.get(n.output) as NT, r, bias, boxes.get(n.name));
    n.inputs.forEach((name, i) => {
      if (!below.has(name)) return;
      const prev = rel.get(name);
      if (!prev) rel.set(name, outs[i]);
      else for (let j = 0; j < prev.d.length; j++) prev.d[j] += outs[i].d[j];
    });
  }
  return rel.get(from) ?? like(env.get(from) as NT);
}

interface NaiveLrpOptions {
  init?: 'clrp' | 'onehot';
  bias?: 'ignore' | 'official';
}

/** the walk of docs/engine.md §4: CLRP (or one-hot) start at the logits, relevance R^L and activation A^L at `layer` (zᴮ at the first conv) */
function naiveLrp(graph: Graph, input: NT, layer: string, target: number | undefined, opts: NaiveLrpOptions): { r: NT; a: NT; target: number } {
  const env = naiveForward(graph, input);
  const logits = env.get(graph.output) as NT;
  const k = logits.d.length;
  const t = target ?? logits.d.indexOf(Math.max(...logits.d));
  const start = nt(1, 1, k, true);
  for (let j = 0; j < k; j++) start.d[j] = (opts.init ?? 'clrp') === 'clrp' ? -1 / k : 0;
  start.d[t] = 1;
  const r = naiveRelevance(graph, env, layer, graph.output, start, opts.bias, true);
  return { r, a: env.get(layer) as NT, target: t };
}

/** R-CAM (docs/engine.md §4–§5): CLRP start, relevance to layer L, w_k = mean R_k, M = Σ w_k A_k. */
export function naiveRcam(graph: Graph, input: NT, layer: string, target?: number, opts: NaiveLrpOptions = {}): { map: Float64Array; h: number; w: number; target: number } {
  const { r, a, target: t } = naiveLrp(graph, input, layer, target, opts);
  const wk = new Float64Array(a.c);
  for (let i = 0; i < r.d.length; i++) wk[i % a.c] += r.d[i] / (a.h * a.w);
  const map = new Float64Array(a.h * a.w);
  for (let p = 0; p < a.h * a.w; p++) for (let c = 0; c < a.c; c++) map[p] += wk[c] * a.d[p * a.c + c];
  return { map, h: a.h, w: a.w, target: t };
}

/** CLRP's map: the relevance at `layer` (the graph input for the pixel map) summed over channels. */
export function naiveClrp(graph: Graph, input: NT, layer: string, target?: number, opts: NaiveLrpOptions = {}): { map: Float64Array; h: number; w: number; target: number } {
  const { r, a, target: t } = naiveLrp(graph, input, layer, target, opts);
  const map = new Float64Array(a.h * a.w);
  for (let i = 0; i < r.d.length; i++) map[Math.floor(i / a.c)] += r.d[i];
  return { map, h: a.h, w: a.w, target: t };
}

export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] / n;
    mb += b[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
