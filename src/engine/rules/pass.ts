// Identity rule: BatchNorm (docs/engine.md §3.3: not folded, relevance unchanged), ReLU, LeakyReLU,
// Dropout, Identity (§3.4): R_in = R.
import type { GraphNode } from '../ir.ts';
import { NEEDS_NOTHING, type Rule, type RuleContext } from './rule.ts';

export const passRule: Rule = {
  name: 'pass',
  needs: (_node: GraphNode) => NEEDS_NOTHING,
  propagate<T>(_ctx: RuleContext<T>, r: T): (T | null)[] {
    return [r];
  },
};
