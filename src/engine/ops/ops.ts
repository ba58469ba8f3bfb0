// The small tensor-op interface every executor implements and every rule, canonizer-free
// forward and CAM method is written against. `T` is the executor's tensor handle: an eager
// tf.Tensor for the TF.js executor, a symbolic value name for a graph compiler (an ONNX
// emitter builds nodes instead of computing). Rules therefore never call tf directly and
// never read values back; only an executor's driver turns results into typed arrays.
//
// Layout: activations NHWC, conv weights [kh, kw, in, out], dense weights [in, out].
import type { Pads } from '../ir.ts';

export interface ConvGeometry {
  strides: [number, number];
  /** explicit [top, left, bottom, right]; PyTorch's symmetric padding is [p, p, p, p] */
  pads: Pads;
  dilations: [number, number];
  /** grouped convolution (weight [kh, kw, in / groups, out]); absent = 1 */
  groups?: number;
}

export interface PoolGeometry {
  kernel: [number, number];
  strides: [number, number];
  pads: Pads;
}

export interface TensorOps<T> {
  /** executor name for reports, e.g. `tfjs-wasm` */
  readonly name: string;

  // ── constants ────────────────────────────────────────────────────────────────────
  /** a tensor from host data (start vectors, folded BN constants) */
  fromArray(data: Float32Array, shape: number[]): T;
  /**
   * A per-model constant, built once by `make` and cached under `key` for the lifetime
   * of this ops instance (e.g. W⁺ of every conv, built once per model, docs/engine.md §10).
   */
  constant(key: string, make: () => T): T;
  /** static shape of a tensor (a compiler tracks it symbolically) */
  shape(x: T): number[];

  // ── elementwise (numpy broadcasting) ─────────────────────────────────────────────
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** a ⊘ b: a/b where b ≠ 0 and exactly 0 where b == 0 (safe division, docs/engine.md §1) */
  safeDiv(a: T, b: T): T;
  /** max(x, 0) = x⁺ */
  relu(x: T): T;
  /** min(x, 0) = x⁻ */
  negPart(x: T): T;
  /** 1 where x > 0, else 0 (the ReLU derivative) */
  step(x: T): T;
  sigmoid(x: T): T;
  /** plain a / b (callers guarantee b ≠ 0, e.g. a normalisation's √(σ² + ε)) */
  div(a: T, b: T): T;
  exp(x: T): T;
  tanh(x: T): T;
  erf(x: T): T;
  /** log(1 + eˣ) */
  softplus(x: T): T;
  sqrt(x: T): T;
  /** min(max(x, lo), hi) */
  clip(x: T, lo: number, hi: number): T;
  /** softmax over the last axis */
  softmax(x: T): T;

  // ── reductions ───────────────────────────────────────────────────────────────────
  sum(x: T, axes: number[], keepDims: boolean): T;
  mean(x: T, axes: number[], keepDims: boolean): T;
  max(x: T, axes: number[], keepDims: boolean): T;
  min(x: T, axes: number[], keepDims: boolean): T;

  // ── linear maps and their transposes ─────────────────────────────────────────────
  conv2d(x: T, w: T, g: ConvGeometry): T;
  /**
   * The transpose of `conv2d(·, w, g)` applied to `dy` (= its input gradient): output
   * [N, inH, inW, inC], same stride, padding and dilation as the forward conv.
   */
  conv2dTranspose(dy: T, w: T, g: ConvGeometry, inHW: [number, number]): T;
  /** a [N, K] · b [K, M], or a · bᵀ when transposeB */
  matmul(a: T, b: T, transposeB: boolean): T;

  // ── pooling and its transposes ───────────────────────────────────────────────────
  /** max-pool with −∞ padding */
  maxPool(x: T, g: PoolGeometry): T;
  /**
   * Routes `dy` to the winning input of each window (winner-take-all, the max-pool
   * gradient): `x` the pool input, `y` its output; overlapping windows add up.
   */
  maxPoolTranspose(x: T, y: T, dy: T, g: PoolGeometry): T;
  avgPool(x: T, g: PoolGeometry, countIncludePad: boolean): T;
  /** the transpose of `avgPool` (= its input gradient) */
  avgPoolTranspose(dy: T, g: PoolGeometry, countIncludePad: boolean, inHW: [number, number]): T;
  /** bilinear resize, half-pixel centres, no antialias (cv2 INTER_LINEAR, docs/engine.md §6) */
  resizeBilinear(x: T, size: [number, number]): T;

  // ── layout ───────────────────────────────────────────────────────────────────────
  reshape(x: T, shape: number[]): T;
  /** pad H and W of an NHWC tensor by [top, left, bottom, right] with `value` */
  pad(x: T, pads: Pads, value: number): T;
  /** the inverse of `pad`: drop [top, left, bottom, right] rows / columns */
  crop(x: T, pads: Pads): T;
  concat(xs: T[], axis: number): T;
  slice(x: T, begin: number[], size: number[]): T;
  /** entries `indices` of `axis`, in that order (a channel permutation) */
  gather(x: T, indices: number[], axis: number): T;
  /** zeros before and after along one axis (the inverse of a slice) */
  padAxis(x: T, axis: number, before: number, after: number): T;

  // ── lifetime ─────────────────────────────────────────────────────────────────────
  /** the value is no longer needed (eager executors free it; compilers ignore this) */
  release(x: T): void;
}
