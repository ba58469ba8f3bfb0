// Model registration: a model file (ONNX or TF.js layers) joins the
// project with its preprocessing and the map model output k → project class. Everything a
// batch would trip over later is checked now: the file loads, the class list has one name
// per output, the CAM layer resolves to a spatial feature map, and a probe forward gives
// finite scores (a model with NaN/Inf weights is refused here, not after a whole batch).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { StudioError } from '../contract/errors.ts';
import { assertFinite, concreteShapes, createCamExecutor, loadModel, logitsTensor, preprocessRgb, resolveLayer, type Graph } from '../engine/index.ts';
import { groupBytes, type WeightGroup } from '../engine/importers/tfjs-weights.ts';
import { readConfined } from '../fs/confine.ts';
import type { ModelRecord, Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';
import { findPreprocessFile, resolvePreprocess, type PreprocessConfig } from './preprocess-spec.ts';
import { CAM_LAYER_NAMES, DEFAULT_CAM_LAYER, type ResolvedLayer } from '../contract/generation.ts';

export interface RegisterOptions {
  /** class names in output order, one per line; default classes.txt beside the model (or one folder up) */
  classesFile?: string;
  /** overrides for preprocess.json fields (CLI flags) */
  preprocess?: Partial<PreprocessConfig>;
  /** preprocess.json to read; default: beside the model (or one folder up) */
  preprocessFile?: string;
  /** the CAM layer checked at registration (default layer2) */
  layer?: string;
}

/** What the models table's `preprocessing` JSON holds for a registered model. */
export interface StoredModelInfo {
  preprocess: PreprocessConfig;
  /** model class names in output order */
  classNames: string[];
  outputs: number;
  /** the layer checked at registration and the tensor it resolved to */
  layer: string;
  layerTensor: string;
  /** layer1..layer4 as they resolved at registration, with their shape at the model's input size (absent in records from before) */
  layers?: ResolvedLayer[];
}

/** Everything registration checks, read from the model file and the files beside it; nothing is written. */
export interface InspectedModel {
  file: string;
  format: ModelRecord['format'];
  hash: string;
  classesFile: string;
  classNames: string[];
  preprocess: PreprocessConfig;
  preprocessSource: string;
  layer: string;
  layerTensor: string;
  /** the layer's feature map at the model's input size, [h, w, channels] */
  layerShape: number[];
  /** layer1..layer4 (those that resolve to a spatial map) */
  layers: ResolvedLayer[];
}

export interface RegisterReport extends Pick<InspectedModel, 'classNames' | 'preprocess' | 'preprocessSource' | 'layer' | 'layerTensor' | 'layerShape'> {
  model: ModelRecord;
  /** false: the same file (by hash) was already registered */
  added: boolean;
  /** project classes this registration created (model classes the project lacked) */
  createdClasses: string[];
}

/** Loads and checks a model file as registration does; refusals name the file and the field or node. */
export async function inspectModelFile(file: string, opts: RegisterOptions = {}): Promise<InspectedModel> {
  const abs = path.resolve(file);
  const graph = await loadModel(abs);
  const modelDir = modelFolder(abs);
  const classesFile = opts.classesFile ? path.resolve(opts.classesFile) : findBeside(modelDir, 'classes.txt');
  if (!classesFile || !existsSync(classesFile)) {
    throw new StudioError('NOT_FOUND', `${abs}: no class list; put classes.txt (one name per line, in output order) beside the model`);
  }
  const classNames = readClassList(classesFile);
  const { activation } = logitsTensor(graph);
  const inputSize = graph.input.shape[0] != null && graph.input.shape[1] != null ? ([graph.input.shape[0], graph.input.shape[1]] as [number, number]) : null;
  const preFile = opts.preprocessFile ? path.resolve(opts.preprocessFile) : findPreprocessFile(modelDir);
  const { config: preprocess, source: where } = await resolvePreprocess(preFile, opts.preprocess ?? {}, { inputSize, activation });
  const shapes = shapesAt(graph, preprocess.size, abs);
  const channels = graph.input.shape[2];
  const wantChannels = preprocess.channels === 'GRAY' ? 1 : 3;
  if (channels !== wantChannels) throw new StudioError('BAD_REQUEST', `${abs}: the model takes ${channels} input channels, the preprocessing gives ${wantChannels} (${preprocess.channels}; ${where})`);
  const outShape = shapes.get(logitsTensor(graph).logits) ?? [];
  const outputs = outShape.reduce((a, b) => a * b, 1);
  if (outShape.length !== 1) throw new StudioError('BAD_REQUEST', `${abs}: the output is not a vector of class scores (shape ${outShape.join('×')})`);
  if (classNames.length !== outputs) {
    throw new StudioError('BAD_REQUEST', `${classesFile}: ${classNames.length} class names for a model with ${outputs} outputs (${abs}); the list must name every output, in order${
      classNames[0].toLowerCase() === 'background' ? " (line 1 is 'background': a model's list has no background line)" : ''
    }`);
  }
  const layer = opts.layer ?? DEFAULT_CAM_LAYER;
  const layerTensor = resolveLayer(graph, layer);
  const layerShape = shapes.get(layerTensor) ?? [];
  if (layerShape.length !== 3) {
    throw new StudioError('BAD_REQUEST', `${abs}: layer "${layer}" (${layerTensor}) is not a spatial feature map (shape ${layerShape.join('×')}); choose a convolutional layer`);
  }

  await probeForward(graph, preprocess, abs);

  // what each stage name means for this model, for the Generate drawer (a name that does not resolve is left out)
  const layers = CAM_LAYER_NAMES.flatMap((name): ResolvedLayer[] => {
    try {
      const tensor = resolveLayer(graph, name);
      const shape = shapes.get(tensor) ?? [];
      return shape.length === 3 ? [{ name, tensor, shape: [...shape] }] : [];
    } catch {
      return [];
    }
  });
  const format: ModelRecord['format'] = graph.source.format === 'tfjs-layers' ? 'tfjs-layers' : 'onnx';
  return { file: abs, format, hash: modelHash(abs), classesFile, classNames, preprocess, preprocessSource: where, layer, layerTensor, layerShape, layers };
}

export async function registerModel(project: Project, file: string, opts: RegisterOptions = {}): Promise<RegisterReport> {
  return registerInspected(project, await inspectModelFile(file, opts));
}

/** Adds an inspected model (the same file by content again: the existing record). */
export function registerInspected(project: Project, m: InspectedModel): RegisterReport {
  const { preprocess, classNames, layer, layerTensor, layerShape, layers } = m;
  const info: StoredModelInfo = { preprocess, classNames, outputs: classNames.length, layer, layerTensor, layers };
  const report = { createdClasses: [] as string[], classNames, preprocess, preprocessSource: m.preprocessSource, layer, layerTensor, layerShape };
  const existing = project.models.byHash(m.hash);
  if (existing) return { ...report, model: existing, added: false };
  const now = new Date().toISOString();
  const { model, created } = writeTransaction(project.db, () => {
    const { indices, created } = project.classes.ensure(classNames);
    const classMap = classNames.map((n) => indices.get(n.trim())!);
    const rec = project.models.add({ file: m.file, format: m.format, preprocessing: info as unknown as Record<string, unknown>, hash: m.hash, classMap }, now);
    return { model: rec, created };
  });
  return { ...report, model, added: true, createdClasses: created };
}

export function modelInfo(m: ModelRecord): StoredModelInfo {
  const info = m.preprocessing as unknown as StoredModelInfo;
  if (!info || typeof info !== 'object' || !info.preprocess || !Array.isArray(info.classNames)) {
    throw new StudioError('BAD_REQUEST', `model ${m.id} (${m.file}) has no preprocessing record; register it again with 'model add'`);
  }
  return info;
}

/** A model by id, by file (registered path, or a file whose hash is registered), or the active one (the latest unless chosen). */
export function findModel(project: Project, ref?: string | number): ModelRecord {
  const models = project.models.list();
  if (models.length === 0) throw new StudioError('NOT_FOUND', `${project.dir}: no model added yet; add one in the studio's Models dialog (or with 'model add ${project.dir} MODEL_FILE')`);
  if (ref === undefined || ref === '') return project.models.active()!;
  if (typeof ref === 'number' || /^\d+$/.test(ref)) {
    const m = models.find((x) => x.id === Number(ref));
    if (!m) throw new StudioError('NOT_FOUND', `model ${ref} is not registered in ${project.dir} (ids: ${models.map((x) => x.id).join(', ')})`);
    return m;
  }
  const abs = path.resolve(ref);
  const byFile = models.find((x) => x.file === abs);
  if (byFile) return byFile;
  if (existsSync(abs)) {
    const m = project.models.byHash(modelHash(abs));
    if (m) return m;
  }
  throw new StudioError('NOT_FOUND', `${abs}: not a registered model of ${project.dir}; add it with 'model add'`);
}

/** sha256 over the model's bytes (for a TF.js model.json: the JSON and its weight shards). */
export function modelHash(file: string): string {
  const target = statSync(file).isDirectory() ? path.join(file, 'model.json') : file;
  const h = createHash('sha256');
  const bytes = readFileSync(target);
  h.update(bytes);
  if (target.toLowerCase().endsWith('.json')) {
    try {
      const json = JSON.parse(bytes.toString('utf8')) as { weightsManifest?: { paths?: string[] }[] };
      for (const g of json.weightsManifest ?? []) for (const p of g.paths ?? []) h.update(readConfined(path.dirname(target), p, { what: `${target}: weight shard ${p}`, maxBytes: groupBytes(g as WeightGroup) }));
    } catch {
      // loadModel already validated the file; a hash of the JSON alone is still an identity
    }
  }
  return h.digest('hex');
}

function modelFolder(abs: string): string {
  return statSync(abs).isDirectory() ? abs : path.dirname(abs);
}

/** `name` in the model's folder, else one folder up (a tfjs/ export beside the ONNX file). */
export function findBeside(dir: string, name: string): string | null {
  for (const d of [dir, path.dirname(dir)]) {
    const f = path.join(d, name);
    if (existsSync(f)) return f;
  }
  return null;
}

export function readClassList(file: string): string[] {
  const names = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  if (names.length === 0) throw new StudioError('BAD_REQUEST', `${file}: the class list is empty`);
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new StudioError('BAD_REQUEST', `${file}: class '${n}' is listed twice`);
    seen.add(n);
  }
  return names;
}

function shapesAt(graph: Graph, size: [number, number], file: string): Map<string, number[]> {
  try {
    return concreteShapes(graph, size);
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: cannot run at input size ${size.join('×')} (${(e as Error).message})`);
  }
}

/** One forward on a plain gray image at the model's input size: its scores must be finite numbers. */
async function probeForward(graph: Graph, pre: PreprocessConfig, file: string): Promise<void> {
  const [h, w] = pre.size;
  const input = preprocessRgb(new Uint8Array(h * w * 3).fill(128), w, h, pre);
  let logits: Float32Array;
  const model = await createCamExecutor(graph);
  try {
    logits = await model.predict(input.data, [1, h, w, input.channels]);
  } catch (e) {
    if (e instanceof StudioError) throw e;
    throw new StudioError('BAD_REQUEST', `${file}: the model does not run at ${h}×${w} (${(e as Error).message.split('\n')[0]})`);
  } finally {
    await model.dispose();
  }
  assertFinite(`${file}: a probe forward (a gray ${h}×${w} image)`, { logits });
}
