// The TF.js driver of the CAM methods: one forward keeping what the walk needs, one
// batched backward walk for all targets of the image, the map per method, read back as
// Float32Arrays (tensors never leave this file). Per-model constants (W⁺, folded BN,
// flipped kernels) are built on first use and kept until dispose().
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../ir.ts';
import { resolveLayer } from '../layer-names.ts';
import { logitsTensor, runForward } from '../exec/forward.ts';
import type { CamRequest, CamResult } from '../cams/methods.ts';
import { ScoreCamSum, channelBatch, maskedScores, scoreActivation, scoreCamBatches } from '../cams/scorecam.ts';
import { argmaxTarget, chosenTargets, targetRows } from '../cams/start.ts';
import { ShapeCache, checkInput, splitLayerMaps, splitMaps } from '../cams/request.ts';
import { camForward, camMaps, flatLogits, refuseDeepLayers, resolveDeepLayers, walkSpec, WalkPlans } from '../cams/walk-cam.ts';
import { backendName } from './backend.ts';
import { TfjsOps } from './ops.ts';
import { scoped } from './scope.ts';

export class CamModel {
  readonly ops = new TfjsOps();
  private readonly plans: WalkPlans;
  private readonly shapeCache: ShapeCache;
  readonly logitsName: string;
  readonly outputActivation: 'softmax' | 'sigmoid' | 'none';

  constructor(readonly graph: Graph) {
    const l = logitsTensor(graph);
    this.logitsName = l.logits;
    this.outputActivation = l.activation;
    this.shapeCache = new ShapeCache(graph);
    this.plans = new WalkPlans(graph);
  }

  /** per-sample shapes for an input size */
  shapes(hw: [number, number]): Map<string, number[]> {
    return this.shapeCache.get(hw);
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
    const { channels } = checkInput(this.graph, shapes, req.layer, layerTensor, input, hw);
    if (req.method === 'scorecam') {
      refuseDeepLayers(req);
      return this.scoreCam(input, hw, req, layerTensor);
    }
    const spec0 = walkSpec(req, layerTensor, []);
    const plan = this.plans.get(spec0);
    const deepTensors = resolveDeepLayers(this.graph, plan, shapes, req);
    const spec = { ...spec0, deepTensors };
    return scoped(() => {
      const t0 = performance.now();
      const x = tf.tensor4d(input, [1, hw[0], hw[1], channels]);
      const fwd = camForward(this.ops, this.graph, plan, spec, x);
      const { logits: logitsT, classes } = flatLogits(this.ops, this.graph, fwd, shapes);
      const logits = logitsT.dataSync() as Float32Array;
      const t1 = performance.now();
      const rows = targetRows(req.targets, classes);
      const out = camMaps(this.ops, this.graph, plan, shapes, spec, fwd, logitsT, classes, tf.tensor2d(rows.rows, [rows.count, classes]), tf.tensor2d(rows.auto, [rows.count, 1]));
      const targets = chosenTargets(rows, out.index.dataSync());
      const data = out.maps.map((m) => m.dataSync() as Float32Array);
      const t2 = performance.now();
      const deep = (req.deepLayers ?? []).map((layer, i) => ({ layer, layerTensor: deepTensors[i] }));
      return {
        logits: logits.slice(),
        layerTensor,
        ...splitLayerMaps(data, targets, shapes, layerTensor, deep),
        timings: { backend: backendName(), forward_ms: t1 - t0, map_ms: t2 - t1 },
      };
    });
  }

  /** Score-CAM (docs/engine.md §7.4), the masked forwards in channel batches (cams/scorecam.ts) */
  private scoreCam(input: Float32Array, hw: [number, number], req: CamRequest, layerTensor: string): CamResult {
    const activation = scoreActivation(req, this.outputActivation);
    return scoped(() => {
      const t0 = performance.now();
      const channels = this.graph.input.shape[2];
      const x = tf.tensor4d(input, [1, hw[0], hw[1], channels]);
      const fwd = runForward(this.ops, this.graph, x, { keep: [layerTensor, this.logitsName] });
      const { logits: logitsT, classes } = flatLogits(this.ops, this.graph, fwd, this.shapes(hw));
      const logits = logitsT.dataSync() as Float32Array;
      const t1 = performance.now();
      const targets = chosenTargets(targetRows(req.targets, classes), argmaxTarget(this.ops, logitsT, classes).index.dataSync());
      const a4 = fwd.get(layerTensor) as tf.Tensor4D;
      const [, h, w, k] = a4.shape;
      const a = tf.transpose(a4, [0, 3, 1, 2]).dataSync() as Float32Array; // [K, h·w]
      const sum = new ScoreCamSum(a, k, h * w, targets);
      for (const chunk of scoreCamBatches(a, k, h * w, req)) {
        tf.tidy(() => {
          const ch = tf.tensor4d(channelBatch(a, h * w, chunk), [chunk.length, h, w, 1]);
          sum.add(chunk, maskedScores(this.ops, this.graph, x, ch, hw, activation).dataSync(), logits.length);
        });
      }
      const data = sum.maps();
      const t2 = performance.now();
      return {
        logits: logits.slice(),
        layerTensor,
        maps: splitMaps(data, targets, h, w, true),
        deep: [],
        timings: { backend: backendName(), forward_ms: t1 - t0, map_ms: t2 - t1 },
      };
    });
  }

  dispose(): void {
    this.ops.dispose();
  }
}
