// One walk-method CAM request (rcam, clrp, gradcam, gradcampp, layercam) as ops: the composite,
// the forward that keeps what the walk reads, the target rows and their start vectors,
// the backward walk and the map of every requested layer. Both executors run exactly this:
// the TF.js executor eagerly, the onnxruntime executor by compiling it into one graph.
//
// Several layers from one walk (docs/engine.md §8): the walk from the logits down to the
// primary layer passes every deeper layer on its way, and the relevance (or gradient) there
// is complete when the walk reaches the node that wrote it. Tapping it costs one weighted
// sum per extra layer and no convolution.
import { StudioError } from '../../contract/errors.ts';
import type { Graph } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';
import { resolveLayer } from '../layer-names.ts';
import { logitsTensor, runForward } from '../exec/forward.ts';
import { planWalk, runWalk, walkTensors, type WalkPlan } from '../exec/walk.ts';
import { gradientComposite, rcamComposite } from '../rules/composites.ts';
import type { BiasMode } from '../rules/zplus.ts';
import { methodMap } from './maps.ts';
import { startVector, targetOneHot } from './start.ts';
import type { CamRequest, RelevanceInit, WalkMethod } from './methods.ts';

/** Everything that shapes the ops of a walk-method request (a compiled graph's identity). */
export interface WalkCamSpec {
  method: WalkMethod;
  /** the primary layer's tensor: where the walk ends */
  layerTensor: string;
  /** further layers' tensors, each on the walk (in the requested order) */
  deepTensors: readonly string[];
  init: RelevanceInit;
  /** ReLU on the map (R-CAM's option; always true for the gradient methods, false for CLRP) */
  relu: boolean;
  bias: BiasMode;
}

/** whether a method walks relevance (the LRP composite) rather than gradients */
export function isRelevanceMethod(method: WalkMethod): method is 'rcam' | 'clrp' {
  return method === 'rcam' || method === 'clrp';
}

/** a walk method's request with its options filled in (the relevance options only apply to rcam and clrp) */
export function walkSpec(req: CamRequest, layerTensor: string, deepTensors: readonly string[]): WalkCamSpec {
  if (req.method === 'scorecam') throw new Error('walkSpec: scorecam has no walk');
  const lrp = isRelevanceMethod(req.method);
  return {
    method: req.method,
    layerTensor,
    deepTensors,
    init: lrp ? (req.init ?? 'clrp') : 'onehot',
    // R-CAM's option; the gradient maps always clamp, CLRP's relevance never does
    relu: req.method === 'rcam' ? (req.relu ?? false) : !lrp,
    bias: lrp ? (req.bias ?? 'ignore') : 'ignore',
  };
}

/** a stable name of the spec, for plan and compiled-graph caches */
export function walkSpecKey(s: WalkCamSpec): string {
  const deep = s.deepTensors.length ? `|deep=${s.deepTensors.join(',')}` : '';
  return `${s.method}|relu=${s.relu}|bias=${s.bias}|init=${s.init}|${s.layerTensor}${deep}`;
}

/** the walk from the logits down to the primary layer, with the method's composite (rcam and clrp share the LRP one) */
export function planCamWalk(graph: Graph, s: Pick<WalkCamSpec, 'method' | 'layerTensor' | 'bias'>): WalkPlan {
  const composite = isRelevanceMethod(s.method) ? rcamComposite({ bias: s.bias, graph }) : gradientComposite();
  return planWalk(graph, s.layerTensor, logitsTensor(graph).logits, composite);
}

/** the walks of one model, planned on first use (a plan depends on the composite and the layer only) */
export class WalkPlans {
  private readonly plans = new Map<string, WalkPlan>();
  constructor(private readonly graph: Graph) {}

  get(s: Pick<WalkCamSpec, 'method' | 'layerTensor' | 'bias'>): WalkPlan {
    const key = `${isRelevanceMethod(s.method) ? `lrp:${s.bias}` : 'grad'}:${s.layerTensor}`;
    let p = this.plans.get(key);
    if (!p) {
      p = planCamWalk(this.graph, s);
      this.plans.set(key, p);
    }
    return p;
  }
}

/**
 * Resolves CamRequest.deepLayers against the walk to the primary layer: each must be a
 * spatial map strictly between the primary layer and the logits.
 */
