// The StudioApi methods over one open Project: the single implementation both transports
// (browser-mode HTTP server, Electron IPC) reach through the studio host (host.ts), which
// adds the methods that choose the project. Inputs arrive already validated (validate.ts);
// the Project raises StudioError for anything it cannot find or read.
import type { CamInfo, ImagePage, ImageQuery, MaskOrigin, MaskVersionInfo, StudioApi } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';
import { isRefinePreset, presetOf, refinePreset } from '../masks/refine/index.ts';
import { editTags, mergeClasses, restoreMaskVersion, setStatusMany, updateClass } from '../project/editing.ts';
import type { MaskProvenance, MaskVersion, Project } from '../project/index.ts';
import { maskOverlay } from '../project/overlays.ts';
import { MaskSummaries } from './mask-summaries.ts';
import { checkMaskUpload } from './mask-upload.ts';
import { writeTransaction } from '../project/transaction.ts';
import { ScoreCache } from './scores.ts';
import type { EventBus } from './events.ts';
import { createExportService } from './export.ts';
import { createGenerationService } from './generation.ts';
import { createCalibrationService } from './calibration.ts';
import { createImportService } from './import-job.ts';
import { createModelsService } from './models.ts';

/** the methods that choose the project or a path (the host's own; the rest need an open project) */
export const HOST_METHODS = ['currentProject', 'recentProjects', 'createProject', 'openProject', 'forgetProject', 'listFolder'] as const;
export type HostMethod = (typeof HOST_METHODS)[number];
export type ProjectApi = Omit<StudioApi, HostMethod>;

export interface ProjectServiceOptions {
  /** where background work (generation jobs, imports, exports) reports progress */
  bus?: EventBus;
  /** a folder the user chose was used (the chooser's recent places) */
  used?(path: string): void;
}

function versionInfo(v: MaskVersion): MaskVersionInfo {
  const p = v.provenance;
  const out: MaskVersionInfo = { id: v.id, createdAt: v.createdAt, source: p.source, current: v.current, frozen: v.frozen, groundTruth: v.groundTruth };
  if (p.method !== undefined) out.method = p.method;
  if (p.layer !== undefined) out.layer = p.layer;
  // a method's mask without a chain is the raw CAM's
  if (p.refine) out.refine = presetOf(p.refine.settings) ?? 'custom';
  else if (p.method !== undefined) out.refine = 'none';
  if (p.thresholds?.bg !== undefined) out.bg = p.thresholds.bg;
  if (p.jobId !== undefined) out.jobId = p.jobId;
  return out;
}

/** the provenance an adopted mask records (the chain by its preset) */
function adoptedProvenance(o: MaskOrigin): Omit<MaskProvenance, 'source'> {
  if (!isRefinePreset(o.refine)) throw new StudioError('BAD_REQUEST', `adoptMask: unknown refinement chain '${o.refine}'`);
  const chain = refinePreset(o.refine);
  return { method: o.method, layer: o.layer, thresholds: { bg: o.bg }, ...(chain ? { refine: { settings: chain, steps: [] } } : {}) };
}

