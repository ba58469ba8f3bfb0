// The Generate panel's services (GenerationApi): registered models, one background
// generation job per project with throttled progress events, and a live threshold preview
// on an engine worker thread.
import { DEFAULT_AUTO_BACKGROUND, DEFAULT_REFINE_PRESET } from '../masks/refine/index.ts';
import { DEFAULT_CAM_LAYER, DEFAULT_CAM_METHOD, type GenerationApi, type GenerationStatus, type MaskThresholds, type PreviewRequest, type StartedJob } from '../contract/generation.ts';
import type { CalibrationApi } from '../contract/calibration.ts';
import { StudioError } from '../contract/errors.ts';
import { cancelJob, createPreviewer, generationJob, generationParams, isRunning, onProgress, rollbackJob, startJob, type JobHandle, type JobProgress, type Previewer, type StartInput } from '../jobs/index.ts';
import { jobInfos } from '../jobs/list.ts';
import { startingProgress } from '../jobs/progress.ts';
import { DEFAULT_MASK_SETTINGS, type MaskSettings } from '../masks/cam-mask.ts';
import type { Project } from '../project/index.ts';
import { assertNoOtherRun, describeHolder, otherHolder } from '../jobs/run-lock.ts';
import type { EventBus } from './events.ts';
import { modelSummaries } from './model-summary.ts';
import { THROTTLE_MS } from './events.ts';
import { PerProject } from './per-project.ts';
import { WarmWorker } from './warm-worker.ts';

/** an idle previewer's worker thread is stopped after this long */
const PREVIEW_IDLE_MS = 120_000;

/** Per open project, shared by every service object over it (Electron re-creates them). */
interface Runtime {
  job: JobProgress | null;
  running: boolean;
  preview: WarmWorker<Previewer>;
  /** settles when the running job has stopped */
  stopped: Promise<unknown> | null;
}

const runtimes = new PerProject<Runtime>(() => ({ job: null, running: false, preview: new WarmWorker(PREVIEW_IDLE_MS), stopped: null }));

/** The generation job running in this project (in this process), else null: a project switch waits for none. */
export function runningGeneration(project: Project): JobProgress | null {
  const r = runtimes.peek(project);
  return r?.running ? r.job : null;
}

/**
 * Before the project closes (server shutdown, project switch): cancels a running job (it
 * resumes next time), waits for it to stop, and stops the preview worker.
 */
export async function closeGenerationServices(project: Project): Promise<void> {
  const r = runtimes.peek(project);
  if (!r) return;
  if (r.running && r.job) cancelJob(r.job.jobId);
  await r.stopped?.catch(() => undefined);
  await r.preview.close();
}

/** The panel's thresholds as a job's mask settings: τ_bg per image when asked for, else the slider's for every image. */
function maskOf(t: MaskThresholds): Partial<MaskSettings> {
  const { bgPerImage, ...rest } = t;
  return { ...rest, bgAuto: bgPerImage ? { ...DEFAULT_AUTO_BACKGROUND } : null };
}

