// Gradient rules: the chain rule of every node type, as an explicit backward walk (no
// autograd), so Grad-CAM / Grad-CAM++ / Layer-CAM (docs/engine.md §7.1–§7.3) run on every
// executor. `r` is ∂y/∂(node output); each rule returns ∂y/∂(input).
import type { BatchNormNode, Conv2dNode, DenseNode, PoolNode } from '../ir.ts';
import { batchNormAffine, ones, param } from '../exec/params.ts';
import { NEEDS_NOTHING, releaseAll, type Rule, type RuleContext } from './rule.ts';

export const convGradient: Rule = {
  name: 'grad-conv',
  needs: () => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as Conv2dNode;
    const [h, w] = ctx.inputShape(0);
    return [ctx.ops.conv2dTranspose(r, param(ctx.ops, ctx.graph, node.weight), node, [h, w])];
  },
};

export const denseGradient: Rule = {
  name: 'grad-dense',
  needs: () => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as DenseNode;
    const g = ctx.ops.matmul(r, param(ctx.ops, ctx.graph, node.weight), true);
    const shape = ctx.inputShape(0);
    if (shape.length === 1) return [g];
    const out = ctx.ops.reshape(g, [-1, ...shape]);
    ctx.ops.release(g);
    return [out];
  },
};

export const batchNormGradient: Rule = {
  name: 'grad-batchnorm',
  needs: () => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { scale } = batchNormAffine(ctx.ops, ctx.graph, ctx.node as BatchNormNode);
    return [ctx.ops.mul(r, scale)];
  },
};

export const reluGradient: Rule = {
  name: 'grad-relu',
  // the output is > 0 exactly where the input is, and it is usually kept anyway
  needs: () => ({ inputs: [], output: true }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const m = ctx.ops.step(ctx.output());
    const out = ctx.ops.mul(r, m);
    ctx.ops.release(m);
    return [out];
  },
};

export const sigmoidGradient: Rule = {
  name: 'grad-sigmoid',
  needs: () => ({ inputs: [], output: true }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const y = ctx.output();
    const yy = ops.mul(y, y);
    const d = ops.sub(y, yy);
    const out = ops.mul(r, d);
    releaseAll(ops, yy, d);
    return [out];
  },
};

export const softmaxGradient: Rule = {
  name: 'grad-softmax',
  needs: () => ({ inputs: [], output: true }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const y = ctx.output();
    const gy = ops.mul(r, y);
    const s = ops.sum(gy, [-1], true);
    const d = ops.sub(r, s);
    const out = ops.mul(y, d);
    releaseAll(ops, gy, s, d);
    return [out];
  },
};

export const addGradient: Rule = {
  name: 'grad-add',
  needs: () => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    // the same handle to every input: the walker reference-counts handles
    return ctx.node.inputs.map((_, i) => (ctx.wanted[i] ? r : null));
  },
};

export const globalAvgPoolGradient: Rule = {
  name: 'grad-gap',
  needs: () => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const [h, w, c] = ctx.inputShape(0);
    const r4 = ops.reshape(r, [-1, 1, 1, c]);
    const k = ops.fromArray(new Float32Array([1 / (h * w)]), []);
    const scaled = ops.mul(r4, k);
    const out = ops.mul(scaled, ones(ops, [1, h, w, c]));
    releaseAll(ops, r4, k, scaled);
    return [out];
  },
};

export const maxPoolGradient: Rule = {
  name: 'grad-maxpool',
  needs: () => ({ inputs: [0], output: true }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    return [ctx.ops.maxPoolTranspose(ctx.input(0), ctx.output(), r, ctx.node as PoolNode)];
  },
};

export const avgPoolGradient: Rule = {
  name: 'grad-avgpool',
  needs: () => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as PoolNode;
    const [h, w] = ctx.inputShape(0);
    return [ctx.ops.avgPoolTranspose(r, node, node.countIncludePad ?? true, [h, w])];
  },
};

