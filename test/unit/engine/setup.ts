// Test helpers: a backend per test file, NHWC tensors from the naive reference's layout,
// and one backward walk by the engine (any composite) on the TF.js executor.
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../../src/engine/ir.ts';
import { concreteShapes } from '../../../src/engine/exec/analysis.ts';
import { runForward } from '../../../src/engine/exec/forward.ts';
import { planWalk, runWalk } from '../../../src/engine/exec/walk.ts';
import type { Composite } from '../../../src/engine/rules/composite.ts';
import { initBackend } from '../../../src/engine/tfjs/backend.ts';
import { TfjsOps } from '../../../src/engine/tfjs/ops.ts';
import { scoped } from '../../../src/engine/tfjs/scope.ts';
import { GraphBuilder, prng, randomInput } from '../../helpers/models.ts';
import { naiveForward, nt, type NT } from './naive/reference.ts';

/** a row of the table-driven rule tests: a tiny graph whose relevance runs from `out` back to `from` */
export interface RuleCase {
  name: string;
  build(b: GraphBuilder): { from: string; out: string };
  size?: number;
  conserves?: boolean;
  /** the input's channels (3 unless given) */
  channels?: number;
}

/**
 * A case built and run forward by the naive reference: the graph on a seeded random input,
 * and `batch` seeded start rows at its output (`row(k)` is row k in the reference's layout).
 */
export function ruleCase(c: RuleCase) {
  const size = c.size ?? 8;
  const b = new GraphBuilder({ seed: 3 });
  const { from, out } = c.build(b);
  const graph = b.graph('x', out, [size, size, c.channels ?? 3]);
  const input = randomInput([1, size, size, 3], 5);
  const env = naiveForward(graph, toNT(input, size, size, 3));
  const y = env.get(out)!;
  const batch = 2;
  const r = prng(9);
  const start = Float32Array.from({ length: batch * y.d.length }, () => r() * 2 - 0.5);
  const row = (k: number) => nt(y.h, y.w, y.c, y.flat, Float64Array.from(start.subarray(k * y.d.length, (k + 1) * y.d.length)));
  return { size, graph, from, out, input, env, y, batch, start, row };
}

export async function useBackend(name: 'cpu' | 'wasm' = 'cpu'): Promise<void> {
  await initBackend(name);
  tf.env().set('DEBUG', false);
}

export function toNT(data: Float32Array, h: number, w: number, c: number): NT {
  return nt(h, w, c, false, Float64Array.from(data));
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |a − b| relative to max |b| */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / Math.max(maxAbs(b), 1e-30);
}

/** relevance at `from` for a [B, …output] start, by the engine */
export function engineRelevance(graph: Graph, input: Float32Array, hw: [number, number], from: string, start: Float32Array, batch: number, composite: Composite): Float32Array {
  const ops = new TfjsOps();
  try {
    return scoped(() => {
      const shapes = concreteShapes(graph, hw);
      const plan = planWalk(graph, from, graph.output, composite);
      const x = tf.tensor4d(input, [1, hw[0], hw[1], graph.input.shape[2]]);
      const fwd = runForward(ops, graph, x, { keep: plan.needed });
      const r = runWalk(ops, plan, fwd, shapes, tf.tensor(start, [batch, ...(shapes.get(graph.output) as number[])]));
      return (r ? r.dataSync() : new Float32Array(0)).slice() as Float32Array;
    });
  } finally {
    ops.dispose();
  }
}
