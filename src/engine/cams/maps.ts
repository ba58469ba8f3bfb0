// From the relevance / gradient at a CAM layer to the map, per method (docs/engine.md §5,
// §7); written against the op interface. `a` is the layer's activation [1, h, w, K]; `r`/`g`
// is [B, h, w, K] (one row per target). Every function returns [B, h, w]. `methodMap` is
// the one method → map dispatch both executors use.
import type { TensorOps } from '../ops/ops.ts';
import type { WalkMethod } from './methods.ts';

function weightedSum<T>(ops: TensorOps<T>, w: T, a: T): T {
  const wa = ops.mul(w, a);
  const m = ops.sum(wa, [3], false);
  ops.release(wa);
  return m;
}

function reluIf<T>(ops: TensorOps<T>, m: T, relu: boolean): T {
  if (!relu) return m;
  const out = ops.relu(m);
  ops.release(m);
  return out;
}

/**
 * Relevance-CAM (docs/engine.md §5): w_k = mean_hw R^L_k (sign kept, no normalisation),
 * M = Σ_k w_k A^L_k, no ReLU unless asked (`relu: true`).
 */
export function rcamMap<T>(ops: TensorOps<T>, a: T, r: T, relu: boolean): T {
  const w = ops.mean(r, [1, 2], true);
  const m = weightedSum(ops, w, a);
  ops.release(w);
  return reluIf(ops, m, relu);
}

/**
 * CLRP (docs/engine.md §5.1): the relevance itself rather than a channel-weighted CAM, summed
 * over the channels, M[h, w] = Σ_k R^L[h, w, k]; at the input (`layer: 'input'`) it is the
 * pixel relevance of the authors' walk continued through the stem. Signed, no ReLU.
 */
export function clrpMap<T>(ops: TensorOps<T>, _a: T, r: T): T {
  return ops.sum(r, [3], false);
}

/** Grad-CAM as the authors' current code (docs/engine.md §7.1): w_k = mean_hw g_k, M = ReLU(Σ_k w_k A_k). */
export function gradcamMap<T>(ops: TensorOps<T>, a: T, g: T): T {
  return rcamMap(ops, a, g, true);
}

/**
 * Grad-CAM++ (docs/engine.md §7.2) with safe division: α = g² ⊘ (2g² + Σ_hw A·g³),
 * w_k = Σ_hw α·ReLU(g), M = ReLU(Σ_k w_k A_k).
 */
export function gradcamppMap<T>(ops: TensorOps<T>, a: T, g: T): T {
  const g2 = ops.mul(g, g);
  const g3 = ops.mul(g2, g);
  const ag3 = ops.mul(a, g3);
  const s = ops.sum(ag3, [1, 2], true);
  const twoG2 = ops.add(g2, g2);
  const den = ops.add(twoG2, s);
  const alpha = ops.safeDiv(g2, den);
  const gp = ops.relu(g);
  const ag = ops.mul(alpha, gp);
  const w = ops.sum(ag, [1, 2], true);
  for (const t of [g2, g3, ag3, s, twoG2, den, alpha, gp, ag]) ops.release(t);
  const m = weightedSum(ops, w, a);
  ops.release(w);
  return reluIf(ops, m, true);
}

/** Layer-CAM (docs/engine.md §7.3): M = ReLU(Σ_k ReLU(g_k) ⊙ A_k), elementwise weights. */
export function layercamMap<T>(ops: TensorOps<T>, a: T, g: T): T {
  const gp = ops.relu(g);
  const m = weightedSum(ops, gp, a);
  ops.release(gp);
  return reluIf(ops, m, true);
}

type MapFunction = <T>(ops: TensorOps<T>, a: T, r: T, relu: boolean) => T;

const MAPS: Record<WalkMethod, MapFunction> = {
  rcam: rcamMap,
  clrp: (ops, a, r) => clrpMap(ops, a, r),
  gradcam: (ops, a, g) => gradcamMap(ops, a, g),
  gradcampp: (ops, a, g) => gradcamppMap(ops, a, g),
  layercam: (ops, a, g) => layercamMap(ops, a, g),
};

/** the map of `method` from the activation and the relevance / gradient at one layer; `relu` is R-CAM's option (CLRP's map is never clamped) (the gradient maps always clamp) */
export function methodMap<T>(ops: TensorOps<T>, method: WalkMethod, a: T, r: T, relu: boolean): T {
  return MAPS[method](ops, a, r, relu);
}
