// The realistic benchmark classifier (a torchvision ResNet-18 at 224 px trained by
// demo/tools/train.py): 45 MB, so it lives outside the repository and CI never needs it.
// Where it is, what to say when it is not, and the check that the engine runs it as
// PyTorch did (its logits on the scenes expected-logits.json names) — used by
// `npm run test:models` and, first, by the quality bench.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createSceneGenerator } from '../../demo/scenes/generator.ts';
import type { ExpectedLogits } from '../../demo/tools/demo-model.ts';
import { createCamExecutor } from '../../src/engine/executor.ts';
import { loadModel } from '../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor } from '../../src/engine/preprocess.ts';

/** the model's folder, overriding the search below */
export const REALISTIC_MODEL_ENV = 'RS_REALISTIC_MODEL';
const NAME = 'resnet18-224';
const FILES = ['classifier.onnx', 'classes.txt', 'preprocess.json', 'expected-logits.json'] as const;
const ROOT = path.resolve(import.meta.dirname, '../..');

/** RS_REALISTIC_MODEL, else the first `shared/models/resnet18-224` beside the checkout or above it (`../shared/…`). */
export function realisticModelDir(): string {
  const env = process.env[REALISTIC_MODEL_ENV];
  if (env) return path.resolve(env);
  let dir = path.dirname(ROOT);
  for (;;) {
    const candidate = path.join(dir, 'shared', 'models', NAME);
    if (existsSync(candidate)) return candidate;
    const up = path.dirname(dir);
    if (up === dir) return path.join(path.dirname(ROOT), 'shared', 'models', NAME);
    dir = up;
  }
}

/** One line saying what is missing and how to get it, or null when the folder is complete. */
export function missingRealisticModel(dir = realisticModelDir()): string | null {
  const missing = FILES.filter((f) => !existsSync(path.join(dir, f)));
  if (missing.length === 0) return null;
  return (
    `${dir}: no ${missing.join(', ')} — the ResNet-18 benchmark model is not in the repository; ` +
    `rebuild it with \`python3 demo/tools/train.py --arch resnet18 --size 224 --warm-size 112 --warm-frac 0.78 --channels-last --minutes 95 --out ${dir}\` ` +
    `(about 95 min on 2 cores), or set ${REALISTIC_MODEL_ENV} to the folder that holds it`
  );
}

/** The model file, or an Error whose message is the one line above. */
export function requireRealisticModel(dir = realisticModelDir()): string {
  const missing = missingRealisticModel(dir);
  if (missing) throw new Error(missing);
  return path.join(dir, 'classifier.onnx');
}

export interface LogitsCheck {
  scenes: number;
  /** the largest |engine − PyTorch| over every logit of every scene */
  maxAbsDiff: number;
  /** scenes whose regenerated pixels did not hash as when the logits were stored */
  sceneMismatches: number[];
  executor: string;
}

/** Regenerates the scenes expected-logits.json names and runs the model through the engine's forward. */
export async function checkRealisticLogits(modelFile: string, executor?: string): Promise<LogitsCheck> {
  const dir = path.dirname(modelFile);
  const expected = JSON.parse(readFileSync(path.join(dir, 'expected-logits.json'), 'utf8')) as ExpectedLogits;
  const pre = await readPreprocessFor(modelFile);
  const gen = await createSceneGenerator(expected.generator);
  const exec = await createCamExecutor(await loadModel(modelFile), { executor });
  let maxAbsDiff = 0;
  const sceneMismatches: number[] = [];
  try {
    for (const e of expected.scenes) {
      const s = gen.sceneAt(e.index);
      if (createHash('sha256').update(s.rgb).digest('hex') !== e.rgbSha256) sceneMismatches.push(e.index);
      const x = preprocessRgb(s.rgb, s.size, s.size, pre).data;
      const got = await exec.predict(x, [1, pre.size[0], pre.size[1], 3]);
      if (got.length !== e.logits.length) throw new Error(`${modelFile}: ${got.length} logits for scene ${e.index}, expected ${e.logits.length}`);
      e.logits.forEach((v, c) => (maxAbsDiff = Math.max(maxAbsDiff, Math.abs(got[c] - v))));
    }
    return { scenes: expected.scenes.length, maxAbsDiff, sceneMismatches, executor: exec.label };
  } finally {
    await exec.dispose();
  }
}

/** the tolerance on |engine − PyTorch| per logit (float32 convolutions summed in another order) */
export const LOGIT_TOLERANCE = 1e-3;
