// Running a generation job through the job loop (loop.ts): the images of its frozen
// selection not yet done, optionally one shard's slice, through a pool of engine workers
// that each run an image's whole pipeline. This thread only commits each result as it
// arrives (commit.ts) and reports progress; cancel lets the images already handed to the
// workers finish (≤ one per worker, plus one queued) and stops.
import os from 'node:os';
import { existsSync } from 'node:fs';
import type { ModelRecord, Project } from '../project/index.ts';
import { commitImage, type CommitContext } from './commit.ts';
import { generationJob } from './create.ts';
import { defaultPoolFactory } from './workers/pools.ts';
import type { CamTask, EnginePool, EnginePoolFactory, EngineSpec } from './workers/types.ts';
import { runJobLoop, type JobWork } from './loop.ts';
import { modelInfo } from './models.ts';
import { storedCamMethod } from './params.ts';
import { shardRange, type Shard } from './shard.ts';
import type { GenerationParams, JobProgress, JobSummary } from './types.ts';
import { deepLayersOf } from '../masks/refine/index.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';
import { StudioError } from '../contract/errors.ts';

export interface RunOptions {
  /** engine workers (default: one per core); 0 runs the engine in this thread */
  workers?: number;
  shard?: Shard | null;
  retryFailed?: boolean;
  /** how engine pools are made (default: worker threads, or in-process for workers = 0) */
  pool?: EnginePoolFactory;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  /** reported in the summary */
  resumed?: boolean;
  /** engine backend preference (RS_BACKEND) */
  backend?: string;
}

export function defaultWorkers(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

export function thresholdsOf(s: MaskSettings): Record<string, number> {
  return {
    bg: s.bg,
    ignoreBand: s.ignoreBand,
    minArea: s.minArea,
    fillHoles: s.fillHoles ? 1 : 0,
    smallToBackground: s.smallTo === 'background' ? 1 : 0,
    minmax: s.normalisation === 'minmax' ? 1 : 0,
  };
}

export function runGeneration(project: Project, jobId: number, opts: RunOptions = {}): Promise<JobSummary> {
  const { params } = generationJob(project, jobId);
  const model = project.models.list().find((m) => m.id === params.modelId && m.hash === params.modelHash);
  const workers = Math.max(0, Math.floor(opts.workers ?? defaultWorkers()));
  const [from, to] = shardRange(project.jobItems.counts(jobId).total, opts.shard ?? null);
  return runJobLoop({
    project,
    jobId,
    kind: 'generate',
    workers,
    scope: project.jobItems.list(jobId, { seqFrom: from, seqTo: to }),
    shard: opts.shard ?? null,
    retryFailed: opts.retryFailed,
    resumed: opts.resumed,
    signal: opts.signal,
    onProgress: opts.onProgress,
    refuse: () => (model ? null : `job ${jobId}: its model (id ${params.modelId}, hash ${params.modelHash.slice(0, 12)}…) is no longer registered`),
    open: () => openEngine(project, jobId, params, model!, workers, opts),
  });
}

/** The worker pool for the job's model, and one image = its CAMs and mask, committed. */
async function openEngine(project: Project, jobId: number, params: GenerationParams, model: ModelRecord, workers: number, opts: RunOptions): Promise<JobWork> {
  const spec: EngineSpec = {
    modelFile: model.file,
    preprocess: modelInfo(model).preprocess,
    method: params.method,
    layer: params.layer,
    multiScale: params.multiScale,
    classMap: model.classMap,
    classes: params.classes,
    mask: params.mask,
    refine: params.refine,
    deepLayers: deepLayersOf(params.refine),
    backend: opts.backend,
  };
  let pool: EnginePool;
  try {
    if (!existsSync(model.file)) throw new StudioError('NOT_FOUND', `${model.file}: model file not found`);
    pool = await (opts.pool ?? defaultPoolFactory)({ spec, keepPixels: 0 }, workers);
  } catch (e) {
    throw new Error(`job ${jobId} failed: the model ${model.file} could not be loaded (${(e as Error).message.split('\n')[0]})`);
  }
  const ctx: CommitContext = {
    jobId,
    modelHash: params.modelHash,
    camMethod: storedCamMethod(params.method, params.multiScale),
    layer: params.layer,
    thresholds: thresholdsOf(params.mask),
    refine: params.refine,
    keepCurrent: params.keepCurrent === true,
  };
  const outputOf = new Map<number, number>(model.classMap.map((c, k) => [c, k]));
  const task = (imageId: number): CamTask => {
    const img = project.images.get(imageId);
    const file = project.imagePath(imageId);
    if (!existsSync(file)) throw new Error(`${file}: image file not found (moved? relink the dataset folder)`);
    let targets: number[] | null = null;
    if (params.classes.kind === 'tags') {
      targets = project.images
        .tags(imageId)
        .map((c) => outputOf.get(c))
        .filter((k): k is number => k !== undefined);
    }
    return { imageId, file, width: img.width, height: img.height, targets };
  };
  return {
    backend: pool.backend,
    // one extra lane with worker threads: an image waits in the queue, so a worker that
    // finishes takes the next at once instead of waiting for this thread's commit
    lanes: Math.max(1, pool.size) + (workers > 0 ? 1 : 0),
    async run(imageId) {
      const t = task(imageId);
      // no tag the model knows: nothing to explain, no mask; the image counts as done
      if (t.targets && t.targets.length === 0) return commitImage(project, ctx, { imageId, cams: [], storeCams: false, png: null });
      const r = await pool.run(t);
      return commitImage(project, ctx, { imageId, cams: r.cams, deep: r.deep, storeCams: true, png: r.png, classes: r.classes, steps: r.steps });
    },
    close: () => pool.close(),
  };
}
