// α1β0 ("z⁺") rule for conv2d and dense (docs/engine.md §3.1, §3.2):
//   z⁺ = conv(x⁺, W⁺) + conv(x⁻, W⁻),  s = R ⊘ z⁺,
//   R_in = x⁺ ⊙ convᵀ(s, W⁺) + x⁻ ⊙ convᵀ(s, W⁻).
// The β term is skipped (β = 0). Where z⁺ = 0 relevance is dropped. Bias: ignored by
// default (Zennit's z⁺; makes a BN-folded export exact for positive BN scales, §3.1);
// `bias: 'official'` adds it to both partial sums as the authors' code does (z⁺ + 2b).
// When the input is ≥ 0 by construction (ReLU outputs: every conv inside a ResNet), the
// x⁻ terms are zero and not computed.
import type { Conv2dNode, DenseNode, GraphNode } from '../ir.ts';
import { negativeWeight, param, positiveWeight } from '../exec/params.ts';
import { releaseAll, type Rule, type RuleContext } from './rule.ts';

export type BiasMode = 'ignore' | 'official';

export class ZPlusRule implements Rule {
  readonly name: string;
  constructor(readonly bias: BiasMode = 'ignore') {
    this.name = `zplus(bias=${bias})`;
  }

  needs(_node: GraphNode) {
    return { inputs: [0], output: false };
  }

  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as Conv2dNode | DenseNode;
    const { ops, graph } = ctx;
    const x = ctx.input(0);
    const isConv = node.op === 'conv2d';
    const inShape = ctx.inputShape(0);
    const flatDense = !isConv && inShape.length !== 1;
    const fwd = (a: T, w: T): T => (isConv ? ops.conv2d(a, w, node as Conv2dNode) : ops.matmul(a, w, false));
    const bwd = (s: T, w: T): T => {
      if (isConv) return ops.conv2dTranspose(s, w, node as Conv2dNode, [inShape[0], inShape[1]]);
      const g = ops.matmul(s, w, true);
      if (!flatDense) return g;
      const out = ops.reshape(g, [-1, ...inShape]);
      ops.release(g);
      return out;
    };
    // a dense layer reading a spatial tensor ([N,1,1,C] from a keepDims pool) sees it flat
    const x2 = flatDense ? ops.reshape(x, [-1, inShape.reduce((a, b) => a * b, 1)]) : x;
    const wp = positiveWeight(ops, graph, node.weight);
    const nonNeg = ctx.nonNegative(node.inputs[0]);
    const xp = nonNeg ? x2 : ops.relu(x2);
    let z = fwd(xp, wp);
    let xn: T | null = null;
    let wn: T | null = null;
    if (!nonNeg) {
      xn = ops.negPart(x2);
      wn = negativeWeight(ops, graph, node.weight);
      const zn = fwd(xn, wn);
      const sum = ops.add(z, zn);
      releaseAll(ops, z, zn);
      z = sum;
    }
    if (this.bias === 'official' && node.bias) {
      const b = param(ops, graph, node.bias);
      const z1 = ops.add(z, b);
      const z2 = ops.add(z1, b);
      releaseAll(ops, z, z1);
      z = z2;
    }
    const s = ops.safeDiv(r, z);
    ops.release(z);
    const xpFull = flatDense ? ops.reshape(xp, [-1, ...inShape]) : xp;
    const gp = bwd(s, wp);
    let out = ops.mul(xpFull, gp);
    ops.release(gp);
    if (xn !== null && wn !== null) {
      const xnFull = flatDense ? ops.reshape(xn, [-1, ...inShape]) : xn;
      const gn = bwd(s, wn);
      const rn = ops.mul(xnFull, gn);
      const sum = ops.add(out, rn);
      releaseAll(ops, gn, rn, out, xn);
      if (xnFull !== xn) ops.release(xnFull);
      out = sum;
    }
    ops.release(s);
    if (xpFull !== xp) ops.release(xpFull);
    if (xp !== x2) ops.release(xp);
    if (x2 !== x) ops.release(x2);
    return [out];
  }
}
