import * as tf from '@tensorflow/tfjs';

/** tf.tidy for any return type: every tensor created in `fn` that is not kept is disposed. */
export function scoped<R>(fn: () => R): R {
  const engine = tf.engine();
  engine.startScope();
  try {
    return fn();
  } finally {
    engine.endScope();
  }
}
