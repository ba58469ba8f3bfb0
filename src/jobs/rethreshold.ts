// Re-thresholding and re-refining: a finished generation job's masks rebuilt from its
// stored CAMs with new mask settings and/or another refinement chain — no model run (the
// image is decoded again when the chain has a PAR step). A job of its own (kind
// 'rethreshold', resumable, rollback-able) in the job loop, whose masks are made on engine
// workers (the UI's thread only reads the maps and commits) and go through the same commit
// rule; maskFromStoredCams makes them, so the bytes equal a fresh generation with the same
// settings and chain.
import { canonical } from '../contract/canonical.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';
import { resolveRefine, type RefineChoice } from '../masks/refine/index.ts';
import type { Project } from '../project/index.ts';
import { generationJob } from './create.ts';
import { createOrResumeFromCams, storedCamWork } from './from-stored-cams.ts';
import { runJobLoop } from './loop.ts';
import { jobMaskSettings, storedCamMethod } from './params.ts';
import { defaultWorkers, thresholdsOf } from './runner.ts';
import type { JobProgress, JobSummary, RethresholdParams, RethresholdScope } from './types.ts';
import { defaultPoolFactory } from './workers/pools.ts';
import type { EnginePoolFactory } from './workers/types.ts';

export interface RethresholdOptions {
  signal?: AbortSignal;
  onProgress?: (p: JobProgress) => void;
  /** engine workers (default: one per core); 0 makes the masks in this thread */
  workers?: number;
  /** how engine pools are made (default: worker threads, or in-process for workers = 0) */
  pool?: EnginePoolFactory;
}

/** `refine` absent: the source job's chain; a preset name, settings, or null/'none' for raw CAMs. */
export function rethresholdParams(project: Project, sourceJob: number, mask: Partial<MaskSettings>, refine?: RefineChoice, scope: RethresholdScope = {}): RethresholdParams {
  const { params } = generationJob(project, sourceJob);
  return canonical({
    sourceJob,
    modelHash: params.modelHash,
    camMethod: storedCamMethod(params.method, params.multiScale),
    layer: params.layer,
    mask: jobMaskSettings(mask),
    refine: refine === undefined ? params.refine : resolveRefine(refine, params.layer),
    ...scope,
  });
}

/** an image no person has reviewed: its mask is the studio's to rebuild */
const unreviewed = (project: Project) => (imageId: number) => ['unreviewed', 'generated'].includes(project.images.get(imageId).status) && !project.maskWrites.personOwns(imageId);

/** The re-thresholding job (created, or resumed with the same parameters), ready to run. */
export function prepareRethreshold(
  project: Project,
  sourceJob: number,
  mask: Partial<MaskSettings>,
  refine?: RefineChoice,
  scope: RethresholdScope = {},
): { jobId: number; resumed: boolean; run(opts?: RethresholdOptions): Promise<JobSummary> } {
  const params = rethresholdParams(project, sourceJob, mask, refine, scope);
  const { job, resumed } = createOrResumeFromCams(project, 'rethreshold', params, sourceJob, params.only === 'unreviewed' ? unreviewed(project) : undefined);
  const ctx = { jobId: job.id, modelHash: params.modelHash, camMethod: params.camMethod, layer: params.layer, thresholds: thresholdsOf(params.mask), refine: params.refine };
  return {
    jobId: job.id,
    resumed,
    run: ({ workers: asked, pool, ...opts } = {}) => {
      const workers = Math.max(0, Math.floor(asked ?? defaultWorkers()));
      return runJobLoop({
        project,
        jobId: job.id,
        kind: 'rethreshold',
        workers,
        scope: project.jobItems.list(job.id),
        resumed,
        ...opts,
        open: async () => storedCamWork(project, sourceJob, ctx, params.mask, params.refine, await (pool ?? defaultPoolFactory)({ spec: null, keepPixels: 0 }, workers)),
      });
    },
  };
}

/** Creates (or resumes, same parameters) and runs a re-thresholding job over the source job's done images. */
export function rethresholdJob(project: Project, sourceJob: number, mask: Partial<MaskSettings>, opts: RethresholdOptions & { refine?: RefineChoice } = {}): Promise<JobSummary> {
  const { refine, ...run } = opts;
  return prepareRethreshold(project, sourceJob, mask, refine).run(run);
}
