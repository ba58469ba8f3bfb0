// A registered model's preprocessing: the engine's PreprocessConfig (src/engine/preprocess.ts)
// from `preprocess.json` beside the model (or one folder up) and/or flags, with the
// model's own input size and output activation as defaults where the file is silent.
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../contract/errors.ts';
import { IMAGENET, parsePreprocess, type PreprocessConfig } from '../engine/index.ts';

export type { PreprocessConfig } from '../engine/index.ts';
export { probabilities } from '../engine/index.ts';

export interface ModelFacts {
  /** fixed [H, W] input of the model file, null when free */
  inputSize: [number, number] | null;
  activation: 'softmax' | 'sigmoid' | 'none';
}

/** preprocess.json in `dir` or its parent (a tfjs/ export beside the ONNX file), or null. */
export function findPreprocessFile(dir: string): string | null {
  for (const d of [dir, path.dirname(dir)]) {
    const f = path.join(d, 'preprocess.json');
    if (existsSync(f)) return f;
  }
  return null;
}

/**
 * The config for a model: `file` (when given) overlaid with `flags`; fields neither gives
 * come from the model (input size, output activation), then ImageNet's mean/std.
 */
export async function resolvePreprocess(
  file: string | null,
  flags: Partial<PreprocessConfig>,
  model: ModelFacts,
): Promise<{ config: PreprocessConfig; source: string }> {
  let fromFile: Record<string, unknown> = {};
  if (file) {
    const text = await readFile(file, 'utf8').catch(() => {
      throw new StudioError('NOT_FOUND', `${file}: preprocess file not found`);
    });
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new StudioError('BAD_REQUEST', `${file}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof fromFile !== 'object' || fromFile === null || Array.isArray(fromFile)) throw new StudioError('BAD_REQUEST', `${file}: expected a JSON object`);
  }
  const base: PreprocessConfig = {
    ...IMAGENET,
    size: model.inputSize ?? IMAGENET.size,
    output: model.activation === 'none' ? 'softmax' : model.activation,
  };
  const merged = { ...fromFile, ...stripUndefined(flags) };
  const source = file ? (Object.keys(stripUndefined(flags)).length ? `${file} + flags` : file) : Object.keys(merged).length ? 'flags' : 'defaults (ImageNet mean/std, model input size)';
  return { config: parsePreprocess(merged, file ?? 'preprocessing flags', base), source };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
