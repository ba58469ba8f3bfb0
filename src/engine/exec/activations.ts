// The elementwise activations of the IR's `activation` node (ir.ts lists them): each one's
// forward and its derivative f′(x), written once against the op interface, so both
// executors compute the same function and the gradient methods (Grad-CAM family) the same
// chain rule. Relevance passes these nodes unchanged (docs/engine.md §13), so no LRP rule lives here.
import type { ElementwiseNode } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';

/** a per-model scalar constant, shared by every use */
export function scalar<T>(ops: TensorOps<T>, v: number): T {
  return ops.constant(`scalar:${v}`, () => ops.fromArray(Float32Array.of(v), []));
}

/** torch's HardSigmoid / HardSwish coefficients (x/6 + 1/2) */
export const HARD_ALPHA = 1 / 6;
export const HARD_BETA = 0.5;
const SQRT1_2 = Math.SQRT1_2;
const GELU_TANH_C = Math.sqrt(2 / Math.PI);
const GELU_TANH_K = 0.044715;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** the releases of temporaries, in order; returns the last value */
class Scope<T> {
  private readonly temps: T[] = [];
  constructor(readonly ops: TensorOps<T>) {}
  t(x: T): T {
    this.temps.push(x);
    return x;
  }
  done(result: T): T {
    for (const x of this.temps) if (x !== result) this.ops.release(x);
    return result;
  }
}

function hardSigmoid<T>(s: Scope<T>, x: T, alpha: number, beta: number): T {
  const { ops } = s;
  return s.t(ops.clip(s.t(ops.add(s.t(ops.mul(x, scalar(ops, alpha))), scalar(ops, beta))), 0, 1));
}

/** [lo < v < hi] as 0/1 */
function inside<T>(s: Scope<T>, v: T, lo: number, hi: number): T {
  const { ops } = s;
  const a = Number.isFinite(lo) ? s.t(ops.step(s.t(ops.sub(v, scalar(ops, lo))))) : null;
  const b = Number.isFinite(hi) ? s.t(ops.step(s.t(ops.sub(scalar(ops, hi), v)))) : null;
  if (a && b) return s.t(ops.mul(a, b));
  return a ?? b ?? s.t(ops.add(s.t(ops.mul(v, scalar(ops, 0))), scalar(ops, 1)));
}

export function activationForward<T>(ops: TensorOps<T>, node: ElementwiseNode, x: T): T {
  const s = new Scope(ops);
  const c = (v: number) => scalar(ops, v);
  switch (node.fn) {
    case 'clip':
      return ops.clip(x, node.alpha ?? -Infinity, node.beta ?? Infinity);
    case 'leakyrelu':
      return s.done(ops.add(s.t(ops.relu(x)), s.t(ops.mul(s.t(ops.negPart(x)), c(node.alpha ?? 0.01)))));
    case 'elu': {
      // x > 0: x; else α(eˣ − 1), and exp(min(x, 0)) − 1 is 0 where x > 0
      const em1 = s.t(ops.sub(s.t(ops.exp(s.t(ops.negPart(x)))), c(1)));
      return s.done(ops.add(s.t(ops.relu(x)), s.t(ops.mul(em1, c(node.alpha ?? 1)))));
    }
    case 'hardsigmoid':
      return s.done(hardSigmoid(s, x, node.alpha ?? 0.2, node.beta ?? 0.5));
    case 'hardswish':
      return s.done(ops.mul(x, hardSigmoid(s, x, node.alpha ?? HARD_ALPHA, node.beta ?? HARD_BETA)));
    case 'silu':
      return s.done(ops.mul(x, s.t(ops.sigmoid(x))));
    case 'gelu': {
      const phi = s.t(ops.mul(s.t(ops.add(s.t(ops.erf(s.t(ops.mul(x, c(SQRT1_2))))), c(1))), c(0.5)));
      return s.done(ops.mul(x, phi));
    }
    case 'gelu-tanh': {
      const t = s.t(ops.tanh(geluTanhArg(s, x)));
      return s.done(ops.mul(s.t(ops.mul(x, c(0.5))), s.t(ops.add(t, c(1)))));
    }
    case 'mish':
      return s.done(ops.mul(x, s.t(ops.tanh(s.t(ops.softplus(x))))));
    case 'tanh':
      return ops.tanh(x);
    case 'softplus':
      return ops.softplus(x);
    case 'erf':
      return ops.erf(x);
  }
}

