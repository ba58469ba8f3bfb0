// Writing one image's result: its CAMs, its mask version and its job item — one
// transaction, so after a crash or `kill -9` the image is either fully done or still
// pending. The never-replace-human-work rule lives here: when the image's current mask
// was edited or imported by a person, or the image is approved, the generated mask is
// stored as a non-current version.
import { decodeLabelPng } from '../project/png.ts';
import type { MaskProvenance, Project } from '../project/index.ts';
import { APP_VERSION } from '../project/version.ts';
import type { StoredCam } from '../masks/cam-mask.ts';

export interface ImageResult {
  imageId: number;
  /** the CAMs the mask was made from (empty: nothing to explain) */
  cams: readonly StoredCam[];
  /** also written to the cams table (false when re-thresholding: they are already there) */
  storeCams: boolean;
  png: Uint8Array | null;
}

export interface CommitContext {
  jobId: number;
  modelHash: string;
  /** cams.method and the mask provenance's method: the CAM method plus its multi-scale variant */
  camMethod: string;
  layer: string;
  thresholds: Record<string, number>;
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
  return project.db.transaction((): CommitOutcome => {
    const item = project.jobItems.get(ctx.jobId, r.imageId);
    if (!item || item.state === 'done') return { written: false, maskId: null, madeCurrent: false, keptHuman: false };
    const img = project.images.get(r.imageId);
    if (r.storeCams) {
      for (const c of r.cams) {
        project.cams.put({ imageId: r.imageId, classIndex: c.classIndex, modelHash: ctx.modelHash, method: ctx.camMethod, layer: ctx.layer, h: c.h, w: c.w, data: c.f16 }, now);
      }
    }
    const cur = project.masks.current(r.imageId)?.version ?? null;
    let maskId: number | null = null;
    let madeCurrent = false;
    let keptHuman = false;
    if (r.png) {
      const m = decodeLabelPng(r.png, `generated mask for image ${r.imageId}`);
      if (m.width !== img.width || m.height !== img.height) {
        throw new Error(`generated mask for image ${r.imageId} is ${m.width}x${m.height}, the image is ${img.width}x${img.height}`);
      }
      const human = img.status === 'approved' || (cur !== null && (cur.provenance.source !== 'generated' || cur.frozen));
      const prov: MaskProvenance = {
        source: 'generated',
        method: ctx.camMethod,
        layer: ctx.layer,
        thresholds: ctx.thresholds,
        modelHash: ctx.modelHash,
        engineVersion: APP_VERSION,
        jobId: ctx.jobId,
      };
      maskId = project.masks.insert(r.imageId, r.png, img.width, img.height, prov, !human, now).id;
      madeCurrent = !human;
      keptHuman = human;
      if (madeCurrent && img.status === 'unreviewed') project.images.setStatus(r.imageId, 'generated');
    }
    project.jobItems.markDone(
      ctx.jobId,
      r.imageId,
      { maskId, prevMaskId: cur?.id ?? null, prevStatus: img.status, madeCurrent, classes: r.cams.map((c) => c.classIndex) },
      now,
    );
    return { written: true, maskId, madeCurrent, keptHuman };
    // IMMEDIATE: the write lock is taken (waiting out busy_timeout) before the first read, so
    // a write by another process in between cannot fail this with 'database is locked'
  }).immediate();
}

export function commitFailure(project: Project, jobId: number, imageId: number, message: string): void {
  project.jobItems.markFailed(jobId, imageId, message.slice(0, 2000), new Date().toISOString());
}
