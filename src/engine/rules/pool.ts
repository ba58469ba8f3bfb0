// Pooling rules.
import type { GraphNode, PoolNode } from '../ir.ts';
import { releaseAll, type Rule, type RuleContext } from './rule.ts';

/**
 * Global average pool (docs/engine.md §3.5): channel k's relevance is spread over its positions in
 * proportion to the clamped activation, R_in[k,h,w] = x⁺[k,h,w] · (R[k] ⊘ Σ_hw x⁺[k])
 * (0 for a channel that is all ≤ 0). Conserves relevance on channels with some x > 0.
 */
export const gapProportionalRule: Rule = {
  name: 'gap-proportional',
  needs: (_node: GraphNode) => ({ inputs: [0], output: false }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const c = ctx.inputShape(0)[2];
    const x = ctx.input(0);
    const xp = ctx.nonNegative(ctx.node.inputs[0]) ? x : ops.relu(x);
    const z = ops.sum(xp, [1, 2], true);
    const r4 = ops.reshape(r, [-1, 1, 1, c]);
    const s = ops.safeDiv(r4, z);
    const out = ops.mul(xp, s);
    releaseAll(ops, z, r4, s);
    if (xp !== x) ops.release(xp);
    return [out];
  },
};

/**
 * Average pool (a local version of §3.5, i.e. z⁺ with the pool's positive uniform weights):
 * R_in = x⁺ ⊙ avgpoolᵀ(R ⊘ avgpool(x⁺)).
 */
export const avgPoolProportionalRule: Rule = {
  name: 'avgpool-proportional',
  needs: (_node: GraphNode) => ({ inputs: [0], output: false }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const node = ctx.node as PoolNode;
    const [h, w] = ctx.inputShape(0);
    const x = ctx.input(0);
    const xp = ctx.nonNegative(node.inputs[0]) ? x : ops.relu(x);
    const cip = node.countIncludePad ?? true;
    const z = ops.avgPool(xp, node, cip);
    const s = ops.safeDiv(r, z);
    const g = ops.avgPoolTranspose(s, node, cip, [h, w]);
    const out = ops.mul(xp, g);
    releaseAll(ops, z, s, g);
    if (xp !== x) ops.release(xp);
    return [out];
  },
};

/**
 * Max pool (docs/engine.md §3.6): winner-take-all, R_in = x ⊙ maxpoolᵀ(R ⊘ z) with z the pooled
 * output; overlapping windows add up; outputs with z = 0 pass nothing.
 */
export const maxPoolWinnerRule: Rule = {
  name: 'maxpool-wta',
  needs: (_node: GraphNode) => ({ inputs: [0], output: true }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const node = ctx.node as PoolNode;
    const x = ctx.input(0);
    const y = ctx.output();
    const s = ops.safeDiv(r, y);
    const g = ops.maxPoolTranspose(x, y, s, node);
    const out = ops.mul(x, g);
    releaseAll(ops, s, g);
    return [out];
  },
};

