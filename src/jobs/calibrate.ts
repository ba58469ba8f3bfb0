// Calibration from a person's first fixes, on a finished generation job: the masks a person
// edited or approved among its images are the truth, the job's stored CAMs are re-refined
// through every preset chain, and every recipe (chain × τ_bg rule, masks/refine/from-fixes.ts)
// is scored on those images only. Applying a proposal is a re-threshold job over the job's
// unreviewed images (human masks are never touched: those images are not in it, and the
// mask door would keep them anyway). No model run: the stored maps and the images suffice.
import { StudioError } from '../contract/errors.ts';
import type { ApplyFixRequest, BackgroundChoice, FixProposal, MaskRecipe } from '../contract/calibration.ts';
import { REFINE_PRESET_NAMES } from '../contract/generation.ts';
import { decodeImage } from '../engine/index.ts';
import { argmaxMaps, camFromStored, maskSettings, upsampleCams } from '../masks/cam-mask.ts';
import { ConfusionMatrix } from '../masks/confusion.ts';
import { chainForLayer, deeperLayers, presetOf, PRESET_DEEP_LAYERS, refineMaps, REFINE_PRESETS } from '../masks/refine/index.ts';
import { rankRecipes, recipeSettings, recommendedRecipe, type FixedImage } from '../masks/refine/from-fixes.ts';
import type { Project } from '../project/index.ts';
import { decodeLabelPng } from '../project/png.ts';
import { generationJob } from './create.ts';
import { readStoredCams } from './stored-cams.ts';
import { rgbAtMaskSize } from './mask.ts';
import { storedCamMethod } from './params.ts';
import type { GenerationParams, RethresholdScope } from './types.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';

/** at most this many fixed images are scored (the most recently listed first ones; enough to rank a few dozen recipes) */
export const MAX_FIXED_IMAGES = 60;

const FIXED_STATUSES = new Set(['edited', 'approved']);

/** The latest finished generation job (not rolled back), else a StudioError saying there is none. */
export function latestFinishedGeneration(project: Project): number {
  const jobs = project.jobs.list().filter((j) => j.kind === 'generate' && !j.rolledBackAt && j.status === 'done');
  if (jobs.length === 0) throw new StudioError('BAD_REQUEST', 'no finished generation job yet: generate masks first, then fix or approve a few');
  return jobs[jobs.length - 1].id;
}

/** The recipe a job ran with: its preset's name ('custom' for other settings) and its τ_bg rule. */
export function recipeOf(params: GenerationParams): MaskRecipe {
  const m = maskSettings(params.mask);
  const background: BackgroundChoice = m.bgAuto ? { kind: 'auto', factor: m.bgAuto.factor } : { kind: 'fixed', bg: m.bg };
  return { refine: presetOf(params.refine) ?? 'custom', background };
}

/** the job's images a person has reviewed with a mask (the truth), and those still unreviewed (what a re-refine rebuilds) */
function jobImages(project: Project, jobId: number) {
  const done = project.jobItems.list(jobId, { states: ['done'] }).filter((i) => i.classes.length > 0);
  const fixed = done.filter((i) => FIXED_STATUSES.has(project.images.get(i.imageId).status) && project.currentMask(i.imageId) !== null);
  const unreviewed = done.filter((i) => ['unreviewed', 'generated'].includes(project.images.get(i.imageId).status) && !project.maskWrites.personOwns(i.imageId));
  return { fixed, unreviewed };
}

/** lets the event loop serve other requests between two images' refinements */
const breathe = () => new Promise<void>((r) => setImmediate(r));

/**
 * The proposal for `jobId` (null: the latest finished generation job): the recipe whose
 * masks agree best with the person's, the job's own recipe's agreement (the masks it
 * stored), and how many unreviewed images a re-refine would rebuild.
 */
