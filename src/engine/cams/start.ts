// Start vectors at the logits, one row per target (batched backward walk).
export type RelevanceInit = 'clrp' | 'onehot';

/**
 * R-CAM's output relevance (spec §4): CLRP as the authors' code defines it, r_t = 1 and
 * r_j = −1/numClasses for j ≠ t (not scaled by the logit, no softmax); or one-hot.
 * Gradient methods use one-hot (∂y_t/∂y).
 */
export function startVectors(init: RelevanceInit, targets: number[], numClasses: number): Float32Array {
  const out = new Float32Array(targets.length * numClasses);
  targets.forEach((t, b) => {
    if (init === 'clrp') out.fill(-1 / numClasses, b * numClasses, (b + 1) * numClasses);
    out[b * numClasses + t] = 1;
  });
  return out;
}
