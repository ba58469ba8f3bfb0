// The TF.js driver of the CAM methods: one forward keeping what the walk needs, one
// batched backward walk for all targets of the image, the map per method, read back as
// Float32Arrays (tensors never leave this file). Per-model constants (W⁺, folded BN,
// flipped kernels) are built on first use and kept until dispose().
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../contract/errors.ts';
import type { Graph } from '../ir.ts';
import { resolveLayer } from '../layer-names.ts';
import { concreteShapes } from '../exec/analysis.ts';
import { logitsTensor, runForward } from '../exec/forward.ts';
import { planWalk, runWalk, type WalkPlan } from '../exec/walk.ts';
import { gradientComposite, rcamComposite } from '../rules/composites.ts';
import { gradcamMap, gradcamppMap, layercamMap, rcamMap } from '../cams/maps.ts';
import type { CamMap, CamRequest, CamResult, ScoreActivation } from '../cams/methods.ts';
import { startVectors } from '../cams/start.ts';
import { backendName } from './backend.ts';
import { TfjsOps } from './ops.ts';
import { scoped } from './scope.ts';

export class CamModel {
  readonly ops = new TfjsOps();
  private readonly plans = new Map<string, WalkPlan>();
  private readonly shapeCache = new Map<string, Map<string, number[]>>();
  readonly logitsName: string;
  readonly outputActivation: 'softmax' | 'sigmoid' | 'none';

  constructor(readonly graph: Graph) {
    const l = logitsTensor(graph);
    this.logitsName = l.logits;
    this.outputActivation = l.activation;
  }

  /** per-sample shapes for an input size */
  shapes(hw: [number, number]): Map<string, number[]> {
    const key = hw.join('x');
    let s = this.shapeCache.get(key);
    if (!s) {
      s = concreteShapes(this.graph, hw);
      this.shapeCache.set(key, s);
    }
    return s;
  }

  private plan(req: CamRequest, layerTensor: string): WalkPlan {
    const gradient = req.method !== 'rcam';
    const key = `${gradient ? 'grad' : `rcam:${req.bias ?? 'ignore'}`}:${layerTensor}`;
    let p = this.plans.get(key);
    if (!p) {
      const composite = gradient ? gradientComposite() : rcamComposite({ bias: req.bias });
      p = planWalk(this.graph, layerTensor, this.logitsName, composite);
      this.plans.set(key, p);
    }
    return p;
  }

  /** logits for a batch [N, H, W, C] (row-major NHWC data) */
  predict(input: Float32Array, shape: [number, number, number, number]): Float32Array {
    return tf.tidy(() => {
      const x = tf.tensor4d(input, shape);
      const y = runForward(this.ops, this.graph, x, { keep: [this.logitsName] }).get(this.logitsName) as tf.Tensor;
      return y.dataSync() as Float32Array;
    });
  }

  /** CAMs of one image (`input` NHWC [1, H, W, C], already preprocessed). */
  run(input: Float32Array, hw: [number, number], req: CamRequest): CamResult {
    const layerTensor = resolveLayer(this.graph, req.layer);
    const shapes = this.shapes(hw);
    const aShape = shapes.get(layerTensor) as number[];
    if (aShape.length !== 3) throw new StudioError('BAD_REQUEST', `layer "${req.layer}" (${layerTensor}) is not a spatial feature map (shape ${aShape.join('×')})`);
    const channels = shapes.get(this.graph.input.name)?.[2] ?? 3;
    if (input.length !== hw[0] * hw[1] * channels) {
      throw new StudioError('BAD_REQUEST', `input has ${input.length} values, expected ${hw[0]}×${hw[1]}×${channels}`);
    }
    if (req.method === 'scorecam') return this.scoreCam(input, hw, req, layerTensor);
    const plan = this.plan(req, layerTensor);
    return scoped(() => {
      const t0 = performance.now();
      const x = tf.tensor4d(input, [1, hw[0], hw[1], channels]);
      const fwd = runForward(this.ops, this.graph, x, { keep: [...plan.needed, this.logitsName] });
      const logitsT = fwd.get(this.logitsName) as tf.Tensor;
      const logits = logitsT.dataSync() as Float32Array;
      const t1 = performance.now();
      const targets = this.targets(req, logits);
      const start = tf.tensor2d(startVectors(req.method === 'rcam' ? (req.init ?? 'clrp') : 'onehot', targets, logits.length), [targets.length, logits.length]);
      const r = runWalk(this.ops, plan, fwd, shapes, start) ?? tf.zeros([targets.length, ...aShape]);
      const a = fwd.get(layerTensor) as tf.Tensor;
      const m =
        req.method === 'rcam' ? rcamMap(this.ops, a, r, req.relu ?? false)
        : req.method === 'gradcam' ? gradcamMap(this.ops, a, r)
        : req.method === 'gradcampp' ? gradcamppMap(this.ops, a, r)
        : layercamMap(this.ops, a, r);
      const data = m.dataSync() as Float32Array;
      const t2 = performance.now();
      return {
        logits: logits.slice(),
        layerTensor,
        maps: splitMaps(data, targets, aShape[0], aShape[1], false),
        timings: { backend: backendName(), forward_ms: t1 - t0, map_ms: t2 - t1 },
      };
    });
  }

