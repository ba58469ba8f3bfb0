// Jobs that rebuild masks from a finished generation job's stored CAMs, without a model
// (re-thresholding and re-refining): the job is created over the source job's finished
// images, or resumed when one with the same parameters is open; one image's work reads its
// maps back (stored-cams.ts), an engine worker makes the mask (decoding the image for a
// chain's PAR step), and this thread commits it.
import { StudioError } from '../contract/errors.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';
import { deepLayersOf, type RefineSettings } from '../masks/refine/index.ts';
import type { JobRecord, Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';
import { commitImage, type CommitContext } from './commit.ts';
import type { JobWork } from './loop.ts';
import { readStoredCams } from './stored-cams.ts';
import type { JobKind } from './types.ts';
import type { EnginePool } from './workers/types.ts';

/**
 * The job of `kind` with these parameters, created over `sourceJob`'s finished images
 * (those `keep` accepts, when given) when none is open.
 */
export function createOrResumeFromCams(project: Project, kind: JobKind, params: object, sourceJob: number, keep?: (imageId: number) => boolean): { job: JobRecord; resumed: boolean } {
  const key = params as Record<string, unknown>;
  return writeTransaction(project.db, () => {
    const open = project.jobs.findLatest(kind, key);
    if (open) return { job: open, resumed: true };
    const done = project.jobItems.list(sourceJob, { states: ['done'] }).filter((i) => (i.maskId !== null || i.classes.length > 0) && (!keep || keep(i.imageId)));
    if (done.length === 0) throw new StudioError('BAD_REQUEST', `job ${sourceJob} has no ${keep ? 'such ' : ''}finished images to rebuild masks from`);
    const j = project.jobs.create(kind, key, new Date().toISOString());
    project.jobItems.addAll(j.id, done.map((i) => i.imageId));
    return { job: j, resumed: false };
  });
}

/**
 * One image = the CAMs `sourceJob` stored for it (its layer, and the deeper layers the
 * chain reads) → a mask with `mask` and `refine` on `pool` → committed under `ctx` (the
 * cams table already holds the CAMs).
 */
export function storedCamWork(project: Project, sourceJob: number, ctx: CommitContext, mask: MaskSettings, refine: RefineSettings | null, pool: EnginePool): JobWork {
  const sourceItems = new Map(project.jobItems.list(sourceJob, { states: ['done'] }).map((i) => [i.imageId, i]));
  const deepLayers = deepLayersOf(refine);
  return {
    backend: 'none (stored CAMs)',
    // one image waits in the queue, so a worker that finishes takes the next at once
    lanes: pool.size + 1,
    async run(imageId) {
      const img = project.images.get(imageId);
      const src = sourceItems.get(imageId);
      if (!src) throw new Error(`image ${imageId} is no longer done in job ${sourceJob}`);
      const { cams, deep } = readStoredCams(project, ctx, imageId, src.classes, deepLayers, img.name);
      const made = cams.length
        ? await pool.mask({ width: img.width, height: img.height, cams, deep, file: refine?.par ? project.imagePath(imageId) : null, settings: mask, refine })
        : null;
      return commitImage(project, ctx, { imageId, cams, storeCams: false, png: made?.png ?? null, classes: made?.classes, steps: made?.steps, bg: made?.bg });
    },
    close: () => pool.close(),
  };
}
