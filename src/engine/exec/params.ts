// Graph parameters and per-model derived constants, through the op interface's constant
// cache so each is uploaded / computed once per model.
import type { BatchNormNode, Graph } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';

export function param<T>(ops: TensorOps<T>, graph: Graph, name: string): T {
  return ops.constant(`param:${name}`, () => {
    const p = graph.params[name];
    if (!p) throw new Error(`graph has no parameter ${name}`);
    return ops.fromArray(p.data, p.shape);
  });
}

/** W⁺ = max(W, 0) of a weight parameter (docs/engine.md §3.1; built once per model, §10). */
export function positiveWeight<T>(ops: TensorOps<T>, graph: Graph, name: string): T {
  return ops.constant(`pos:${name}`, () => ops.relu(param(ops, graph, name)));
}

/** W⁻ = min(W, 0). */
export function negativeWeight<T>(ops: TensorOps<T>, graph: Graph, name: string): T {
  return ops.constant(`neg:${name}`, () => ops.negPart(param(ops, graph, name)));
}

/** eval-mode BatchNorm as y = x·scale + shift, folded on the host in float64. */
export function batchNormAffine<T>(ops: TensorOps<T>, graph: Graph, node: BatchNormNode): { scale: T; shift: T } {
  const build = () => {
    const g = graph.params[node.gamma].data;
    const b = graph.params[node.beta].data;
    const m = graph.params[node.mean].data;
    const v = graph.params[node.variance].data;
    const scale = new Float32Array(g.length);
    const shift = new Float32Array(g.length);
    for (let i = 0; i < g.length; i++) {
      const s = g[i] / Math.sqrt(v[i] + node.epsilon);
      scale[i] = s;
      shift[i] = b[i] - m[i] * s;
    }
    return { scale, shift };
  };
  let cache: { scale: Float32Array; shift: Float32Array } | null = null;
  const get = () => (cache ??= build());
  return {
    scale: ops.constant(`bn-scale:${node.name}`, () => ops.fromArray(get().scale, [get().scale.length])),
    shift: ops.constant(`bn-shift:${node.name}`, () => ops.fromArray(get().shift, [get().shift.length])),
  };
}

/** A constant of ones, e.g. to broadcast a pooled gradient back over H×W. */
export function ones<T>(ops: TensorOps<T>, shape: number[]): T {
  return ops.constant(`ones:${shape.join('x')}`, () => ops.fromArray(new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape));
}
