// The graph compiler: runs the engine's own forward executor, backward walk and map
// functions over the symbolic ONNX ops, producing ONE ONNX model per (model, method, layer,
// layers, input size). Inputs: the image batch and the target rows (one-hot rows of the
// requested classes, or "the argmax" rows the graph fills in itself); outputs: the raw map
// of every requested layer at feature resolution, the logits and their argmax. One compiled
// graph serves every target class, several targets of one image run as one batch, and even
// "target = argmax" needs a single run.
import type { Graph } from '../ir.ts';
import { concreteShapes } from '../exec/analysis.ts';
import { logitsTensor, runForward } from '../exec/forward.ts';
import type { ScoreActivation } from '../cams/methods.ts';
import { maskedScores } from '../cams/scorecam.ts';
import { camForward, camMaps, flatLogits, planCamWalk, type WalkCamSpec } from '../cams/walk-cam.ts';
import { argmaxTarget } from '../cams/start.ts';
import { buildModelBytes, tensorValueInfo } from '../onnx/build.ts';
import { Emitter, OPSET } from './emitter.ts';
import { OnnxOps, type Sym } from './ops.ts';

export interface CamGraphSpec extends WalkCamSpec {
  /** model input size [H, W] */
  hw: [number, number];
}

/** [B, h, w]: the raw map at the i-th further layer (CamGraphSpec.deepTensors) */
export function deepMapName(i: number): string {
  return `map_deep_${i}`;
}

/** Names of the compiled graphs' inputs and outputs. */
export const IO = {
  /** [N, H, W, C] float32, NHWC, preprocessed */
  image: 'image',
  /** [B, classes]: one-hot row of each requested class (zeros for an argmax row) */
  rows: 'target_rows',
  /** [B, 1]: 1 where the row explains the argmax of the logits instead */
  auto: 'auto_target',
  /** [B, h, w]: the raw map at the primary layer */
  map: 'map',
  /** [N, 1]: the argmax of the logits, as a float */
  target: 'argmax',
  /** [N, classes] */
  logits: 'logits',
  /** scorecam: [b, 1, h, w] channels of the layer activation, one per masked forward */
  channels: 'channels',
  /** scorecam: [b, classes] the scores of the masked forwards */
  scores: 'scores',
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

/** forward + target + start vector + walk + the map of every requested layer, one graph (walk-cam.ts) */
export function compileCam(graph: Graph, spec: CamGraphSpec): CompiledGraph {
  const e = new Emitter();
  const ops = new OnnxOps(e);
  const shapes = concreteShapes(graph, spec.hw);
  const [h, w, k] = shapes.get(spec.layerTensor) as number[];
  const plan = planCamWalk(graph, spec);
  const fwd = camForward(ops, graph, plan, spec, imageInput(ops, graph, spec.hw));
  const { logits, classes } = flatLogits(ops, graph, fwd, shapes);
  e.node('Identity', [ops.named(logits, [0, 1])], {}, IO.logits);
  const rows = ops.value(IO.rows, [-1, classes], [0, 1]);
  const auto = ops.value(IO.auto, [-1, 1], [0, 1]);
  const out = camMaps(ops, graph, plan, shapes, spec, fwd, logits, classes, rows, auto);
  e.node('Identity', [ops.named(out.index, [0, 1])], {}, IO.target);
  const mapNames = [IO.map as string, ...spec.deepTensors.map((_, i) => deepMapName(i))];
  out.maps.forEach((m, i) => e.node('Identity', [ops.named(m, [0, 1, 2])], {}, mapNames[i]));
  const layers = [spec.layerTensor, ...spec.deepTensors];
  const bytes = buildModelBytes({
    nodes: e.nodes,
    initializers: e.initializers,
    inputs: [
      tensorValueInfo(IO.image, ['N', spec.hw[0], spec.hw[1], graph.input.shape[2]]),
      tensorValueInfo(IO.rows, ['B', classes]),
      tensorValueInfo(IO.auto, ['B', 1]),
    ],
    outputs: [
      ...layers.map((t, i) => {
        const [lh, lw] = shapes.get(t) as number[];
        return tensorValueInfo(mapNames[i], ['B', lh, lw]);
      }),
      tensorValueInfo(IO.logits, ['N', classes]),
      tensorValueInfo(IO.target, ['N', 1]),
    ],
    graphName: `${spec.method}_${spec.layerTensor}`,
    opset: OPSET,
    producer: PRODUCER,
  });
  return { bytes, classes, featureHW: [h, w], channels: k };
}

/** the plain forward: logits, and optionally a layer's activation (NCHW) and the argmax for Score-CAM */
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
    // Score-CAM's target when none is asked for: the argmax, as the walk graphs find it
    const flat = flatLogits(ops, graph, fwd, shapes);
    e.node('Identity', [ops.named(argmaxTarget(ops, flat.logits, flat.classes).index, [0, 1])], {}, IO.target);
    outputs.push(tensorValueInfo(IO.target, ['N', 1]));
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
 * Score-CAM's batched masked forwards (docs/engine.md §7.4, cams/scorecam.ts maskedScores):
 * channels [b, 1, h, w] of A → the scores of image ⊙ minmax(bilinear(A_k)), [b, classes].
 */
export function compileScoreCamForward(graph: Graph, hw: [number, number], featureHW: [number, number], activation: ScoreActivation): CompiledGraph {
  const e = new Emitter();
  const ops = new OnnxOps(e);
  const shapes = concreteShapes(graph, hw);
  const { logits } = logitsTensor(graph);
  const classes = (shapes.get(logits) as number[]).reduce((a, b) => a * b, 1);
  const x = imageInput(ops, graph, hw);
  const ch = ops.value(IO.channels, [-1, featureHW[0], featureHW[1], 1]);
  const scores = maskedScores(ops, graph, x, ch, hw, activation);
  e.node('Identity', [ops.named(scores, [0, 1])], {}, IO.scores);
  const bytes = buildModelBytes({
    nodes: e.nodes,
    initializers: e.initializers,
    inputs: [
      tensorValueInfo(IO.image, [1, hw[0], hw[1], graph.input.shape[2]]),
      tensorValueInfo(IO.channels, ['b', 1, featureHW[0], featureHW[1]]),
    ],
    outputs: [tensorValueInfo(IO.scores, ['b', classes])],
    graphName: 'scorecam_masked_forward',
    opset: OPSET,
    producer: PRODUCER,
  });
  return { bytes, classes, featureHW, channels: 0 };
}