export function createGenerationService(project: Project, bus?: EventBus, opts: { workers?: number } = {}): GenerationApi & Pick<CalibrationApi, 'autoBackground'> {
  const rt = runtimes.of(project);

  function previewer(req: Pick<PreviewRequest, 'modelId' | 'method' | 'layer'>): Promise<Previewer> {
    const key = `${req.modelId ?? project.models.active()?.id}|${req.method}|${req.layer}`;
    return rt.preview.get(key, () => createPreviewer(project, { model: req.modelId, method: req.method, layer: req.layer, workers: 1 }));
  }

  function refuseWhileRunning(): void {
    if (rt.running && rt.job) {
      throw new StudioError('BAD_REQUEST', `a generation job (job ${rt.job.jobId}) is already running in ${project.info().name}; cancel it or wait for it to finish`);
    }
    // another studio or a CLI runs a job of this project: say so now, not "started"
    assertNoOtherRun(project);
  }

  /**
   * Runs a job in the background (the one this project runs): its progress goes to the
   * bus, throttled, and its last record as 'job.finished'.
   */
  function launch(start: (o: { workers?: number }) => JobHandle): StartedJob {
    let last = 0;
    let jobId = -1;
    const listener = (p: JobProgress) => {
      if (p.jobId !== jobId) return;
      const prev = rt.job;
      rt.job = p;
      const now = Date.now();
      const force = !prev || prev.jobId !== p.jobId || prev.state !== p.state || p.done + p.failed === p.total;
      if (!force && now - last < THROTTLE_MS) return;
      last = now;
      bus?.emit('job.progress', p);
    };
    const off = onProgress(listener);
    let handle: JobHandle;
    try {
      handle = start(opts.workers !== undefined ? { workers: opts.workers } : {});
    } catch (e) {
      off();
      throw e;
    }
    jobId = handle.jobId;
    rt.running = true;
    const first = startingProgress(project, jobId, 'generate');
    // the run may have got further already (a job with nothing to do settles at once)
    if (!rt.job || rt.job.jobId !== jobId) rt.job = first;
    bus?.emit('job.progress', first);
    rt.stopped = handle.done
      .then(
        (s) => {
          const { resumed: _resumed, ...record } = s;
          // the whole run's rate (the window's would describe only its last images)
          rt.job = { ...record, imagesPerSec: s.seconds > 0 ? s.processed / s.seconds : 0, etaSec: null };
        },
        (e: Error) => {
          rt.job = { ...(rt.job ?? first), state: 'failed', message: e.message };
        },
      )
      .finally(() => {
        off();
        rt.running = false;
        if (rt.job) bus?.emit('job.finished', { ...rt.job });
      });
    return { jobId, resumed: handle.resumed, job: first };
  }

  return {
    async listModels() {
      return modelSummaries(project);
    },

    async startGeneration(req) {
      refuseWhileRunning();
      const input: StartInput = { model: req.modelId, method: req.method, layer: req.layer, mask: maskOf(req.mask), refine: req.refine, selection: req.selection, keepCurrent: req.keepCurrent };
      // a finished job with the same parameters has nothing left to do: Start means "again"
      const latest = project.jobs.findLatest('generate', generationParams(project, input) as unknown as Record<string, unknown>);
      if (latest?.status === 'done') input.fresh = true;
      return launch((o) => startJob(project, input, o));
    },

    async resumeGeneration(jobId) {
      refuseWhileRunning();
      const { job } = generationJob(project, jobId);
      const c = project.jobItems.counts(jobId);
      if (c.pending + c.failed === 0) throw new StudioError('BAD_REQUEST', `job ${jobId} has nothing left to do: its ${c.done} images are done`);
      if (job.status === 'running' && isRunning(jobId)) throw new StudioError('BAD_REQUEST', `job ${jobId} is running`);
      return launch((o) => startJob(project, { jobId }, { ...o, retryFailed: true }));
    },

    async listJobs() {
      return jobInfos(project, (id) => rt.running && rt.job?.jobId === id).reverse();
    },

    async rollbackJob(jobId) {
      if (rt.running && rt.job?.jobId === jobId) throw new StudioError('BAD_REQUEST', `job ${jobId} is running; cancel it first, then roll it back`);
      return rollbackJob(project, jobId);
    },

    async cancelGeneration(jobId) {
      return cancelJob(jobId);
    },

    async generationStatus(): Promise<GenerationStatus> {
      const d = DEFAULT_MASK_SETTINGS;
      return {
        job: rt.job ?? unfinishedJob(project),
        running: rt.running,
        defaults: { method: DEFAULT_CAM_METHOD, layer: DEFAULT_CAM_LAYER, mask: { bg: d.bg, bgPerImage: true, ignoreBand: d.ignoreBand, minArea: d.minArea, fillHoles: d.fillHoles }, refine: DEFAULT_REFINE_PRESET },
      };
    },

    async previewMask(req) {
      project.images.get(req.imageId); // NOT_FOUND before any engine work
      const p = await previewer(req);
      return p.mask(req.imageId, maskOf({ bg: req.bg, bgPerImage: req.bgPerImage, ignoreBand: req.ignoreBand, minArea: req.minArea, fillHoles: req.fillHoles }), req.refine);
    },

    async autoBackground(req) {
      project.images.get(req.imageId); // NOT_FOUND before any engine work
      return (await previewer(req)).background(req.imageId, req.refine);
    },

    async humanMasks(imageIds) {
      const out = { approved: 0, edited: 0 };
      for (const id of new Set(imageIds)) {
        if (!project.maskWrites.personOwns(id)) continue;
        if (project.images.get(id).status === 'approved') out.approved++;
        else out.edited++;
      }
      return out;
    },
  };
}


/**
 * The project's latest generation job when it stopped before finishing (a crash, a killed
 * process, a closed studio) or runs in another process: what the Generate panel shows
 * before anything ran in this process, so a job that Start would resume is not hidden.
 */
function unfinishedJob(project: Project): JobProgress | null {
  const job = project.jobs.list().filter((j) => j.kind === 'generate').at(-1);
  if (!job || job.status === 'done' || job.rolledBackAt) return null;
  const c = project.jobItems.counts(job.id);
  if (c.pending === 0) return null;
  const holder = otherHolder(project);
  const cancelled = job.status === 'cancelled';
  const message = holder
    ? `${describeHolder(holder)}; its progress shows where it runs`
    : `job ${job.id} ${cancelled ? 'was cancelled' : 'stopped before it finished'}; Resume finishes the ${c.pending} image${c.pending === 1 ? '' : 's'} left`;
  return { jobId: job.id, kind: 'generate', state: cancelled ? 'cancelled' : 'paused', total: c.total, done: c.done, failed: c.failed, processed: 0, imagesPerSec: 0, etaSec: null, errors: [], errorCount: 0, keptHuman: 0, backend: '', workers: 0, message };
}
