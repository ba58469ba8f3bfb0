// Logits of an IR graph on TF.js with plain tf ops (no tf.layers): the executor's forward
// on an NHWC batch. Used by the importer tests to compare against model.predict / ONNX.
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../ir.ts';
import { runForward } from '../exec/forward.ts';
import { TfjsOps } from './ops.ts';

/** The graph output ([N, classes]) for an NHWC input; the caller disposes the result. */
export function forward(graph: Graph, input: tf.Tensor4D): tf.Tensor2D {
  const ops = new TfjsOps();
  try {
    return tf.tidy(() => {
      const y = runForward(ops, graph, input).get(graph.output) as tf.Tensor;
      return (y.rank === 2 ? y : tf.reshape(y, [y.shape[0], -1])) as tf.Tensor2D;
    });
  } finally {
    ops.dispose();
  }
}
