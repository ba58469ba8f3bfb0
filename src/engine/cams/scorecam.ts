// Score-CAM (docs/engine.md §7.4) for both executors. The masked forwards are written against
// the op interface (the TF.js executor runs them eagerly, the onnxruntime executor compiles
// them into one graph); the host side chooses the channels, batches them and sums
// Σ_k s_k A_k. Because the resize is linear, the raw map is returned at feature resolution
// and the ReLU is applied after the resize (displayMap(…, reluAfterResize)).
import type { Graph } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';
import { logitsTensor, runForward } from '../exec/forward.ts';
import type { CamRequest, ScoreActivation } from './methods.ts';

/** the scores Score-CAM weighs channels by: the request's, else the model's own output activation, else softmax (the authors' code) */
export function scoreActivation(req: CamRequest, output: 'softmax' | 'sigmoid' | 'none'): ScoreActivation {
  return req.scoreActivation ?? (output === 'none' ? 'softmax' : output);
}

/** scores from logits [N, classes] as ops */
export function activate<T>(ops: TensorOps<T>, y: T, activation: ScoreActivation): T {
  if (activation === 'softmax') return ops.softmax(y);
  if (activation === 'sigmoid') return ops.sigmoid(y);
  return y;
}

/**
 * The masked forwards of one channel batch: `channels` [b, h, w, 1] of the layer activation
 * → U_k = bilinear to the input size (half-pixel) → M_k = minmax(U_k) → the scores of
 * image ⊙ M_k, [b, classes]. `image` is [1, H, W, C] (broadcast over the batch).
 */
export function maskedScores<T>(ops: TensorOps<T>, graph: Graph, image: T, channels: T, hw: [number, number], activation: ScoreActivation): T {
  const u = ops.resizeBilinear(channels, hw);
  const lo = ops.min(u, [1, 2], true);
  const hi = ops.max(u, [1, 2], true);
  const span = ops.sub(hi, lo);
  const shifted = ops.sub(u, lo);
  const m = ops.safeDiv(shifted, span);
  const x = ops.mul(image, m);
  for (const t of [u, lo, hi, span, shifted, m]) ops.release(t);
  const name = logitsTensor(graph).logits;
  const y = runForward(ops, graph, x, { keep: [name] }).get(name) as T;
  ops.release(x);
  const shape = ops.shape(y);
  const flat = shape.length === 2 ? y : ops.reshape(y, [-1, shape.slice(1).reduce((a, b) => a * b, 1)]);
  const s = activate(ops, flat, activation);
  if (flat !== y) ops.release(y);
  if (s !== flat) ops.release(flat);
  return s;
}

/**
 * The channel batches of one image's Score-CAM: `a` the layer activation channel-major
 * [K, h·w]; channels constant over the map are skipped (their upsampled mask is 0/0), the
 * first `scoreChannels` considered, in batches of `scoreBatch`.
 */
export function scoreCamBatches(a: Float32Array, k: number, hw: number, req: CamRequest): number[][] {
  const batch = Math.max(1, req.scoreBatch ?? 16);
  const kUsed = Math.min(k, req.scoreChannels ?? k);
  const ids: number[] = [];
  for (let c = 0; c < kUsed; c++) {
    const ch = a.subarray(c * hw, (c + 1) * hw);
    if (ch.some((v) => v !== ch[0])) ids.push(c);
  }
  const out: number[][] = [];
  for (let i = 0; i < ids.length; i += batch) out.push(ids.slice(i, i + batch));
  return out;
}

/** Accumulates Score-CAM's channel weights s_k per target, then the raw maps Σ_k s_k A_k. */
export class ScoreCamSum {
  private readonly weights: Float32Array;
  constructor(
    private readonly a: Float32Array,
    private readonly k: number,
    private readonly hw: number,
    private readonly targets: readonly number[],
  ) {
    this.weights = new Float32Array(k * targets.length);
  }

  /** the scores [b, classes] of the masked forwards of `chunk` */
  add(chunk: readonly number[], scores: ArrayLike<number>, classes: number): void {
    const B = this.targets.length;
    chunk.forEach((c, j) => this.targets.forEach((t, b) => (this.weights[c * B + b] = scores[j * classes + t])));
  }

  /** [B, h·w], one raw map per target */
  maps(): Float32Array {
    const { a, k, hw, targets, weights } = this;
    const data = new Float32Array(targets.length * hw);
    targets.forEach((_, b) => {
      const m = new Float64Array(hw);
      for (let c = 0; c < k; c++) {
        const w = weights[c * targets.length + b];
        if (w === 0) continue;
        const ch = a.subarray(c * hw, (c + 1) * hw);
        for (let p = 0; p < hw; p++) m[p] += w * ch[p];
      }
      data.set(m, b * hw);
    });
    return data;
  }
}

/** `chunk` channels of a channel-major [K, h·w] activation as [b, h, w, 1] host data */
export function channelBatch(a: Float32Array, hw: number, chunk: readonly number[]): Float32Array {
  const out = new Float32Array(chunk.length * hw);
  chunk.forEach((c, j) => out.set(a.subarray(c * hw, (c + 1) * hw), j * hw));
  return out;
}
