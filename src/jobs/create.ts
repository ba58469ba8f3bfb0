// Creating a generation job, or finding the one to resume: the parameters are frozen
// (canonical JSON) and the selection is frozen as job items, in one IMMEDIATE
// transaction so two processes starting the same job at once end up with one job.
import { StudioError } from '../contract/errors.ts';
import { maskSettings, type MaskSettings } from '../masks/cam-mask.ts';
import { resolveRefine, type RefineChoice } from '../masks/refine/index.ts';
import type { JobRecord, Project } from '../project/index.ts';
import { writeTransaction } from '../project/transaction.ts';
import { findModel, modelInfo } from './models.ts';
import { camMethod, classSource, frozenParams, multiScale, selection } from './params.ts';
import { existingIds, selectImages } from './selection.ts';
import { DEFAULT_MULTI_SCALE, type ClassSource, type GenerationParams, type MultiScale, type Selection } from './types.ts';
import { DEFAULT_CAM_LAYER } from '../contract/generation.ts';

export interface GenerateInput {
  /** model id, model file, or absent: the project's latest model */
  model?: string | number;
  method?: string;
  layer?: string;
  classes?: ClassSource;
  mask?: Partial<MaskSettings>;
  /** a preset name (none, fast, best), explicit settings, or absent: the default preset */
  refine?: RefineChoice;
  /** true: the standard scales 0.5, 1, 1.5, 2 with flip */
  multiScale?: MultiScale | boolean | null;
  selection?: Selection;
  /** store the masks as versions only, leaving every image's current mask as it is */
  keepCurrent?: boolean;
}

export function generationParams(project: Project, input: GenerateInput): GenerationParams {
  const model = findModel(project, input.model);
  modelInfo(model); // refuses a record without preprocessing before any work starts
  const sel = selection(input.selection);
  if (sel.kind === 'ids') existingIds(project, sel.ids); // refused before any job exists
  const ms = input.multiScale === true ? { ...DEFAULT_MULTI_SCALE, scales: [...DEFAULT_MULTI_SCALE.scales] } : input.multiScale || null;
  return frozenParams({
    modelId: model.id,
    modelHash: model.hash,
    method: camMethod(input.method),
    layer: input.layer ?? DEFAULT_CAM_LAYER,
    classes: classSource(input.classes),
    mask: maskSettings(input.mask),
    refine: resolveRefine(input.refine, input.layer ?? DEFAULT_CAM_LAYER),
    multiScale: multiScale(ms),
    selection: sel,
    ...(input.keepCurrent ? { keepCurrent: true as const } : {}),
  });
}

/**
 * The latest job with these parameters (not rolled back; a finished one has nothing left
 * to do unless failed images are retried), else — or with `fresh` — a new one with its
 * selection frozen.
 */
export function createOrResume(project: Project, params: GenerationParams, opts: { fresh?: boolean } = {}): { job: JobRecord; resumed: boolean } {
  return writeTransaction(project.db, () => {
    const open = opts.fresh ? undefined : project.jobs.findLatest('generate', params as unknown as Record<string, unknown>);
    if (open) return { job: open, resumed: true };
    const job = project.jobs.create('generate', params as unknown as Record<string, unknown>, new Date().toISOString());
    project.jobItems.addAll(job.id, selectImages(project, params.selection));
    return { job, resumed: false };
  });
}

export function generationJob(project: Project, jobId: number): { job: JobRecord; params: GenerationParams } {
  const job = project.jobs.get(jobId);
  if (job.kind !== 'generate') throw new StudioError('BAD_REQUEST', `job ${jobId} is a ${job.kind} job, not a generation job`);
  if (job.rolledBackAt) throw new StudioError('BAD_REQUEST', `job ${jobId} was rolled back on ${job.rolledBackAt}; start a new one`);
  const params = job.params as unknown as GenerationParams;
  // a job made before the refinement stage existed made raw masks
  return { job, params: { ...params, refine: params.refine ?? null } };
}
