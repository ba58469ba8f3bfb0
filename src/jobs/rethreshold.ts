// Re-thresholding: a finished generation job's masks rebuilt from its stored CAMs with new
// mask settings — no model run. A job of its own (kind 'rethreshold', resumable,
// rollback-able) in the job loop, whose masks go through the same commit rule;
// maskFromStoredCams makes them, so the bytes equal a fresh generation with the settings.
import type { MaskSettings } from '../masks/cam-mask.ts';
import type { Project } from '../project/index.ts';
import { generationJob } from './create.ts';
import { createOrResumeFromCams, storedCamWork } from './from-stored-cams.ts';
import { runJobLoop } from './loop.ts';
import { maskFromStoredCams } from './mask.ts';
import { canonical, jobMaskSettings, storedCamMethod } from './params.ts';
import { thresholdsOf } from './runner.ts';
import type { JobProgress, JobSummary, RethresholdParams } from './types.ts';

export interface RethresholdOptions {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
}

export function rethresholdParams(project: Project, sourceJob: number, mask: Partial<MaskSettings>): RethresholdParams {
  const { params } = generationJob(project, sourceJob);
  return canonical({ sourceJob, modelHash: params.modelHash, camMethod: storedCamMethod(params.method, params.multiScale), layer: params.layer, mask: jobMaskSettings(mask) });
}

/** The re-thresholding job (created, or resumed with the same parameters), ready to run. */
export function prepareRethreshold(project: Project, sourceJob: number, mask: Partial<MaskSettings>): { jobId: number; resumed: boolean; run(opts?: RethresholdOptions): Promise<JobSummary> } {
  const params = rethresholdParams(project, sourceJob, mask);
  const { job, resumed } = createOrResumeFromCams(project, 'rethreshold', params, sourceJob);
  const ctx = { jobId: job.id, modelHash: params.modelHash, camMethod: params.camMethod, layer: params.layer, thresholds: thresholdsOf(params.mask) };
  return {
    jobId: job.id,
    resumed,
    run: (opts = {}) =>
      runJobLoop({
        project,
        jobId: job.id,
        kind: 'rethreshold',
        workers: 1,
        scope: project.jobItems.list(job.id),
        resumed,
        ...opts,
        open: async () => storedCamWork(project, sourceJob, ctx, (cams, img) => maskFromStoredCams(cams, img.width, img.height, params.mask)),
      }),
  };
}

/** Creates (or resumes, same parameters) and runs a re-thresholding job over the source job's done images. */
export function rethresholdJob(project: Project, sourceJob: number, mask: Partial<MaskSettings>, opts: RethresholdOptions = {}): Promise<JobSummary> {
  return prepareRethreshold(project, sourceJob, mask).run(opts);
}
