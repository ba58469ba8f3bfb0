// The one job loop every kind of batch job runs through: the images of its scope not yet
// done (pending, and failed ones with retryFailed) go through the kind's `work` a few lanes
// at a time; each outcome is counted, a failure is recorded on its job item, a progress
// record follows every image, and cancel stops taking new images (those in flight finish).
// The job's status and the run's summary come out the same way for every kind.
//
// A kind supplies only what differs (see runner.ts, rethreshold.ts): how its work is set
// up (an engine pool: worker threads, or this thread) and what one image is.
import type { Project } from '../project/index.ts';
import type { JobItem } from '../project/repos/job-items.ts';
import { commitFailure } from './commit.ts';
import { RateMeter } from './progress.ts';
import { StudioError } from '../contract/errors.ts';
import { storageFailure } from '../project/db.ts';
import { acquireRunLock } from './run-lock.ts';
import type { Shard } from './shard.ts';
import type { JobError, JobKind, JobProgress, JobState, JobSummary } from './types.ts';

/** the newest failures a progress record carries (errorCount counts them all) */
const MAX_ERRORS = 100;
/** images between yields to the event loop, so a cancel and the progress events get through */
const YIELD_EVERY = 64;

export interface JobWork {
  /** the engine backend, or what stands in for it */
  backend: string;
  /** how many images may be in flight at once */
  lanes: number;
  /**
   * One image, committed. written: false when another process finished it first (nothing
   * counted); keptHuman: its mask went in as a non-current version. Throws on a failure
   * (the message's first line is recorded).
   */
  run(imageId: number): Promise<{ written: boolean; keptHuman: boolean }>;
  close(): Promise<void>;
}

export interface JobRun {
  project: Project;
  jobId: number;
  kind: JobKind;
  workers: number;
  /** the items this run covers (the job, or its shard slice) */
  scope: readonly JobItem[];
  /** the shard `scope` is (null: the whole job); disjoint shards may run in parallel processes */
  shard?: Shard | null;
  retryFailed?: boolean;
  resumed?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  /** why the job cannot run at all (checked before anything starts), or null */
  refuse?: () => string | null;
  /** sets the work up; a rejection fails the job with the error's message as it is */
  open(): Promise<JobWork>;
}

/**
 * Runs the job holding the project's cross-process run lock (run-lock.ts): when another
 * process runs this project's job (or an overlapping shard of it), this rejects with a
 * StudioError naming that process, before any item or status is touched.
 */
export async function runJobLoop(run: JobRun): Promise<JobSummary> {
  const lock = acquireRunLock(run.project, run.jobId, run.kind, run.shard ?? null);
  try {
    return await runLocked(run);
  } catch (e) {
    // a full or failing disk before or after the images (the job's own status updates)
    throw storageFailure(e, `job ${run.jobId}`) ?? e;
  } finally {
    lock.release();
  }
}

