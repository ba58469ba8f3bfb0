// Naive float64 references of the gradient CAMs and Score-CAM (docs/engine.md §7.1–§7.4), for any
// IR graph: ∂y_t/∂A by central differences of the naive forward, the maps from it in
// plain loops, and Score-CAM as the per-channel loop the spec describes.
import type { Graph } from '../../../../src/engine/ir.ts';
import { resizeBilinear } from '../../../../src/masks/resize.ts';
import { forwardNode, naiveForward, nt, type NT } from './reference.ts';

/** the graph output with tensor `layer` replaced by `value`, recomputing only what depends on it */
function outputWith(graph: Graph, env: Map<string, NT>, below: Set<string>, layer: string, value: NT): NT {
  const local = new Map<string, NT>([[layer, value]]);
  const get = (t: string) => local.get(t) ?? (env.get(t) as NT);
  for (const n of graph.nodes) if (below.has(n.output) && n.output !== layer) local.set(n.output, forwardNode(graph, n, n.inputs.map(get)));
  return get(graph.output);
}

/** ∂y_t/∂A at tensor `layer` by central differences (the logits are `graph.output`) */
export function fdLayerGradient(graph: Graph, env: Map<string, NT>, layer: string, t: number, eps = 1e-5): Float64Array {
  const A = env.get(layer)!;
  const below = new Set([layer]);
  for (const n of graph.nodes) if (n.inputs.some((i) => below.has(i))) below.add(n.output);
  const g = new Float64Array(A.d.length);
  for (let i = 0; i < A.d.length; i++) {
    const plus: NT = { ...A, d: A.d.slice() };
    const minus: NT = { ...A, d: A.d.slice() };
    plus.d[i] += eps;
    minus.d[i] -= eps;
    g[i] = (outputWith(graph, env, below, layer, plus).d[t] - outputWith(graph, env, below, layer, minus).d[t]) / (2 * eps);
  }
  return g;
}

const relu = (v: number) => Math.max(v, 0);

/** Grad-CAM (HEAD), Grad-CAM++ with safe division, Layer-CAM from the gradient g at A */
export function gradientMap(method: 'gradcam' | 'gradcampp' | 'layercam', A: NT, g: Float64Array): Float64Array {
  const hw = A.h * A.w;
  const w = new Float64Array(A.c);
  if (method === 'gradcam') for (let i = 0; i < g.length; i++) w[i % A.c] += g[i] / hw;
  if (method === 'gradcampp') {
    const s = new Float64Array(A.c);
    for (let i = 0; i < g.length; i++) s[i % A.c] += A.d[i] * g[i] ** 3;
    for (let i = 0; i < g.length; i++) {
      const den = 2 * g[i] ** 2 + s[i % A.c];
      w[i % A.c] += (den === 0 ? 0 : g[i] ** 2 / den) * relu(g[i]);
    }
  }
  const m = new Float64Array(hw);
  for (let p = 0; p < hw; p++)
    for (let c = 0; c < A.c; c++) m[p] += method === 'layercam' ? relu(g[p * A.c + c]) * A.d[p * A.c + c] : w[c] * A.d[p * A.c + c];
  return m.map(relu);
}

/** Score-CAM (docs/engine.md §7.4): softmax scores of the input masked by each upsampled, min-maxed channel; raw map at feature size */
export function naiveScoreCam(graph: Graph, input: Float32Array, size: [number, number], A: NT, t: number): Float64Array {
  const [H, W] = size;
  const hw = A.h * A.w;
  const ref = new Float64Array(hw);
  for (let k = 0; k < A.c; k++) {
    const ak = Float32Array.from({ length: hw }, (_, p) => A.d[p * A.c + k]);
    const u = resizeBilinear(ak, A.w, A.h, W, H);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of u) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    if (!(hi > lo)) continue;
    const ch = input.length / (H * W);
    const x = nt(H, W, ch, false, Float64Array.from(input, (v, i) => v * ((u[Math.floor(i / ch)] - lo) / (hi - lo))));
    const y = naiveForward(graph, x).get(graph.output)!.d;
    const mx = Math.max(...y);
    const e = y.map((v) => Math.exp(v - mx));
    const s = e[t] / e.reduce((a, b) => a + b, 0);
    for (let p = 0; p < hw; p++) ref[p] += s * ak[p];
  }
  return ref;
}
