// LayerNorm over the channels of each position (ConvNeXt) and GroupNorm (channels in G
// contiguous groups, each normalised over H, W and its C/G channels): the forward and the
// input gradient, written once against the op interface. Relevance passes both unchanged
// (docs/engine.md §13, as BatchNorm §3.3), so no LRP rule lives here.
import type { Graph, GroupNormNode, LayerNormNode } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';
import { scalar } from './activations.ts';
import { param } from './params.ts';

type NormNode = LayerNormNode | GroupNormNode;

/** the view the statistics are taken over, and its reduced axes */
function grouped<T>(ops: TensorOps<T>, node: NormNode, x: T): { view: T; axes: number[]; back: number[] } {
  const shape = ops.shape(x);
  if (node.op === 'layernorm') return { view: x, axes: [shape.length - 1], back: shape };
  const [, h, w, c] = shape;
  const g = node.groups;
  return { view: ops.reshape(x, [-1, h * w, g, c / g]), axes: [1, 3], back: [-1, h, w, c] };
}

/** x̂ = (x − μ) / σ in the grouped view, and σ = √(var + ε) */
function standardise<T>(ops: TensorOps<T>, node: NormNode, view: T, axes: number[]): { xhat: T; sigma: T } {
  const mu = ops.mean(view, axes, true);
  const d = ops.sub(view, mu);
  const d2 = ops.mul(d, d);
  const v = ops.mean(d2, axes, true);
  const ve = ops.add(v, scalar(ops, node.epsilon));
  const sigma = ops.sqrt(ve);
  const xhat = ops.div(d, sigma);
  for (const t of [mu, d, d2, v, ve]) ops.release(t);
  return { xhat, sigma };
}

export function normForward<T>(ops: TensorOps<T>, graph: Graph, node: NormNode, x: T): T {
  const { view, axes, back } = grouped(ops, node, x);
  const { xhat, sigma } = standardise(ops, node, view, axes);
  ops.release(sigma);
  if (view !== x) ops.release(view);
  let y = view !== x ? ops.reshape(xhat, back) : xhat;
  if (y !== xhat) ops.release(xhat);
  if (node.gamma) {
    const s = ops.mul(y, param(ops, graph, node.gamma));
    ops.release(y);
    y = s;
  }
  if (node.beta) {
    const s = ops.add(y, param(ops, graph, node.beta));
    ops.release(y);
    y = s;
  }
  return y;
}

/**
 * ∂/∂x of the normalisation applied to the upstream gradient `g` ([B, …], x has batch 1):
 * with ĝ = g·γ, dx = (ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) / σ, the means over the normalised axes.
 */
export function normGradient<T>(ops: TensorOps<T>, graph: Graph, node: NormNode, x: T, g: T): T {
  const { view, axes, back } = grouped(ops, node, x);
  const { xhat, sigma } = standardise(ops, node, view, axes);
  const gg = node.gamma ? ops.mul(g, param(ops, graph, node.gamma)) : g;
  const gv = node.op === 'groupnorm' ? grouped(ops, node, gg).view : gg;
  const m1 = ops.mean(gv, axes, true);
  const gx = ops.mul(gv, xhat);
  const m2 = ops.mean(gx, axes, true);
  const t = ops.mul(xhat, m2);
  const a = ops.sub(gv, m1);
  const b = ops.sub(a, t);
  const dx = ops.div(b, sigma);
  for (const u of [xhat, sigma, m1, gx, m2, t, a, b]) ops.release(u);
  if (gv !== gg) ops.release(gv);
  if (gg !== g) ops.release(gg);
  if (view !== x) ops.release(view);
  if (node.op === 'layernorm') return dx;
  const out = ops.reshape(dx, back);
  ops.release(dx);
  return out;
}
