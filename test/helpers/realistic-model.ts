// The realistic benchmark classifier (a torchvision ResNet-18 at 224 px trained by
// demo/tools/train.py): 45 MB, so it lives outside the repository and CI never needs it.
// Where it is and what to say when it is not (read by vitest.models.config.ts before any
// test loads, so no engine import here; the logits check is realistic-logits.ts).
import { existsSync } from 'node:fs';
import path from 'node:path';

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