/** √(2/π)·(x + 0.044715·x³) */
function geluTanhArg<T>(s: Scope<T>, x: T): T {
  const { ops } = s;
  const x3 = s.t(ops.mul(s.t(ops.mul(x, x)), x));
  return s.t(ops.mul(s.t(ops.add(x, s.t(ops.mul(x3, scalar(ops, GELU_TANH_K))))), scalar(ops, GELU_TANH_C)));
}

/** f′(x), elementwise (the chain rule's factor for the gradient methods) */
export function activationDerivative<T>(ops: TensorOps<T>, node: ElementwiseNode, x: T): T {
  const s = new Scope(ops);
  const c = (v: number) => scalar(ops, v);
  switch (node.fn) {
    case 'clip':
      return s.done(inside(s, x, node.alpha ?? -Infinity, node.beta ?? Infinity));
    case 'leakyrelu': {
      const a = node.alpha ?? 0.01;
      return s.done(ops.add(s.t(ops.mul(s.t(ops.step(x)), c(1 - a))), c(a)));
    }
    case 'elu': {
      const pos = s.t(ops.step(x));
      const neg = s.t(ops.sub(c(1), pos));
      const e = s.t(ops.mul(s.t(ops.exp(s.t(ops.negPart(x)))), c(node.alpha ?? 1)));
      return s.done(ops.add(pos, s.t(ops.mul(neg, e))));
    }
    case 'hardsigmoid': {
      const a = node.alpha ?? 0.2;
      const v = s.t(ops.add(s.t(ops.mul(x, c(a))), c(node.beta ?? 0.5)));
      return s.done(ops.mul(inside(s, v, 0, 1), c(a)));
    }
    case 'hardswish': {
      const a = node.alpha ?? HARD_ALPHA;
      const b = node.beta ?? HARD_BETA;
      const v = s.t(ops.add(s.t(ops.mul(x, c(a))), c(b)));
      const hs = s.t(ops.clip(v, 0, 1));
      return s.done(ops.add(hs, s.t(ops.mul(s.t(ops.mul(x, inside(s, v, 0, 1))), c(a)))));
    }
    case 'silu': {
      const sg = s.t(ops.sigmoid(x));
      const one = s.t(ops.add(s.t(ops.mul(x, s.t(ops.sub(c(1), sg)))), c(1)));
      return s.done(ops.mul(sg, one));
    }
    case 'gelu': {
      const phiCdf = s.t(ops.mul(s.t(ops.add(s.t(ops.erf(s.t(ops.mul(x, c(SQRT1_2))))), c(1))), c(0.5)));
      const pdf = s.t(ops.mul(s.t(ops.exp(s.t(ops.mul(s.t(ops.mul(x, x)), c(-0.5))))), c(INV_SQRT_2PI)));
      return s.done(ops.add(phiCdf, s.t(ops.mul(x, pdf))));
    }
    case 'gelu-tanh': {
      const t = s.t(ops.tanh(geluTanhArg(s, x)));
      const sech2 = s.t(ops.sub(c(1), s.t(ops.mul(t, t))));
      const du = s.t(ops.mul(s.t(ops.add(s.t(ops.mul(s.t(ops.mul(x, x)), c(3 * GELU_TANH_K))), c(1))), c(GELU_TANH_C)));
      const first = s.t(ops.mul(s.t(ops.add(t, c(1))), c(0.5)));
      const second = s.t(ops.mul(s.t(ops.mul(s.t(ops.mul(x, c(0.5))), sech2)), du));
      return s.done(ops.add(first, second));
    }
    case 'mish': {
      const t = s.t(ops.tanh(s.t(ops.softplus(x))));
      const sech2 = s.t(ops.sub(c(1), s.t(ops.mul(t, t))));
      return s.done(ops.add(t, s.t(ops.mul(s.t(ops.mul(x, sech2)), s.t(ops.sigmoid(x))))));
    }
    case 'tanh': {
      const t = s.t(ops.tanh(x));
      return s.done(ops.sub(c(1), s.t(ops.mul(t, t))));
    }
    case 'softplus':
      return ops.sigmoid(x);
    case 'erf':
      // 2/√π · exp(−x²)
      return s.done(ops.mul(s.t(ops.exp(s.t(ops.mul(s.t(ops.mul(x, x)), c(-1))))), c(2 / Math.sqrt(Math.PI))));
  }
}

/** whether the activation's output is ≥ 0 for every input (lets z⁺ skip the x⁻ terms) */
export function activationNonNegative(node: ElementwiseNode): boolean {
  if (node.fn === 'clip') return (node.alpha ?? -Infinity) >= 0;
  return node.fn === 'hardsigmoid' || node.fn === 'softplus';
}
