// Jobs that rebuild masks from a finished generation job's stored CAMs, without a model
// (re-thresholding today; re-refining with a refinement chain next): the job is created
// over the source job's finished images, or resumed when one with the same parameters is
// open, and one image's work reads its CAMs back and commits the new mask. A kind adds
// only its parameters and how a mask is made from the CAMs.
import { StudioError } from '../contract/errors.ts';
import type { StoredCam } from '../masks/cam-mask.ts';
import type { ImageRecord, JobRecord, Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';
import { commitImage, type CommitContext } from './commit.ts';
import type { JobWork } from './loop.ts';
import type { MadeMask } from './mask.ts';
import type { JobKind } from './types.ts';

/** The job of `kind` with these parameters, created over `sourceJob`'s finished images when none is open. */
export function createOrResumeFromCams(project: Project, kind: JobKind, params: object, sourceJob: number): { job: JobRecord; resumed: boolean } {
  const key = params as Record<string, unknown>;
  return writeTransaction(project.db, () => {
      const open = project.jobs.findLatest(kind, key);
      if (open) return { job: open, resumed: true };
      const done = project.jobItems.list(sourceJob, { states: ['done'] }).filter((i) => i.maskId !== null || i.classes.length > 0);
      if (done.length === 0) throw new StudioError('BAD_REQUEST', `job ${sourceJob} has no finished images to rebuild masks from`);
      const j = project.jobs.create(kind, key, new Date().toISOString());
      project.jobItems.addAll(j.id, done.map((i) => i.imageId));
      return { job: j, resumed: false };
  });
}

/** What one image's mask is rebuilt from: the job layer's CAMs and the deeper layers' that were stored. */
export interface StoredCamsOfImage {
  cams: StoredCam[];
  deep: Record<string, StoredCam[]>;
}

/**
 * One image = the CAMs `sourceJob` stored for it (its layer, and `deepLayers` where they
 * were stored) → `mask` → committed under `ctx` (the cams table already holds the CAMs).
 */
export function storedCamWork(
  project: Project,
  sourceJob: number,
  ctx: CommitContext,
  deepLayers: readonly string[],
  mask: (stored: StoredCamsOfImage, image: ImageRecord) => Promise<MadeMask>,
): JobWork {
  const sourceItems = new Map(project.jobItems.list(sourceJob, { states: ['done'] }).map((i) => [i.imageId, i]));
  return {
    backend: 'none (stored CAMs)',
    lanes: 1,
    async run(imageId) {
      const img = project.images.get(imageId);
      const src = sourceItems.get(imageId);
      if (!src) throw new Error(`image ${imageId} is no longer done in job ${sourceJob}`);
      const cams: StoredCam[] = src.classes.map((c) => {
        const rec = project.cams.get({ imageId, classIndex: c, modelHash: ctx.modelHash, method: ctx.camMethod, layer: ctx.layer });
        if (!rec) throw new Error(`${img.name}: the stored CAM of class ${c} is missing (was it pruned?)`);
        return { classIndex: c, h: rec.h, w: rec.w, f16: rec.data };
      });
      // a deeper layer's CAMs may be absent (a job made without a gate): the chain says so in the mask's provenance
      const deep: Record<string, StoredCam[]> = {};
      for (const layer of deepLayers) {
        const got = src.classes.flatMap((c) => {
          const rec = project.cams.get({ imageId, classIndex: c, modelHash: ctx.modelHash, method: ctx.camMethod, layer });
          return rec ? [{ classIndex: c, h: rec.h, w: rec.w, f16: rec.data }] : [];
        });
        if (got.length === cams.length) deep[layer] = got;
      }
      const made = cams.length ? await mask({ cams, deep }, img) : null;
      return commitImage(project, ctx, { imageId, cams, storeCams: false, png: made?.png ?? null, steps: made?.steps });
    },
    close: async () => undefined,
  };
}
