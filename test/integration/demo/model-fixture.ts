// The committed demo model's folder, its stored logits and preprocessing, and the scene
// generator that regenerates the scenes those logits were computed on (set up before all
// tests of the file that calls useDemoModel, on the TF.js CPU backend).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll } from 'vitest';
import { createSceneGenerator, type SceneGenerator } from '../../../demo/scenes/generator.ts';
import { DEMO_ITEMS_DIR } from '../../../demo/scenes/idx.ts';
import type { ExpectedLogits, Preprocess } from '../../../demo/tools/demo-model.ts';

export const MODEL = path.resolve(import.meta.dirname, '../../../demo/model');
export const expected = JSON.parse(readFileSync(path.join(MODEL, 'expected-logits.json'), 'utf8')) as ExpectedLogits;
export const pre = JSON.parse(readFileSync(path.join(MODEL, 'preprocess.json'), 'utf8')) as Preprocess;

/** the scenes' generator, ready once beforeAll has run */
export function useDemoModel(): { readonly gen: SceneGenerator } {
  const ctx = {} as { gen: SceneGenerator };
  beforeAll(async () => {
    await tf.setBackend('cpu');
    ctx.gen = await createSceneGenerator({ ...expected.generator, fashionDir: DEMO_ITEMS_DIR });
  });
  return ctx;
}
