// Class scores from logits on the host, as the model's output activation gives them
// (a sigmoid head scores each class on its own, a softmax head shares 1 among them).
// The executors' in-graph scores (Score-CAM's masked forwards) use the op interface's
// softmax / sigmoid; this is the one host-side copy.
import type { PreprocessConfig } from './preprocess.ts';

/** Probabilities from logits per the config's output kind ('logits': the logits themselves). */
export function probabilities(logits: Float32Array, output: PreprocessConfig['output']): Float32Array {
  const out = new Float32Array(logits.length);
  if (output === 'sigmoid') {
    for (let i = 0; i < logits.length; i++) out[i] = 1 / (1 + Math.exp(-logits[i]));
  } else if (output === 'softmax' || output === undefined) {
    let max = -Infinity;
    for (const v of logits) max = Math.max(max, v);
    let sum = 0;
    for (let i = 0; i < logits.length; i++) sum += out[i] = Math.exp(logits[i] - max);
    for (let i = 0; i < logits.length; i++) out[i] /= sum;
  } else {
    out.set(logits);
  }
  return out;
}