export function resolveDeepLayers(graph: Graph, plan: WalkPlan, shapes: Map<string, number[]>, req: CamRequest): string[] {
  const names = req.deepLayers ?? [];
  if (names.length === 0) return [];
  const onWalk = walkTensors(plan);
  return names.map((name) => {
    const t = resolveLayer(graph, name);
    if (!onWalk.has(t)) {
      throw new StudioError('BAD_REQUEST', `deepLayers: layer "${name}" (${t}) is not on the walk from the logits down to "${req.layer}" (${plan.from}); a further layer must lie between the primary layer and the output`);
    }
    const shape = shapes.get(t) as number[];
    if (shape.length !== 3) throw new StudioError('BAD_REQUEST', `deepLayers: layer "${name}" (${t}) is not a spatial feature map (shape ${shape.join('×')})`);
    return t;
  });
}

/** Score-CAM is one layer per request: it has no walk that passes further layers */
export function refuseDeepLayers(req: CamRequest): void {
  if (req.deepLayers?.length) {
    throw new StudioError('BAD_REQUEST', `deepLayers: ${req.method} has no backward walk to take further layers from; request each layer separately`);
  }
}

/** the forward values a walk-method request keeps */
export function camForward<T>(ops: TensorOps<T>, graph: Graph, plan: WalkPlan, s: WalkCamSpec, image: T): Map<string, T> {
  return runForward(ops, graph, image, { keep: [...plan.needed, logitsTensor(graph).logits, s.layerTensor, ...s.deepTensors] });
}

/** the logits of a forward as [N, classes] */
export function flatLogits<T>(ops: TensorOps<T>, graph: Graph, fwd: Map<string, T>, shapes: Map<string, number[]>): { logits: T; classes: number } {
  const name = logitsTensor(graph).logits;
  const y = fwd.get(name) as T;
  const shape = shapes.get(name) as number[];
  const classes = shape.reduce((a, b) => a * b, 1);
  return { logits: shape.length === 1 ? y : ops.reshape(y, [-1, classes]), classes };
}

export interface WalkCamMaps<T> {
  /** [N, 1]: the argmax of the logits (as an exact float) */
  index: T;
  /** [B, h, w] per layer: the primary layer first, then spec.deepTensors in order */
  maps: T[];
}

/**
 * From the kept forward values to the maps. `rows` [B, classes] one-hot rows of the
 * requested classes and `auto` [B, 1] (1 where the row is the argmax instead) say which
 * targets the B rows explain (start.ts targetRows).
 */
export function camMaps<T>(ops: TensorOps<T>, graph: Graph, plan: WalkPlan, shapes: Map<string, number[]>, s: WalkCamSpec, fwd: Map<string, T>, logits: T, classes: number, rows: T, auto: T): WalkCamMaps<T> {
  const { onehot, index } = targetOneHot(ops, logits, classes, rows, auto);
  let start = startVector(ops, s.init, onehot, classes);
  const logitShape = shapes.get(plan.to) as number[];
  if (logitShape.length !== 1) start = ops.reshape(start, [-1, ...logitShape]);

  const deep = new Map<string, T>();
  const taps = new Set(s.deepTensors);
  const mapAt = (tensor: string, r: T) => methodMap(ops, s.method, fwd.get(tensor) as T, r, s.relu);
  const r = runWalk(ops, plan, fwd, shapes, start, {
    tensors: taps,
    onRelevance: (tensor, rt) => deep.set(tensor, mapAt(tensor, rt)),
  });
  const zero = (tensor: string) => {
    // nothing reached the layer (a class no path leads to): a zero map per start row
    const [h, w] = shapes.get(tensor) as number[];
    const rowsZero = ops.sum(ops.mul(onehot, ops.fromArray(Float32Array.of(0), [])), [1], true);
    return ops.mul(ops.reshape(rowsZero, [-1, 1, 1]), ops.fromArray(new Float32Array(h * w), [1, h, w]));
  };
  const primary = r === null ? zero(s.layerTensor) : mapAt(s.layerTensor, r);
  if (r !== null) ops.release(r);
  const maps = [primary, ...s.deepTensors.map((t) => deep.get(t) ?? zero(t))];
  if (start !== onehot) ops.release(start);
  ops.release(onehot);
  return { index, maps };
}
