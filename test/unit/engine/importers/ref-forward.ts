// A plain, slow IR forward used by the importer tests as an independent check of
// ENGINE-CORE's executor (and as the oracle while it was not there yet). Straight from the
// IR's documented semantics: explicit pads, −∞ max-pool padding, NHWC.
import * as tf from '@tensorflow/tfjs';
import type { Graph } from '../../../../src/engine/ir.ts';

/** Runs the graph; returns `tensor` (default: the graph output). */
export function refForward(graph: Graph, input: tf.Tensor4D, tensor = graph.output): tf.Tensor {
  return tf.tidy(() => {
    const env = new Map<string, tf.Tensor>([[graph.input.name, input]]);
    const p = (name: string) => {
      const q = graph.params[name];
      return tf.tensor(q.data, q.shape);
    };
    for (const n of graph.nodes) {
      const x = env.get(n.inputs[0])!;
      const pad4 = (t: tf.Tensor, [a, b, c, d]: number[], v = 0) => tf.pad(t as tf.Tensor4D, [[0, 0], [a, c], [b, d], [0, 0]], v);
      let y: tf.Tensor;
      switch (n.op) {
        case 'conv2d':
          y = tf.conv2d(pad4(x, n.pads) as tf.Tensor4D, p(n.weight) as tf.Tensor4D, n.strides, 'valid', 'NHWC', n.dilations);
          if (n.bias) y = tf.add(y, p(n.bias));
          break;
        case 'batchnorm':
          y = tf.add(tf.mul(tf.div(tf.sub(x, p(n.mean)), tf.sqrt(tf.add(p(n.variance), n.epsilon))), p(n.gamma)), p(n.beta));
          break;
        case 'relu': y = tf.relu(x); break;
        case 'sigmoid': y = tf.sigmoid(x); break;
        case 'softmax': y = tf.softmax(x); break;
        case 'identity': y = x; break;
        case 'add': y = tf.add(x, env.get(n.inputs[1])!); break;
        case 'maxpool':
          y = tf.maxPool(pad4(x, n.pads, -1e30) as tf.Tensor4D, n.kernel, n.strides, 'valid');
          break;
        case 'avgpool': {
          const s = tf.avgPool(pad4(x, n.pads) as tf.Tensor4D, n.kernel, n.strides, 'valid');
          y = n.countIncludePad ? s : tf.div(s, tf.avgPool(pad4(tf.onesLike(x), n.pads) as tf.Tensor4D, n.kernel, n.strides, 'valid'));
          break;
        }
        case 'globalavgpool': y = tf.mean(x, [1, 2], n.keepDims); break;
        case 'flatten': y = tf.reshape(x, [x.shape[0], -1]); break;
        case 'dense':
          y = tf.matMul(x as tf.Tensor2D, p(n.weight) as tf.Tensor2D);
          if (n.bias) y = tf.add(y, p(n.bias));
          break;
        case 'pad': y = pad4(x, n.pads, n.value); break;
        case 'concat': y = tf.concat(n.inputs.map((i) => env.get(i)!), n.axis); break;
      }
      env.set(n.output, y);
      if (n.output === tensor) return y;
    }
    if (!env.has(tensor)) throw new Error(`refForward: no tensor ${tensor}`);
    return env.get(tensor)!;
  });
}
