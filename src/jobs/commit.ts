// Writing one image's result: its CAMs, its mask version and its job item — one
// transaction, so after a crash or `kill -9` the image is either fully done or still
// pending. What becomes current (never replacing human work) is decided by the project's
// mask door, project/mask-writes.ts.
import type { ReviewStatus } from '../contract/api.ts';
import type { Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';
import { APP_VERSION } from '../project/version.ts';
import type { StoredCam } from '../masks/cam-mask.ts';
import type { RefineSettings, StepRecord } from '../masks/refine/index.ts';

export interface ImageResult {
  imageId: number;
  /** the CAMs the mask was made from (empty: nothing to explain) */
  cams: readonly StoredCam[];
  /** deeper layers' CAMs by layer, stored with them */
  deep?: Readonly<Record<string, readonly StoredCam[]>>;
  /** also written to the cams table (false when re-thresholding: they are already there) */
  storeCams: boolean;
  png: Uint8Array | null;
  /** the classes `png` holds, as its encoder counted them (then the door does not inflate it again) */
  classes?: readonly number[];
  /** what the refinement steps did for this mask */
  steps?: StepRecord[];
}

export interface CommitContext {
  jobId: number;
  modelHash: string;
  /** cams.method and the mask provenance's method: the CAM method plus its multi-scale variant */
  camMethod: string;
  layer: string;
  thresholds: Record<string, number>;
  /** the job's refinement chain (null or absent: raw CAMs) */
  refine?: RefineSettings | null;
  /** the masks go in as versions only (the image's current mask stays) */
  keepCurrent?: boolean;
}

export interface CommitOutcome {
  /** false: the item was already done (another process got there first); nothing written */
  written: boolean;
  maskId: number | null;
  madeCurrent: boolean;
  /** the mask went in as a non-current version because of human work */
  keptHuman: boolean;
}

export function commitImage(project: Project, ctx: CommitContext, r: ImageResult): CommitOutcome {
  const now = new Date().toISOString();
  return writeTransaction(project.db, (): CommitOutcome => {
    const item = project.jobItems.get(ctx.jobId, r.imageId);
    if (!item || item.state === 'done') return { written: false, maskId: null, madeCurrent: false, keptHuman: false };
    if (r.storeCams) {
      const put = (c: StoredCam, layer: string) =>
        project.cams.put({ imageId: r.imageId, classIndex: c.classIndex, modelHash: ctx.modelHash, method: ctx.camMethod, layer, h: c.h, w: c.w, data: c.f16 }, now);
      for (const c of r.cams) put(c, ctx.layer);
      for (const [layer, cams] of Object.entries(r.deep ?? {})) for (const c of cams) put(c, layer);
    }
    let maskId: number | null = null;
    let madeCurrent = false;
    let keptHuman = false;
    let before: { maskId: number | null; status: ReviewStatus };
    if (r.png) {
      const w = project.maskWrites.generated(
        r.imageId,
        r.classes ? { png: r.png, classes: r.classes } : r.png,
        { method: ctx.camMethod, layer: ctx.layer, thresholds: ctx.thresholds, modelHash: ctx.modelHash, engineVersion: APP_VERSION, jobId: ctx.jobId, ...(ctx.refine ? { refine: { settings: ctx.refine, steps: r.steps ?? [] } } : {}) },
        now,
        ctx.keepCurrent ?? false,
      );
      ({ before, madeCurrent, keptHuman } = w);
      maskId = w.version.id;
    } else {
      before = { maskId: project.masks.currentVersion(r.imageId)?.id ?? null, status: project.images.get(r.imageId).status };
    }
    project.jobItems.markDone(ctx.jobId, r.imageId, { maskId, prevMaskId: before.maskId, prevStatus: before.status, madeCurrent, classes: r.cams.map((c) => c.classIndex) }, now);
    return { written: true, maskId, madeCurrent, keptHuman };
  });
}

export function commitFailure(project: Project, jobId: number, imageId: number, message: string): void {
  project.jobItems.markFailed(jobId, imageId, message.slice(0, 2000), new Date().toISOString());
}