async function runLocked(run: JobRun): Promise<JobSummary> {
  const { project, jobId, kind, scope } = run;
  const started = performance.now();
  const todo = scope.filter((i) => i.state === 'pending' || (run.retryFailed && i.state === 'failed'));
  let done = scope.filter((i) => i.state === 'done').length;
  let failed = scope.filter((i) => i.state === 'failed').length;
  let processed = 0;
  let keptHuman = 0;
  let errorCount = 0;
  const errors: JobError[] = [];
  let backend = '';
  const meter = new RateMeter();

  const record = (state: JobState, message?: string): JobProgress => ({
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
    keptHuman,
    backend,
    workers: Math.max(1, run.workers),
    ...(message ? { message } : {}),
  });
  const emit = (state: JobState, message?: string) => run.onProgress?.(record(state, message));
  const finish = (state: JobState, message?: string): JobSummary => {
    emit(state, message);
    return { ...record(state, message), resumed: run.resumed ?? false, seconds: (performance.now() - started) / 1000 };
  };
  const setStatus = (s: 'running' | 'done' | 'failed' | 'cancelled' | 'queued', error: string | null = null) =>
    project.jobs.setStatus(jobId, s, new Date().toISOString(), error);
  const failJob = (message: string): JobSummary => {
    try {
      setStatus('failed', message);
    } catch (e) {
      // a full disk may refuse even this; the summary still says why, and the job resumes
      if (!storageFailure(e, '')) throw e;
    }
    return finish('failed', message);
  };
  const settle = (cancelled: boolean): JobSummary => {
    // pending items left and not cancelled: other shards' slices are still to run
    const pending = project.jobItems.counts(jobId).pending;
    setStatus(pending === 0 ? 'done' : cancelled ? 'cancelled' : 'queued');
    return finish(cancelled ? 'cancelled' : 'done');
  };

  const refused = run.refuse?.() ?? null;
  if (refused) return failJob(refused);
  if (todo.length === 0) return settle(false);
  if (run.signal?.aborted) return settle(true);
  emit('starting');
  setStatus('running');
  let work: JobWork | null;
  try {
    // a cancel while the workers start (loading a model takes seconds) stops the job at once
    work = await unlessAborted(run.open(), run.signal);
  } catch (e) {
    return failJob((e as Error).message);
  }
  if (!work) return settle(true);
  backend = work.backend;

  const counted = async () => {
    processed++;
    meter.tick();
    emit('running');
    if (processed % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
  };
  // a full or failing disk stops the whole run (every next image would fail the same way);
  // the image it hit stays pending, so running the job again resumes there
  let storage: StudioError | null = null;
  const one = async (item: JobItem): Promise<void> => {
    let out: { written: boolean; keptHuman: boolean };
    try {
      out = await work.run(item.imageId);
    } catch (e) {
      storage ??= storageFailure(e, project.dir);
      if (storage) return;
      const message = (e as Error).message.split('\n')[0];
      try {
        commitFailure(project, jobId, item.imageId, message);
      } catch (e2) {
        storage ??= storageFailure(e2, project.dir);
        if (storage) return;
        throw e2;
      }
      if (item.state === 'failed') failed--; // retried: counted again by its new outcome
      failed++;
      errorCount++;
      errors.push({ imageId: item.imageId, name: imageName(project, item.imageId), message });
      if (errors.length > MAX_ERRORS) errors.shift();
      return counted();
    }
    if (!out.written) return;
    if (item.state === 'failed') failed--;
    done++;
    if (out.keptHuman) keptHuman++;
    return counted();
  };

  let cancelled = false;
  try {
    let next = 0;
    const lanes = Array.from({ length: Math.max(1, work.lanes) }, async () => {
      while (next < todo.length && !storage) {
        if (run.signal?.aborted) {
          cancelled = true;
          return;
        }
        await one(todo[next++]);
      }
    });
    await Promise.all(lanes);
    if (run.signal?.aborted && next < todo.length) cancelled = true;
  } catch (e) {
    await work.close().catch(() => undefined);
    return failJob(`job ${jobId} failed: ${(e as Error).message.split('\n')[0]}`);
  }
  await work.close();
  if (storage) {
    const left = scope.length - done - failed;
    return failJob(`job ${jobId} stopped: ${(storage as StudioError).message}; the ${done} image${done === 1 ? '' : 's'} done are kept, and running the same job again resumes with the ${left} left`);
  }
  return settle(cancelled);
}

/** `open`'s work, or null as soon as `signal` aborts (the work, when it arrives, is closed) */
function unlessAborted(open: Promise<JobWork>, signal: AbortSignal | undefined): Promise<JobWork | null> {
  if (!signal) return open;
  return new Promise((resolve, reject) => {
    let gaveUp = false;
    const onAbort = () => {
      gaveUp = true;
      resolve(null);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    open.then(
      (work) => {
        signal.removeEventListener('abort', onAbort);
        if (gaveUp) void work.close().catch(() => undefined);
        else resolve(work);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!gaveUp) reject(e);
      },
    );
  });
}

function imageName(project: Project, imageId: number): string {
  try {
    return project.images.get(imageId).name;
  } catch {
    return String(imageId); // deleted meanwhile: its id names it
  }
}
