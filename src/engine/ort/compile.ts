// The graph compiler: runs the engine's own forward executor, backward walk and map
// functions over the symbolic ONNX ops, producing ONE ONNX model per (model, method, layer,
// input size). Inputs: the image batch and the start vector at the logits; outputs: the raw
// map at feature resolution and the logits. The start vector is linear input data, so one
// compiled graph serves every target class and several targets of one image run as one
// batch (start rows); `auto_start` lets the graph build the argmax target's start vector
// itself, so even "target = argmax" needs a single run.
import type { Graph } from '../ir.ts';
import { concreteShapes } from '../exec/analysis.ts';
import { logitsTensor, runForward } from '../exec/forward.ts';
import { planWalk } from '../exec/walk.ts';
import { runWalk } from '../exec/walk.ts';
import { gradientComposite, rcamComposite } from '../rules/composites.ts';
import type { BiasMode } from '../rules/zplus.ts';
import { gradcamMap, gradcamppMap, layercamMap, rcamMap } from '../cams/maps.ts';
import { buildModelBytes, tensorValueInfo } from '../onnx/build.ts';
import { Emitter, OPSET } from './emitter.ts';
import { OnnxOps, type Sym } from './ops.ts';

export type CompiledMethod = 'rcam' | 'gradcam' | 'gradcampp' | 'layercam';

export interface CamGraphSpec {
  method: CompiledMethod;
  /** the IR tensor of the CAM layer (resolved) */
  layerTensor: string;
  /** model input size [H, W] */
  hw: [number, number];
  /** rcam: ReLU on the map */
  relu?: boolean;
  /** rcam: conv / dense bias in z⁺ */
  bias?: BiasMode;
}

/** Names of the compiled graphs' inputs and outputs. */
export const IO = {
  /** [N, H, W, C] float32, NHWC, preprocessed */
  image: 'image',
  /** [B, classes]: start relevance / gradient per target row */
  start: 'start',
  /** [B, 2]: row b adds a·onehot(argmax logits) + b to its start row ([0, 0] to leave it) */
  auto: 'auto_start',
  /** [B, h, w]: the raw map */
  map: 'map',
  /** [N, classes] */
  logits: 'logits',
  /** scorecam: [b, 1, h, w] channels of the layer activation, one per masked forward */
  channels: 'channels',
  /** forward graph: the layer activation, NCHW [N, K, h, w] */
  activation: 'activation',
} as const;

const PRODUCER = 'relevance-studio-ort';

function imageInput(ops: OnnxOps, graph: Graph, hw: [number, number]): Sym {
  return ops.value(IO.image, [-1, hw[0], hw[1], graph.input.shape[2]], [0, 1, 2, 3]);
}

function logitsOut(ops: OnnxOps, e: Emitter, logits: Sym, classes: number): string {
  const flat = logits.shape.length === 2 ? logits : ops.reshape(logits, [-1, classes]);
  return e.node('Identity', [ops.named(flat, [0, 1])], {}, IO.logits);
}

export interface CompiledGraph {
  bytes: Uint8Array;
  classes: number;
  /** map / activation size at feature resolution */
  featureHW: [number, number];
  channels: number;
}

/** forward + walk + map, one graph (spec §2–§5, §8.2, §8.3, §8.5) */
export function compileCam(graph: Graph, spec: CamGraphSpec): CompiledGraph {
  const e = new Emitter();
  const ops = new OnnxOps(e);
  const shapes = concreteShapes(graph, spec.hw);
  const { logits } = logitsTensor(graph);
  const classes = (shapes.get(logits) as number[]).reduce((a, b) => a * b, 1);
  const [h, w, k] = shapes.get(spec.layerTensor) as number[];
  const gradient = spec.method !== 'rcam';
  const plan = planWalk(graph, spec.layerTensor, logits, gradient ? gradientComposite() : rcamComposite({ bias: spec.bias }));
  const fwd = runForward(ops, graph, imageInput(ops, graph, spec.hw), { keep: [...plan.needed, logits, spec.layerTensor] });
  const logitsName = logitsOut(ops, e, fwd.get(logits) as Sym, classes);

  // start_eff = start + a·onehot(argmax(logits)) + b, per row
  const argmax = e.node('ArgMax', [logitsName], { axis: 1, keepdims: 0 });
  const onehot = e.node('OneHot', [argmax, e.int64([classes]), e.floatSmall([0, 1], [2])], { axis: -1 });
  const a = e.node('Slice', [IO.auto, e.int64([0]), e.int64([1]), e.int64([1])]);
  const b = e.node('Slice', [IO.auto, e.int64([1]), e.int64([2]), e.int64([1])]);
  const eff = e.node('Add', [e.node('Add', [IO.start, e.node('Mul', [onehot, a])]), b]);
  const logitShape = shapes.get(logits) as number[];
  let start = ops.value(eff, [-1, classes], [0, 1]);
  if (logitShape.length !== 1) start = ops.reshape(start, [-1, ...logitShape]);

  const r = runWalk(ops, plan, fwd, shapes, start);
  const act = fwd.get(spec.layerTensor) as Sym;
  let map: Sym;
  if (r === null) {
    // nothing reached the layer: a zero map per start row
    const rows = ops.sum(ops.mul(start, ops.fromArray(new Float32Array([0]), [])), [1], true);
    map = ops.mul(ops.reshape(rows, [-1, 1, 1]), ops.fromArray(new Float32Array(h * w), [1, h, w]));
  } else {
    map =
      spec.method === 'rcam' ? rcamMap(ops, act, r, spec.relu ?? false)
      : spec.method === 'gradcam' ? gradcamMap(ops, act, r)
      : spec.method === 'gradcampp' ? gradcamppMap(ops, act, r)
      : layercamMap(ops, act, r);
  }
  e.node('Identity', [ops.named(map, [0, 1, 2])], {}, IO.map);
  const bytes = buildModelBytes({
    nodes: e.nodes,
    initializers: e.initializers,
    inputs: [
      tensorValueInfo(IO.image, ['N', spec.hw[0], spec.hw[1], graph.input.shape[2]]),
      tensorValueInfo(IO.start, ['B', classes]),
      tensorValueInfo(IO.auto, ['B', 2]),
    ],
    outputs: [tensorValueInfo(IO.map, ['B', h, w]), tensorValueInfo(IO.logits, ['N', classes])],
    graphName: `${spec.method}_${spec.layerTensor}`,
    opset: OPSET,
    producer: PRODUCER,
  });
  return { bytes, classes, featureHW: [h, w], channels: k };
}