  private targets(req: CamRequest, logits: Float32Array): number[] {
    const targets = req.targets && req.targets.length > 0 ? req.targets : [argmax(logits)];
    for (const t of targets) {
      if (!Number.isInteger(t) || t < 0 || t >= logits.length) {
        throw new StudioError('BAD_REQUEST', `class ${t} is out of range: the model has ${logits.length} outputs (0…${logits.length - 1})`);
      }
    }
    return targets;
  }

  /**
   * Score-CAM (spec §8.4), batched: U_k = bilinear(A_k → H×W), M_k = minmax(U_k) (constant
   * channels skipped), s_k = act(model(x ⊙ M_k))[t], map = Σ_k s_k U_k. Because the resize
   * is linear, the raw map is returned at feature resolution as Σ_k s_k A_k and the ReLU is
   * applied after the resize (displayMap(…, reluAfterResize)).
   */
  private scoreCam(input: Float32Array, hw: [number, number], req: CamRequest, layerTensor: string): CamResult {
    const activation: ScoreActivation = req.scoreActivation ?? (this.outputActivation === 'none' ? 'softmax' : this.outputActivation);
    const batch = Math.max(1, req.scoreBatch ?? 16);
    return scoped(() => {
      const t0 = performance.now();
      const channels = this.graph.input.shape[2];
      const x = tf.tensor4d(input, [1, hw[0], hw[1], channels]);
      const fwd = runForward(this.ops, this.graph, x, { keep: [layerTensor, this.logitsName] });
      const logits = (fwd.get(this.logitsName) as tf.Tensor).dataSync() as Float32Array;
      const t1 = performance.now();
      const targets = this.targets(req, logits);
      const a = fwd.get(layerTensor) as tf.Tensor4D;
      const [, h, w, k] = a.shape;
      const kUsed = Math.min(k, req.scoreChannels ?? k);
      const u = tf.image.resizeBilinear(a, hw, false, true);
      const lo = tf.min(u, [1, 2], true);
      const hi = tf.max(u, [1, 2], true);
      const live = tf.greater(hi, lo).dataSync();
      const scores = new Float32Array(k * targets.length);
      const ids: number[] = [];
      for (let c = 0; c < kUsed; c++) if (live[c]) ids.push(c);
      const tIdx = tf.tensor1d(targets, 'int32');
      for (let i = 0; i < ids.length; i += batch) {
        const chunk = ids.slice(i, i + batch);
        tf.tidy(() => {
          const sel = tf.tensor1d(chunk, 'int32');
          const uk = tf.transpose(tf.gather(u, sel, 3), [3, 1, 2, 0]); // [b, H, W, 1]
          const lk = tf.reshape(tf.gather(lo, sel, 3), [chunk.length, 1, 1, 1]);
          const hk = tf.reshape(tf.gather(hi, sel, 3), [chunk.length, 1, 1, 1]);
          const mk = tf.div(tf.sub(uk, lk), tf.sub(hk, lk));
          const y = runForward(this.ops, this.graph, tf.mul(x, mk), { keep: [this.logitsName] }).get(this.logitsName) as tf.Tensor2D;
          const p = activation === 'softmax' ? tf.softmax(y) : activation === 'sigmoid' ? tf.sigmoid(y) : y;
          const s = tf.gather(p, tIdx, 1).dataSync();
          chunk.forEach((c, j) => {
            for (let b = 0; b < targets.length; b++) scores[c * targets.length + b] = s[j * targets.length + b];
          });
        });
      }
      // Σ_k s_k A_k for every target: [h·w, K] · [K, B]
      const m = tf.matMul(tf.reshape(a, [h * w, k]), tf.tensor2d(scores, [k, targets.length]));
      const data = tf.transpose(m).dataSync() as Float32Array;
      const t2 = performance.now();
      return {
        logits: logits.slice(),
        layerTensor,
        maps: splitMaps(data, targets, h, w, true),
        timings: { backend: backendName(), forward_ms: t1 - t0, map_ms: t2 - t1 },
      };
    });
  }

  dispose(): void {
    this.ops.dispose();
  }
}

function splitMaps(data: Float32Array, targets: number[], h: number, w: number, reluAfterResize: boolean): CamMap[] {
  return targets.map((target, b) => ({ target, data: data.slice(b * h * w, (b + 1) * h * w), h, w, reluAfterResize }));
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