export async function proposeFromFixes(project: Project, jobId: number | null): Promise<FixProposal> {
  const id = jobId ?? latestFinishedGeneration(project);
  const { job, params } = generationJob(project, id);
  if (job.status !== 'done') throw new StudioError('BAD_REQUEST', `job ${id} has not finished; calibrate once it has`);
  const { fixed, unreviewed } = jobImages(project, id);
  const current = recipeOf(params);
  const scored = fixed.slice(0, MAX_FIXED_IMAGES);
  const key = { modelHash: params.modelHash, camMethod: storedCamMethod(params.method, params.multiScale), layer: params.layer };
  // what the presets' gates read, where the job stored it
  const deepLayers = deeperLayers(PRESET_DEEP_LAYERS, params.layer);
  const post = maskSettings(params.mask);
  const images: FixedImage[] = [];
  const own = { cm: null as ConfusionMatrix | null, truths: [] as Uint8Array[], masks: [] as Uint8Array[] };
  let numClasses = 1;
  for (const item of scored) {
    await breathe();
    const img = project.images.get(item.imageId);
    const truth = decodeLabelPng(project.currentMask(img.id)!.png, img.name);
    if (truth.width !== img.width || truth.height !== img.height) continue;
    const ownMask = item.maskId !== null ? decodeLabelPng(project.masks.png(item.maskId), img.name).labels : null;
    const { cams, deep } = readStoredCams(project, key, img.id, item.classes, deepLayers, img.name);
    const rgb = rgbAtMaskSize(await decodeImage(project.imagePath(img.id)), img.width, img.height);
    const classCams = cams.map(camFromStored);
    const deepCams = Object.fromEntries(Object.entries(deep).map(([l, cs]) => [l, cs.map(camFromStored)]));
    const px: FixedImage['scored'] = {};
    for (const preset of REFINE_PRESET_NAMES) {
      const chain = chainForLayer(structuredClone(REFINE_PRESETS[preset]), params.layer);
      const maps = chain
        ? refineMaps({ width: img.width, height: img.height, rgb, cams: classCams, deep: deepCams }, chain, post.normalisation).maps
        : upsampleCams(classCams, img.width, img.height, post.normalisation);
      px[preset] = argmaxMaps(maps, img.width * img.height);
    }
    images.push({ width: img.width, height: img.height, truth: truth.labels, scored: px });
    if (ownMask) {
      own.truths.push(truth.labels);
      own.masks.push(ownMask);
    }
    for (const v of truth.labels) if (v !== 255 && v + 1 > numClasses) numClasses = v + 1;
    for (const c of item.classes) numClasses = Math.max(numClasses, c + 1);
  }
  const base = { jobId: id, fixed: images.length, unreviewed: unreviewed.length };
  // the job's own masks against the person's: what the job's recipe scores, whatever its chain
  const cm = new ConfusionMatrix(numClasses);
  own.truths.forEach((t, k) => cm.add(t, own.masks[k]));
  const currentMiou = own.truths.length ? cm.miou() : NaN;
  const r = recommendedRecipe(images.length ? rankRecipes(images, post, numClasses, current) : [], currentMiou, images.length);
  return { ...base, current: { ...current, miou: currentMiou }, best: r.best && { ...r.best.recipe, miou: r.best.miou }, gain: r.gain, required: r.required, recommended: r.recommended };
}

/**
 * What a re-refine with `req`'s recipe runs: the job's mask settings with the recipe's τ_bg
 * rule, the recipe's chain, and the scope (the unreviewed images; the proposal's numbers
 * recorded when `proposal` is the one applied).
 */
export function fixRerefine(project: Project, req: ApplyFixRequest, proposal?: FixProposal | null): { mask: MaskSettings; refine: string; scope: RethresholdScope } {
  const { job, params } = generationJob(project, req.jobId);
  if (job.status !== 'done') throw new StudioError('BAD_REQUEST', `job ${req.jobId} has not finished; re-refine once it has`);
  const applied = proposal?.best && proposal.jobId === req.jobId && proposal.best.refine === req.refine && JSON.stringify(proposal.best.background) === JSON.stringify(req.background);
  const scope: RethresholdScope = { only: 'unreviewed', ...(applied ? { fromFixes: { fixed: proposal.fixed, before: round(proposal.current.miou), after: round(proposal.best!.miou) } } : {}) };
  return { mask: recipeSettings(maskSettings(params.mask), req.background), refine: req.refine, scope };
}

const round = (v: number) => (Number.isFinite(v) ? Math.round(v * 10000) / 10000 : -1);
