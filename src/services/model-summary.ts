// A registered model as the renderer sees it (the Generate drawer, the model dialog): no
// path, the names and sizes its stored record holds, and whether it is the active one.
import { basename, dirname } from 'node:path';
import type { ModelSummary } from '../contract/generation.ts';
import { modelInfo } from '../jobs/index.ts';
import type { ModelRecord, Project } from '../project/index.ts';

export function modelSummary(m: ModelRecord, activeId: number | undefined): ModelSummary {
  let classNames: string[] = [];
  let inputSize: [number, number] = [0, 0];
  let layers: ModelSummary['layers'] = [];
  try {
    const info = modelInfo(m);
    classNames = info.classNames;
    inputSize = info.preprocess.size;
    layers = info.layers ?? [];
  } catch {
    // an old record without preprocessing: listed, and refused when used (with why)
  }
  return { id: m.id, name: modelFileName(m.file), format: m.format, classNames, inputSize, layers, addedAt: m.addedAt, active: m.id === activeId };
}

/** a model file as the page names it: its file name; a TF.js model.json with its folder */
export function modelFileName(path: string): string {
  const file = basename(path);
  return file.toLowerCase() === 'model.json' ? `${basename(dirname(path))}/${file}` : file;
}

/** the project's models, oldest first */
export function modelSummaries(project: Project): ModelSummary[] {
  const active = project.models.active()?.id;
  return project.models.list().map((m) => modelSummary(m, active));
}
