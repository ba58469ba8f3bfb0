// Rules of the elementwise nodes beyond ReLU (docs/engine.md §13): activations, multiplicative gates,
// constant scale/shift and the LayerNorm / GroupNorm normalisations. For relevance they
// all pass R on (a gate gives all of it to its signal); for gradients each applies its
// derivative.
import type { AffineNode, ElementwiseNode, GroupNormNode, LayerNormNode } from '../ir.ts';
import { activationDerivative } from '../exec/activations.ts';
import { normGradient } from '../exec/norms.ts';
import { param } from '../exec/params.ts';
import { NEEDS_NOTHING, type Rule, type RuleContext } from './rule.ts';

/**
 * Gate rule for y = x ⊙ g (squeeze-excitation, x·σ(x) written as a Mul), "signal takes
 * all" (Arras et al. 2017): R_x = R, R_g = 0. Input 0 is the signal.
 */
export const gateRule: Rule = {
  name: 'gate-signal-takes-all',
  needs: () => NEEDS_NOTHING,
  propagate<T>(_ctx: RuleContext<T>, r: T): (T | null)[] {
    return [r, null];
  },
};

/** product rule: ∂y/∂x = g, ∂y/∂g = x summed over the axes g broadcasts along */
export const gateGradient: Rule = {
  name: 'grad-mul',
  needs: (node) => ({ inputs: node.inputs.map((_, i) => i), output: false }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const { ops } = ctx;
    const out: (T | null)[] = [null, null];
    if (ctx.wanted[0]) out[0] = ops.mul(r, ctx.input(1));
    if (ctx.wanted[1]) {
      const full = ops.mul(r, ctx.input(0));
      const gs = ctx.inputShape(1);
      const os = ctx.outputShape();
      const axes = gs.map((d, i) => (d === 1 && os[i] !== 1 ? i + 1 : -1)).filter((a) => a >= 0);
      if (axes.length === 0) out[1] = full;
      else {
        out[1] = ops.sum(full, axes, true);
        ops.release(full);
      }
    }
    return out;
  },
};

/** f′(x) ⊙ r */
export const activationGradient: Rule = {
  name: 'grad-activation',
  needs: () => ({ inputs: [0], output: false }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const d = activationDerivative(ctx.ops, ctx.node as ElementwiseNode, ctx.input(0));
    const out = ctx.ops.mul(r, d);
    ctx.ops.release(d);
    return [out];
  },
};

/** y = x·scale + shift: ∂y/∂x = scale */
export const affineGradient: Rule = {
  name: 'grad-affine',
  needs: () => NEEDS_NOTHING,
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as AffineNode;
    if (!node.scale) return [r];
    return [ctx.ops.mul(r, param(ctx.ops, ctx.graph, node.scale))];
  },
};

export const normGradientRule: Rule = {
  name: 'grad-norm',
  needs: () => ({ inputs: [0], output: false }),
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    return [normGradient(ctx.ops, ctx.graph, ctx.node as LayerNormNode | GroupNormNode, ctx.input(0), r)];
  },
};
