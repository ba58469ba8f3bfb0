// The jobs surface for services, the CLI and the studio's Generate panel:
//
//   const h = startJob(project, { model, method, layer, mask: { bg }, selection }, { workers });
//   const off = onProgress((p) => ...);   // every job's JobProgress events (or onProgress(h.jobId, fn))
//   cancelJob(h.jobId);                   // images in flight finish, then it stops (resumable)
//   const summary = await h.done;         // JobSummary; never rejects for per-image errors
//
// startJob (and startRethreshold) resume an unfinished job with the same frozen parameters
// (or `jobId`), and return at once (h.jobId is known synchronously; the run continues in
// the background). Every kind reports through the same bus and cancels the same way.
import type { RefineChoice } from '../masks/refine/index.ts';
import { EventEmitter } from 'node:events';
import type { Project } from '../project/index.ts';
import { createOrResume, generationJob, generationParams, type GenerateInput } from './create.ts';
import { prepareRethreshold } from './rethreshold.ts';
import { runGeneration, type RunOptions } from './runner.ts';
import type { JobProgress, JobSummary } from './types.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';

export type * from './types.ts';
export type { GenerateInput } from './create.ts';
export type { RunOptions } from './runner.ts';
export { registerModel, registerInspected, inspectModelFile, findModel, modelInfo, type InspectedModel, type RegisterOptions, type RegisterReport, type StoredModelInfo } from './models.ts';
export { rollbackJob, forceRollback, type RollbackReport } from './rollback.ts';
export { mergeShards, type MergeReport } from './merge.ts';
export { prepareShardProject } from './shard-project.ts';
export { shardFrom, parseShard, shardRange, type Shard } from './shard.ts';
export { generationParams, createOrResume, generationJob } from './create.ts';
export { runGeneration, defaultWorkers } from './runner.ts';
export { rethresholdJob } from './rethreshold.ts';

export interface JobHandle {
  jobId: number;
  resumed: boolean;
  done: Promise<JobSummary>;
  cancel(): void;
}

const bus = new EventEmitter();
bus.setMaxListeners(0);
const running = new Map<number, AbortController>();

type Listener = (p: JobProgress) => void;

/** Subscribes to progress events of every job, or of one job. Returns the unsubscribe function. */
export function onProgress(listener: Listener): () => void;
export function onProgress(jobId: number, listener: Listener): () => void;
export function onProgress(a: number | Listener, b?: Listener): () => void {
  const fn: Listener = typeof a === 'function' ? a : (p) => p.jobId === a && b!(p);
  bus.on('progress', fn);
  return () => bus.off('progress', fn);
}

/** Asks a running job to stop after the images already in the workers. False when it is not running here. */
export function cancelJob(jobId: number): boolean {
  const c = running.get(jobId);
  if (!c) return false;
  c.abort();
  return true;
}

/** A job this process runs now. */
export function isRunning(jobId: number): boolean {
  return running.has(jobId);
}

export type StartInput = GenerateInput & { jobId?: number; /** a new job even when one with these parameters exists */ fresh?: boolean };

/** Starts (or resumes) a generation job in the background. Throws synchronously on bad parameters. */
export function startJob(project: Project, input: StartInput, opts: Omit<RunOptions, 'signal' | 'resumed'> = {}): JobHandle {
  let jobId: number;
  let resumed: boolean;
  if (input.jobId !== undefined) {
    generationJob(project, input.jobId);
    jobId = input.jobId;
    resumed = true;
  } else {
    const r = createOrResume(project, generationParams(project, input), { fresh: input.fresh });
    jobId = r.job.id;
    resumed = r.resumed;
  }
  return track(jobId, resumed, (signal) =>
    runGeneration(project, jobId, { ...opts, resumed, signal, onProgress: relay(opts.onProgress) }),
  );
}

/**
 * Re-thresholds (or re-refines) a finished generation job from its stored CAMs, in the
 * background, on engine workers (default one per core). `opts.refine` absent: the source
 * job's chain; a preset name, settings or null for another.
 */
export function startRethreshold(project: Project, sourceJob: number, mask: Partial<MaskSettings>, opts: { onProgress?: Listener; refine?: RefineChoice; workers?: number } = {}): JobHandle {
  const job = prepareRethreshold(project, sourceJob, mask, opts.refine);
  return track(job.jobId, job.resumed, (signal) => job.run({ signal, onProgress: relay(opts.onProgress), workers: opts.workers }));
}

/** the caller's listener, then the bus */
function relay(own: Listener | undefined): Listener {
  return (p) => {
    own?.(p);
    bus.emit('progress', p);
  };
}

function track(jobId: number, resumed: boolean, run: (signal: AbortSignal) => Promise<JobSummary>): JobHandle {
  if (running.has(jobId)) throw new Error(`job ${jobId} is already running`);
  const ac = new AbortController();
  running.set(jobId, ac);
  const done = run(ac.signal).finally(() => running.delete(jobId));
  return { jobId, resumed, done, cancel: () => ac.abort() };
}
export { createPreviewer, type Previewer, type PreviewOptions } from './preview.ts';
