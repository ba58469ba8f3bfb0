// Named scene sets, so the demo, the classifier's held-out evaluation (demo/tools/train.py)
// and the quality benchmark agree on which scenes they mean. All draw items from t10k only.
import type { SceneGeneratorOptions } from './generator.ts';

/** demo/dataset: scenes 0..59; demo/model/expected-logits.json: scenes 0..7 */
export const DEMO_SCENES = { split: 'test', tier: 'mixed', seed: 2017, size: 128 } as const satisfies SceneGeneratorOptions;

/** held-out scenes of one tier: train.py's reported mAP uses scenes 0..999 of each tier */
export function heldOutScenes(tier: 'flat' | 'textured'): SceneGeneratorOptions {
  return { split: 'test', tier, seed: HELD_OUT_SEED, size: 128 };
}

export const HELD_OUT_SEED = 90210;