export function createProjectService(project: Project, opts: ProjectServiceOptions = {}): ProjectApi {
  const scores = new ScoreCache(project);
  const summaries = new MaskSummaries(project, scores);

  /** listImages with `rank`: scored images worst first, then the rest in `sort` order. */
  async function rankedPage(q: ImageQuery): Promise<ImagePage> {
    const { rank, offset, limit, ...filter } = q;
    const all = project.images.listAll(filter).map((i) => i.id);
    const scored = new Map((await scores.scores(all)).map((s) => [s.imageId, rank === 'confidence' ? s.confidence : s.disagreement]));
    const pos = new Map(all.map((id, k) => [id, k]));
    const ordered = [...all].sort((a, b) => {
      const sa = scored.get(a) ?? null;
      const sb = scored.get(b) ?? null;
      if (sa === null || sb === null) return sa === sb ? pos.get(a)! - pos.get(b)! : sa === null ? 1 : -1;
      const d = rank === 'confidence' ? sa - sb : sb - sa;
      return d !== 0 ? d : pos.get(a)! - pos.get(b)!;
    });
    const ids = ordered.slice(offset, offset + limit);
    return { total: all.length, offset, items: ids.map((id) => project.getImage(id)) };
  }

  return {
    ...createGenerationService(project, opts.bus),
    ...createExportService(project, opts.bus),
    ...createImportService(project, opts.bus, { used: opts.used }),
    ...createModelsService(project, opts.bus, { used: opts.used }),
    ...createCalibrationService(project, opts.bus),
    async projectInfo() {
      return project.info();
    },
    async listImages(query) {
      return query.rank ? rankedPage(query) : project.listImages(query);
    },
    async getImage(id) {
      return project.getImage(id);
    },
    thumbnail(id) {
      return project.thumbnail(id);
    },
    async maskOverlays(ids, style) {
      const pngs: Uint8Array[] = [];
      const classes = project.classes.colors();
      for (const id of ids) pngs.push(await maskOverlay(project, id, style, classes));
      const out = new Uint8Array(pngs.reduce((n, p) => n + 4 + p.length, 0));
      const view = new DataView(out.buffer);
      let at = 0;
      for (const p of pngs) {
        view.setUint32(at, p.length);
        out.set(p, at + 4);
        at += 4 + p.length;
      }
      return out;
    },
    async maskSummaries(imageIds) {
      return summaries.summaries(imageIds);
    },
    imageBytes(id) {
      return project.imageBytes(id);
    },

    async maskVersions(imageId) {
      return project.maskVersions(imageId).map(versionInfo);
    },
    async maskPng(imageId, versionId) {
      if (versionId === null) return project.currentMask(imageId)?.png ?? new Uint8Array(0);
      const v = project.masks.version(versionId);
      if (!v || v.imageId !== imageId) throw new StudioError('NOT_FOUND', `mask version ${versionId} of image ${imageId} does not exist`);
      return project.masks.png(versionId);
    },
    async saveMask(imageId, png) {
      checkMaskUpload(project, imageId, png);
      // editing is reviewing: the mask door makes the image 'edited' (or 'generated' again
      // when the edit ends equal to the generated mask it started from)
      return writeTransaction(project.db, () => {
        const v = project.maskWrites.edited(imageId, png);
        return { version: versionInfo(v), status: project.images.get(imageId).status };
      });
    },
    async adoptMask(imageId, origin, png) {
      checkMaskUpload(project, imageId, png);
      const prov = adoptedProvenance(origin);
      return writeTransaction(project.db, () => {
        const v = project.maskWrites.edited(imageId, png, prov);
        return { version: versionInfo(v), status: project.images.get(imageId).status };
      });
    },
    async restoreMaskVersion(imageId, versionId) {
      const v = restoreMaskVersion(project, imageId, versionId);
      return { version: versionInfo(v), status: project.images.get(imageId).status };
    },

    async setStatus(imageIds, status) {
      setStatusMany(project, imageIds, status);
    },
    async setTags(imageId, classIndices) {
      project.setTags(imageId, classIndices);
      return project.getImage(imageId);
    },
    async editTags(imageIds, add, remove) {
      editTags(project, imageIds, add, remove);
    },
    async updateClass(index, change) {
      return updateClass(project, index, change);
    },
    async mergeClasses(from, into) {
      return mergeClasses(project, from, into);
    },

    async listCams(imageId) {
      project.images.get(imageId);
      const byKey = (a: CamInfo, b: CamInfo) => (a.method < b.method ? -1 : a.method > b.method ? 1 : a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : a.classIndex - b.classIndex);
      return project.cams
        .forImage(imageId)
        .map((c): CamInfo => ({ imageId, classIndex: c.classIndex, method: c.method, layer: c.layer, modelHash: c.modelHash, width: c.w, height: c.h }))
        .sort(byKey);
    },
    async camData(key) {
      const c = project.cams.get(key);
      if (!c) throw new StudioError('NOT_FOUND', `no stored ${key.method} CAM at ${key.layer} for class ${key.classIndex} of image ${key.imageId}`);
      return c.data;
    },
    async imageScores(imageIds) {
      return scores.scores(imageIds);
    },
  };
}
