// The importer tests run graphs through ENGINE-CORE's executor (src/engine/tfjs): the
// logits via forward(), and any intermediate tensor via runForward with `keep`.
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../../../src/engine/ir.ts';
import { runForward } from '../../../../src/engine/exec/forward.ts';
import { forward } from '../../../../src/engine/tfjs/forward.ts';
import { TfjsOps } from '../../../../src/engine/tfjs/ops.ts';

export { forward };

/** The value of one tensor of the graph on `input` (the caller disposes it). */
export function tensorValue(graph: Graph, input: tf.Tensor4D, tensor: string): tf.Tensor {
  const ops = new TfjsOps();
  try {
    return tf.tidy(() => {
      const kept = runForward(ops, graph, input, { keep: [tensor] });
      const t = kept.get(tensor)!;
      return t === input ? tf.clone(t) : t;
    });
  } finally {
    ops.dispose();
  }
}

/** max |a − b| / max |b| */
export function relErr(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0] / Math.max(tf.max(tf.abs(b)).dataSync()[0], 1e-30));
}
