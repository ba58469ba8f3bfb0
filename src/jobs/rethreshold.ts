// Re-thresholding (issue 4 item 3): a finished generation job's masks rebuilt from its
// stored CAMs with new mask settings — no model run. It is a job of its own (kind
// 'rethreshold', resumable, rollback-able) whose masks go through the same commit rule;
// maskFromStoredCams makes them, so the bytes equal a fresh generation with the settings.
import { StudioError } from '../contract/errors.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';
import type { Project } from '../project/index.ts';
import { commitFailure, commitImage } from './commit.ts';
import { generationJob } from './create.ts';
import type { StoredCam } from '../masks/cam-mask.ts';
import { maskFromStoredCams } from './mask.ts';
import { canonical, jobMaskSettings, storedCamMethod } from './params.ts';
import { RateMeter } from './progress.ts';
import { thresholdsOf } from './runner.ts';
import type { JobError, JobProgress, JobSummary, RethresholdParams } from './types.ts';

export interface RethresholdOptions {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

export function rethresholdParams(project: Project, sourceJob: number, mask: Partial<MaskSettings>): RethresholdParams {
  const { params } = generationJob(project, sourceJob);
  return canonical({ sourceJob, modelHash: params.modelHash, camMethod: storedCamMethod(params.method, params.multiScale), layer: params.layer, mask: jobMaskSettings(mask) });
}

/** Creates (or resumes, same parameters) and runs a re-thresholding job over the source job's done images. */
export async function rethresholdJob(project: Project, sourceJob: number, mask: Partial<MaskSettings>, opts: RethresholdOptions = {}): Promise<JobSummary> {
  const started = performance.now();
  const params = rethresholdParams(project, sourceJob, mask);
  const { job, resumed } = project.db
    .transaction(() => {
      const open = project.jobs.findLatest('rethreshold', params as unknown as Record<string, unknown>);
      if (open) return { job: open, resumed: true };
      const done = project.jobItems.list(sourceJob, { states: ['done'] }).filter((i) => i.maskId !== null || i.classes.length > 0);
      if (done.length === 0) throw new StudioError('BAD_REQUEST', `job ${sourceJob} has no finished images to re-threshold`);
      const j = project.jobs.create('rethreshold', params as unknown as Record<string, unknown>, new Date().toISOString());
      project.jobItems.addAll(j.id, done.map((i) => i.imageId));
      return { job: j, resumed: false };
    })
    .immediate();
  const jobId = job.id;
  const sourceItems = new Map(project.jobItems.list(sourceJob, { states: ['done'] }).map((i) => [i.imageId, i]));
  const todo = project.jobItems.list(jobId, { states: ['pending'] });
  const total = project.jobItems.counts(jobId).total;
  let done = total - todo.length - project.jobItems.counts(jobId).failed;
  let failed = project.jobItems.counts(jobId).failed;
  let processed = 0;
  let keptHuman = 0;
  const errors: JobError[] = [];
  const meter = new RateMeter();
  const ctx = { jobId, modelHash: params.modelHash, camMethod: params.camMethod, layer: params.layer, thresholds: thresholdsOf(params.mask) };
  const progress = (state: JobProgress['state']): JobProgress => ({
    jobId,
    kind: 'rethreshold',
    state,
    total,
    done,
    failed,
    processed,
    imagesPerSec: meter.rate(),
    etaSec: processed ? meter.eta(total - done - failed) : null,
    errors: errors.slice(-100),
    errorCount: errors.length,
    backend: 'none (stored CAMs)',
    workers: 1,
  });
  project.jobs.setStatus(jobId, 'running', new Date().toISOString());
  let cancelled = false;
  for (const item of todo) {
    if (opts.signal?.aborted) {
      cancelled = true;
      break;
    }
    try {
      const img = project.images.get(item.imageId);
      const src = sourceItems.get(item.imageId);
      if (!src) throw new Error(`image ${item.imageId} is no longer done in job ${sourceJob}`);
      const cams: StoredCam[] = src.classes.map((c) => {
        const rec = project.cams.get({ imageId: item.imageId, classIndex: c, modelHash: params.modelHash, method: params.camMethod, layer: params.layer });
        if (!rec) throw new Error(`${img.name}: the stored CAM of class ${c} is missing (was it pruned?)`);
        return { classIndex: c, h: rec.h, w: rec.w, f16: rec.data };
      });
      const png = cams.length ? maskFromStoredCams(cams, img.width, img.height, params.mask) : null;
      const out = commitImage(project, ctx, { imageId: item.imageId, cams, storeCams: false, png });
      if (out.keptHuman) keptHuman++;
      done++;
    } catch (e) {
      commitFailure(project, jobId, item.imageId, (e as Error).message);
      failed++;
      let name = String(item.imageId);
      try {
        name = project.images.get(item.imageId).name;
      } catch {
        // deleted image
      }
      errors.push({ imageId: item.imageId, name, message: (e as Error).message });
    }
    processed++;
    meter.tick();
    opts.onProgress?.(progress('running'));
    // yield now and then so a UI's cancel and events get through
    if (processed % 64 === 0) await new Promise((r) => setImmediate(r));
  }
  const c = project.jobItems.counts(jobId);
  project.jobs.setStatus(jobId, c.pending === 0 ? 'done' : 'cancelled', new Date().toISOString());
  const state = cancelled ? 'cancelled' : 'done';
  opts.onProgress?.(progress(state));
  return { jobId, kind: 'rethreshold', state, total, done, failed, processed, resumed, keptHuman, errors, seconds: (performance.now() - started) / 1000, backend: 'none (stored CAMs)', workers: 1 };
}
