// The model dialog's services: what a model file holds before it is added (input size,
// preprocessing, its classes against the project's, the executor, what layer1..layer4
// resolve to), a try-out Relevance-CAM on a project image, then add / remove / choose the
// active model. The try-out runs on an engine worker thread (the server never stalls on a
// model), kept for a minute so trying a few images costs one model load.
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import type { ModelInspection, ProjectsApi, TryModelRequest, TryModelResult } from '../contract/projects.ts';
import { chooseExecutor, decodeImage, EngineHost, preprocessRgb, probabilities, type CamRequest, type CamResult, type EngineImage } from '../engine/index.ts';
import { inspectModelFile, registerInspected, type InspectedModel } from '../jobs/index.ts';
import { normaliseCam } from '../masks/cam-mask.ts';
import type { Project } from '../project/index.ts';
import { chosenPath } from './chooser.ts';
import type { EventBus } from './events.ts';
import { runningGeneration } from './generation.ts';
import { modelFileName, modelSummary } from './model-summary.ts';
import { PerProject } from './per-project.ts';
import { WarmWorker } from './warm-worker.ts';

export type ModelsApi = Pick<ProjectsApi, 'inspectModel' | 'tryModel' | 'addModel' | 'removeModel' | 'setActiveModel'>;

/** an idle try-out worker is stopped after this long */
const TRY_IDLE_MS = 60_000;
/** the map's values are sent rounded to this many decimals (a heatmap needs no more) */
const MAP_DECIMALS = 3;
const TOP = 5;

/** one engine worker running the model file being tried */
interface TryRunner {
  backend: string;
  run(images: EngineImage[], cam: CamRequest): Promise<CamResult[]>;
  close(): Promise<void>;
}

async function tryRunner(file: string): Promise<TryRunner> {
  const host = await EngineHost.start({ workers: 1 });
  const model = { file };
  return {
    get backend() {
      return host.backend;
    },
    run: async (images, cam) => (await host.run({ model, images, cam })).results,
    close: () => host.close(),
  };
}

/** per open project: the try-out worker and the last inspections (a file is read once per change) */
interface Runtime {
  runner: WarmWorker<TryRunner>;
  inspected: Map<string, { mtimeMs: number; model: InspectedModel }>;
}
const runtimes = new PerProject<Runtime>(() => ({ runner: new WarmWorker(TRY_IDLE_MS), inspected: new Map() }));

/** Before the project closes: stops the try-out worker. */
export async function closeModelServices(project: Project): Promise<void> {
  await runtimes.peek(project)?.runner.close();
}

export interface ModelHooks {
  used?(path: string): void;
}

export function createModelsService(project: Project, bus?: EventBus, hooks: ModelHooks = {}): ModelsApi {
  const rt = runtimes.of(project);

  /** the chosen file, checked and loaded (cached while the file is unchanged) */
  async function inspected(raw: string, method: string): Promise<{ file: string; bytes: number; model: InspectedModel }> {
    const file = chosenPath(raw, method);
    const st = statSync(file);
    if (!st.isFile()) throw new StudioError('BAD_REQUEST', `${method}: ${file} is a folder; choose the model file (an .onnx file, or a TF.js model.json)`);
    const hit = rt.inspected.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs) return { file, bytes: st.size, model: hit.model };
    const model = await inspectModelFile(file);
    rt.inspected.set(file, { mtimeMs: st.mtimeMs, model });
    return { file, bytes: st.size, model };
  }

  function runner(file: string): Promise<TryRunner> {
    return rt.runner.get(file, () => tryRunner(file));
  }

  function changed(): void {
    bus?.emit('project.changed', { reason: 'model' });
  }

  return {
    async inspectModel(path): Promise<ModelInspection> {
      const { file, bytes, model: m } = await inspected(path, 'inspectModel');
      const projectNames = project.classes.list().map((c) => c.name);
      const modelNames = new Set(m.classNames);
      const pp = m.preprocess;
      return {
        path: file,
        name: modelFileName(file),
        format: m.format,
        bytes,
        inputSize: pp.size,
        preprocess: { channels: pp.channels, scale: pp.scale, mean: pp.mean, std: pp.std, output: pp.output ?? 'softmax', source: m.preprocessSource },
        classesFile: m.classesFile,
        classes: m.classNames,
        missing: projectNames.filter((n) => !modelNames.has(n)),
        extra: m.classNames.filter((n) => !projectNames.includes(n)),
        executor: await chooseExecutor(),
        layers: m.layers,
        addedAs: project.models.byHash(m.hash)?.id ?? null,
      };
    },

    async tryModel(req: TryModelRequest): Promise<TryModelResult> {
      const { file, model: m } = await inspected(req.path, 'tryModel');
      const img = project.images.get(req.imageId);
      if (!m.layers.some((l) => l.name === req.layer)) throw new StudioError('BAD_REQUEST', `tryModel: ${file}: ${req.layer} does not resolve to a spatial feature map in this model`);
      const t0 = performance.now();
      const decoded = await decodeImage(project.imagePath(img.id));
      const p = preprocessRgb(decoded.rgb, decoded.width, decoded.height, m.preprocess);
      const input = { data: p.data, height: m.preprocess.size[0], width: m.preprocess.size[1] };
      const run = await runner(file);
      // the image's tags the model knows, by class name (the project's indices are not the model's outputs)
      const tagNames = new Set(project.images.tags(img.id).map((c) => project.classes.list().find((x) => x.index === c)?.name));
      const tagged = m.classNames.flatMap((n, k) => (tagNames.has(n) ? [k] : []));
      const first = (await run.run([input], { method: 'rcam', layer: req.layer }))[0];
      const probs = probabilities(first.logits, m.preprocess.output);
      const target = tagged.length ? tagged.reduce((a, b) => (probs[b] > probs[a] ? b : a)) : first.maps[0].target;
      const result = target === first.maps[0].target ? first : (await run.run([input], { method: 'rcam', layer: req.layer, targets: [target] }))[0];
      const map = result.maps[0];
      const scale = 10 ** MAP_DECIMALS;
      const order = Array.from(probs.keys()).sort((a, b) => probs[b] - probs[a]);
      hooks.used?.(dirname(file));
      return {
        imageId: img.id,
        layer: req.layer,
        layerTensor: result.layerTensor,
        executor: run.backend,
        ms: performance.now() - t0,
        target: { name: m.classNames[target], probability: probs[target], tagged: tagged.includes(target) },
        top: order.slice(0, TOP).map((k) => ({ name: m.classNames[k], probability: probs[k] })),
        map: { width: map.w, height: map.h, values: Array.from(normaliseCam(map.data, 'minmax'), (v) => Math.round(v * scale) / scale) },
      };
    },

    async addModel(path) {
      const { file, model: m } = await inspected(path, 'addModel');
      const report = registerInspected(project, m);
      project.models.setActive(report.model.id);
      hooks.used?.(dirname(file));
      changed();
      return modelSummary(report.model, report.model.id);
    },

    async removeModel(id) {
      const job = runningGeneration(project);
      if (job) throw new StudioError('BAD_REQUEST', `removeModel: a generation job (job ${job.jobId}) is running; cancel it or wait for it to finish`);
      project.models.remove(id);
      changed();
    },

    async setActiveModel(id) {
      project.models.setActive(id);
      changed();
    },
  };
}