/** the plain forward: logits, and optionally a layer's activation (NCHW) for Score-CAM */
export function compileForward(graph: Graph, hw: [number, number], layerTensor?: string): CompiledGraph {
  const e = new Emitter();
  const ops = new OnnxOps(e);
  const shapes = concreteShapes(graph, hw);
  const { logits } = logitsTensor(graph);
  const classes = (shapes.get(logits) as number[]).reduce((a, b) => a * b, 1);
  const fwd = runForward(ops, graph, imageInput(ops, graph, hw), { keep: [logits, ...(layerTensor ? [layerTensor] : [])] });
  logitsOut(ops, e, fwd.get(logits) as Sym, classes);
  const outputs = [tensorValueInfo(IO.logits, ['N', classes])];
  let featureHW: [number, number] = [0, 0];
  let channels = 0;
  if (layerTensor) {
    const [h, w, k] = shapes.get(layerTensor) as number[];
    e.node('Identity', [ops.named(fwd.get(layerTensor) as Sym, [0, 3, 1, 2])], {}, IO.activation);
    outputs.push(tensorValueInfo(IO.activation, ['N', k, h, w]));
    featureHW = [h, w];
    channels = k;
  }
  const bytes = buildModelBytes({
    nodes: e.nodes,
    initializers: e.initializers,
    inputs: [tensorValueInfo(IO.image, ['N', hw[0], hw[1], graph.input.shape[2]])],
    outputs,
    graphName: 'forward',
    opset: OPSET,
    producer: PRODUCER,
  });
  return { bytes, classes, featureHW, channels };
}

/**
 * Score-CAM's batched masked forwards (spec §8.4): channels [b, 1, h, w] of A → U_k =
 * bilinear to H×W (half-pixel) → M_k = minmax(U_k) → logits of image ⊙ M_k, [b, classes].
 */
export function compileScoreCamForward(graph: Graph, hw: [number, number], featureHW: [number, number]): CompiledGraph {
  const e = new Emitter();
  const ops = new OnnxOps(e);
  const shapes = concreteShapes(graph, hw);
  const { logits } = logitsTensor(graph);
  const classes = (shapes.get(logits) as number[]).reduce((a, b) => a * b, 1);
  const x = imageInput(ops, graph, hw);
  const ch = ops.value(IO.channels, [-1, featureHW[0], featureHW[1], 1]);
  const u = ops.resizeBilinear(ch, hw);
  const lo = ops.min(u, [1, 2], true);
  const hi = ops.max(u, [1, 2], true);
  const m = ops.safeDiv(ops.sub(u, lo), ops.sub(hi, lo));
  const fwd = runForward(ops, graph, ops.mul(x, m), { keep: [logits] });
  logitsOut(ops, e, fwd.get(logits) as Sym, classes);
  const bytes = buildModelBytes({
    nodes: e.nodes,
    initializers: e.initializers,
    inputs: [
      tensorValueInfo(IO.image, [1, hw[0], hw[1], graph.input.shape[2]]),
      tensorValueInfo(IO.channels, ['b', 1, featureHW[0], featureHW[1]]),
    ],
    outputs: [tensorValueInfo(IO.logits, ['b', classes])],
    graphName: 'scorecam_masked_forward',
    opset: OPSET,
    producer: PRODUCER,
  });
  return { bytes, classes, featureHW, channels: 0 };
}
