// The realistic benchmark model runs in the engine as it ran in PyTorch: its logits on the
// scenes expected-logits.json names, regenerated bit-identically. Used by
// `npm run test:models` and, before anything else, by the quality bench.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSceneGenerator } from '../../demo/scenes/generator.ts';
import type { ExpectedLogits } from '../../demo/tools/demo-model.ts';
import { createCamExecutor } from '../../src/engine/executor.ts';
import { loadModel } from '../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor } from '../../src/engine/preprocess.ts';

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
