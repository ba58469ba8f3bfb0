// The arithmetic floor of one Relevance-CAM map, for the ort benchmark: how many
// multiply-adds one map takes (a forward pass, then for every conv / dense node the walk
// visits one z⁺ conv and one transposed conv, docs/engine.md §3.1), and how fast this core can
// multiply-add at all (a large single-thread float32 GEMM in onnxruntime). Their ratio is the
// time no executor can beat at float32 on this machine; the bench prints each executor's
// distance from it.
import type { Graph } from '../../../src/engine/ir.ts';
import { concreteShapes } from '../../../src/engine/exec/analysis.ts';
import { logitsTensor } from '../../../src/engine/exec/forward.ts';
import { planWalk } from '../../../src/engine/exec/walk.ts';
import { resolveLayer } from '../../../src/engine/layer-names.ts';
import { rcamComposite } from '../../../src/engine/rules/composites.ts';
import { Emitter, OPSET } from '../../../src/engine/ort/emitter.ts';
import { buildModelBytes, tensorValueInfo } from '../../../src/engine/onnx/build.ts';
import type { OrtModule } from '../../../src/engine/ort/session.ts';

export interface MapMacs {
  /** multiply-adds of the forward pass (conv and dense nodes) */
  forward: number;
  /** multiply-adds of the relevance walk from the logits back to the layer */
  walk: number;
}

/** multiply-adds of one rcam map at `layer` for an input of size `hw` */
export function rcamMacs(graph: Graph, hw: [number, number], layer: string): MapMacs {
  const shapes = concreteShapes(graph, hw);
  const macs = new Map<string, number>();
  for (const n of graph.nodes) {
    if (n.op !== 'conv2d' && n.op !== 'dense') continue;
    const out = (shapes.get(n.output) as number[]).reduce((a, b) => a * b, 1);
    const w = graph.params[n.weight].shape;
    // conv weight [kh, kw, in, out], dense [in, out]: each output value costs kh·kw·in
    macs.set(n.output, out * w.slice(0, -1).reduce((a, b) => a * b, 1));
  }
  const plan = planWalk(graph, resolveLayer(graph, layer), logitsTensor(graph).logits, rcamComposite());
  let walk = 0;
  for (const s of plan.steps) walk += 2 * (macs.get(s.node.output) ?? 0);
  let forward = 0;
  for (const v of macs.values()) forward += v;
  return { forward, walk };
}

/** multiply-adds per second of one onnxruntime thread on a 3×3, 256→256 conv at 28×28 (median of 9) */
export async function convRate(ort: OrtModule): Promise<number> {
  const [c, hw] = [256, 28];
  const e = new Emitter();
  const w = new Float32Array(c * c * 9).map((_, i) => ((i * 7919) % 997) / 997 - 0.5);
  e.node('Conv', ['x', e.float(w, [c, c, 3, 3], 'w')], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, 'y');
  const bytes = buildModelBytes({
    nodes: e.nodes,
    initializers: e.initializers,
    inputs: [tensorValueInfo('x', [1, c, hw, hw])],
    outputs: [tensorValueInfo('y', [1, c, hw, hw])],
    graphName: 'conv',
    opset: OPSET,
    producer: 'relevance-studio-bench',
  });
  const session = await ort.InferenceSession.create(bytes, {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  try {
    const feeds = { x: new ort.Tensor('float32', new Float32Array(c * hw * hw).map((_, i) => (i % 13) / 13), [1, c, hw, hw]) };
    await session.run(feeds);
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const t = performance.now();
      for (let r = 0; r < 5; r++) await session.run(feeds);
      times.push((performance.now() - t) / 5);
    }
    times.sort((x, y) => x - y);
    return (hw * hw * c * c * 9) / (times[4] / 1000);
  } finally {
    await session.release();
  }
}
