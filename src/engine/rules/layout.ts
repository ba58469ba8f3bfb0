// Rules for nodes that only move values around (flatten, pad, concat, channel permutations,
// channel slices, reshapes): relevance and gradients follow the values back. Shared by
// every composite.
import type { ConcatNode, GraphNode, PadNode, PermuteNode, SliceNode } from '../ir.ts';
import { NEEDS_NOTHING, type Rule, type RuleContext } from './rule.ts';

export const flattenRule: Rule = {
  name: 'unflatten',
  needs: (_node: GraphNode) => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    return [ctx.ops.reshape(r, [-1, ...ctx.inputShape(0)])];
  },
};

export const padRule: Rule = {
  name: 'crop',
  needs: (_node: GraphNode) => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    return [ctx.ops.crop(r, (ctx.node as PadNode).pads)];
  },
};

export const concatRule: Rule = {
  name: 'split',
  needs: (_node: GraphNode) => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as ConcatNode;
    const out = ctx.outputShape();
    let offset = 0;
    return node.inputs.map((_, i) => {
      const shape = ctx.inputShape(i);
      const ax = node.axis - 1; // per-sample axis
      const begin = [0, ...out.map((_d, j) => (j === ax ? offset : 0))];
      const size = [-1, ...shape];
      offset += shape[ax];
      return ctx.wanted[i] ? ctx.ops.slice(r, begin, size) : null;
    });
  },
};

/** a channel permutation y[…, k] = x[…, order[k]]: R_x[…, order[k]] = R[…, k] */
export const unpermuteRule: Rule = {
  name: 'unpermute',
  needs: (_node: GraphNode) => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { order } = ctx.node as PermuteNode;
    const inverse = new Array<number>(order.length);
    order.forEach((src, k) => (inverse[src] = k));
    return [ctx.ops.gather(r, inverse, ctx.outputShape().length)];
  },
};

/** a channel slice: relevance back in place, zeros for the channels it dropped */
export const unsliceRule: Rule = {
  name: 'unslice',
  needs: (_node: GraphNode) => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as SliceNode;
    const inShape = ctx.inputShape(0);
    const c = inShape[inShape.length - 1];
    return [ctx.ops.padAxis(r, inShape.length, node.begin, c - node.begin - node.size)];
  },
};

/** a value-order-keeping reshape: back to the input's shape */
export const unreshapeRule: Rule = {
  name: 'unreshape',
  needs: (_node: GraphNode) => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    return [ctx.ops.reshape(r, [-1, ...ctx.inputShape(0)])];
  },
};
