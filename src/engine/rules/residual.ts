// Residual addition out = main + short (docs/engine.md §3.7): the signed z-rule without ε.
//   s = R ⊘ (main + short),  R_main = main ⊙ s,  R_short = short ⊙ s
// Fractions are signed and unbounded; they sum to 1 wherever main + short ≠ 0. The sum is
// the add node's own forward output, so it is read, not recomputed. Works for n inputs.
import type { GraphNode } from '../ir.ts';
import type { Rule, RuleContext } from './rule.ts';

export const residualSplitRule: Rule = {
  name: 'signed-split',
  needs: (node: GraphNode) => ({ inputs: node.inputs.map((_, i) => i), output: true }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const s = ops.safeDiv(r, ctx.output());
    const out = ctx.node.inputs.map((_, i) => (ctx.wanted[i] ? ops.mul(ctx.input(i), s) : null));
    ops.release(s);
    return out;
  },
};
