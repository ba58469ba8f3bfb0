// Running a generation job: the images of its frozen selection not yet done (pending, and
// failed ones only with retryFailed), optionally one shard's slice, through a pool of
// engine workers. Each result is committed as soon as it arrives (commit.ts); a progress
// event follows every image; cancel lets the images already in the workers finish
// (≤ one per worker, plus the one being prepared) and stops.
import os from 'node:os';
import { existsSync } from 'node:fs';
import type { Project } from '../project/index.ts';
import { commitFailure, commitImage, type CommitContext } from './commit.ts';
import { generationJob } from './create.ts';
import { defaultPoolFactory } from './workers/runners.ts';
import type { CamTask, EnginePool, EnginePoolFactory, EngineSpec } from './workers/types.ts';
import { modelInfo } from './models.ts';
import { camKey } from './params.ts';
import { RateMeter } from './progress.ts';
import { shardRange, type Shard } from './shard.ts';
import type { JobError, JobProgress, JobState, JobSummary } from './types.ts';
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

const MAX_ERRORS = 100;

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

export async function runGeneration(project: Project, jobId: number, opts: RunOptions = {}): Promise<JobSummary> {
  const started = performance.now();
  const { params } = generationJob(project, jobId);
  const model = project.models.list().find((m) => m.id === params.modelId && m.hash === params.modelHash);
  const workers = Math.max(0, Math.floor(opts.workers ?? defaultWorkers()));
  const all = project.jobItems.counts(jobId);
  const [from, to] = shardRange(all.total, opts.shard ?? null);
  const scope = project.jobItems.list(jobId, { seqFrom: from, seqTo: to });
  const todo = scope.filter((i) => i.state === 'pending' || (opts.retryFailed && i.state === 'failed'));
  let done = scope.filter((i) => i.state === 'done').length;
  let failed = scope.filter((i) => i.state === 'failed').length;
  let processed = 0;
  let keptHuman = 0;
  const errors: JobError[] = [];
  let errorCount = 0;
  let backend = '';
  const meter = new RateMeter();
  const kind = 'generate' as const;

  const progress = (state: JobState, message?: string): JobProgress => ({
    jobId,
    kind,
    state,
    total: scope.length,
    done,
    failed,
    processed,
    imagesPerSec: meter.rate(),
    etaSec: processed > 0 ? meter.eta(scope.length - done - failed) : null,
    errors: errors.slice(),
    errorCount,
    backend,
    workers: Math.max(1, workers),
    ...(message ? { message } : {}),
  });
  const emit = (state: JobState, message?: string) => opts.onProgress?.(progress(state, message));
  const summary = (state: JobState, message?: string): JobSummary => ({
    jobId,
    kind,
    state,
    total: scope.length,
    done,
    failed,
    processed,
    resumed: opts.resumed ?? false,
    keptHuman,
    errors: errors.slice(),
    seconds: (performance.now() - started) / 1000,
    backend,
    workers: Math.max(1, workers),
    ...(message ? { message } : {}),
  });
  const setStatus = (s: 'running' | 'done' | 'failed' | 'cancelled' | 'queued', error: string | null = null) =>
    project.jobs.setStatus(jobId, s, new Date().toISOString(), error);
  const finalStatus = (cancelled: boolean) => {
    const c = project.jobItems.counts(jobId);
    setStatus(c.pending === 0 ? 'done' : cancelled ? 'cancelled' : 'queued');
  };

  if (!model) {
    const message = `job ${jobId}: its model (id ${params.modelId}, hash ${params.modelHash.slice(0, 12)}…) is no longer registered`;
    setStatus('failed', message);
    emit('failed', message);
    return summary('failed', message);
  }
  if (todo.length === 0) {
    finalStatus(false);
    emit('done');
    return summary('done');
  }
  emit('starting');
  setStatus('running');

  const info = modelInfo(model);
  const spec: EngineSpec = {
    modelFile: model.file,
    preprocess: info.preprocess,
    method: params.method,
    layer: params.layer,
    multiScale: params.multiScale,
    classMap: model.classMap,
    classes: params.classes,
    mask: params.mask,
    backend: opts.backend,
  };
  let pool: EnginePool;
  try {
    if (!existsSync(model.file)) throw new StudioError('NOT_FOUND', `${model.file}: model file not found`);
    pool = await (opts.pool ?? defaultPoolFactory)(spec, workers);
  } catch (e) {
    const message = `job ${jobId} failed: the model ${model.file} could not be loaded (${(e as Error).message.split('\n')[0]})`;
    setStatus('failed', message);
    emit('failed', message);
    return summary('failed', message);
  }
  backend = pool.backend;
  const ctx: CommitContext = {
    jobId,
    modelHash: params.modelHash,
    camKey: camKey(params.method, params.multiScale),
    layer: params.layer,
    method: camKey(params.method, params.multiScale),
    thresholds: thresholdsOf(params.mask),
  };
  const outputOf = new Map<number, number>(model.classMap.map((c, k) => [c, k]));

  const fail = (imageId: number, message: string) => {
    commitFailure(project, jobId, imageId, message);
    failed++;
    processed++;
    errorCount++;
    let name = String(imageId);
    try {
      name = project.images.get(imageId).name;
    } catch {
      // image deleted meanwhile: its id names it
    }
    errors.push({ imageId, name, message });
    if (errors.length > MAX_ERRORS) errors.shift();
    meter.tick();
    emit('running');
  };
  const succeed = () => {
    done++;
    processed++;
    meter.tick();
    emit('running');
  };

  const one = async (imageId: number, wasFailed: boolean): Promise<void> => {
    if (wasFailed) failed--; // retried: counted again by its new outcome
    let task: CamTask;
    try {
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
      task = { imageId, file, width: img.width, height: img.height, targets };
    } catch (e) {
      fail(imageId, (e as Error).message);
      return;
    }
    if (task.targets && task.targets.length === 0) {
      // no tag the model knows: nothing to explain, no mask; the image counts as done
      if (commitImage(project, ctx, { imageId, cams: [], storeCams: false, png: null }).written) succeed();
      return;
    }
    try {
      const r = await pool.run(task);
      const out = commitImage(project, ctx, { imageId, cams: r.cams, storeCams: true, png: r.png });
      if (out.written) {
        if (out.keptHuman) keptHuman++;
        succeed();
      }
    } catch (e) {
      fail(imageId, (e as Error).message.split('\n')[0]);
    }
  };

  let cancelled = false;
  try {
    let next = 0;
    // one extra lane with worker threads: the next image is decoded and preprocessed here
    // while the workers compute, so they never wait on this thread
    const laneCount = Math.max(1, pool.size) + (workers > 0 ? 1 : 0);
    const lanes = Array.from({ length: laneCount }, async () => {
      while (next < todo.length) {
        if (opts.signal?.aborted) {
          cancelled = true;
          return;
        }
        const item = todo[next++];
        await one(item.imageId, item.state === 'failed');
      }
    });
    await Promise.all(lanes);
    if (opts.signal?.aborted && next < todo.length) cancelled = true;
  } catch (e) {
    await pool.close().catch(() => undefined);
    const message = `job ${jobId} failed: ${(e as Error).message.split('\n')[0]}`;
    setStatus('failed', message);
    emit('failed', message);
    return summary('failed', message);
  }
  await pool.close();
  finalStatus(cancelled);
  const state: JobState = cancelled ? 'cancelled' : 'done';
  emit(state);
  return summary(state);
}
