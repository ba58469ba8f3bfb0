// Parameter checks of the GenerationApi methods (spread into validate.ts' VALIDATORS):
// each returns the typed tuple or throws StudioError('BAD_REQUEST') naming the bad field.
import { MAX_SEARCH_LENGTH as MAX_SEARCH, REVIEW_STATUSES, type ReviewStatus } from '../contract/api.ts';
import {
  CAM_LAYER_NAMES,
  CAM_METHOD_NAMES,
  MAX_GENERATION_IDS,
  REFINE_PRESET_NAMES,
  type CamLayerName,
  type CamMethodName,
  type GenerationApi,
  type GenerationRequest,
  type GenerationSelection,
  type MaskThresholds,
  type PreviewRequest,
  type RefinePresetName,
} from '../contract/generation.ts';
import { bad, bool, int, intList, num, object, oneOf, tuple, type Obj } from './check.ts';

type Validators = { [M in keyof GenerationApi]: (raw: unknown) => Parameters<GenerationApi[M]> };

const MASK_FIELDS = ['bg', 'ignoreBand', 'minArea', 'fillHoles'] as const;

function thresholds(method: string, o: Obj): MaskThresholds {
  return {
    bg: num(method, 'bg', o.bg, 0, 1),
    ignoreBand: num(method, 'ignoreBand', o.ignoreBand, 0, 0.99),
    minArea: int(method, 'minArea', o.minArea, 0, 1 << 24),
    fillHoles: bool(method, 'fillHoles', o.fillHoles),
  };
}

function selection(method: string, v: unknown): GenerationSelection {
  const o = object(method, 'selection', v, ['kind', 'status', 'classIndex', 'search', 'ids']);
  const kind = oneOf(method, 'selection.kind', o.kind, ['all', 'without-mask', 'filter', 'ids'] as const);
  if (kind === 'ids') {
    if (Object.keys(o).length !== 2) throw bad(method, `selection 'ids' takes only ids`);
    if (!Array.isArray(o.ids) || o.ids.length === 0 || o.ids.length > MAX_GENERATION_IDS) {
      throw bad(method, `selection.ids must be an array of 1..${MAX_GENERATION_IDS} image ids`);
    }
    // existence is checked against the project when the job is created (jobs/selection.ts)
    return { kind, ids: o.ids.map((id, i) => int(method, `selection.ids[${i}]`, id, 1)) };
  }
  if (o.ids !== undefined) throw bad(method, `selection '${kind}' takes no ids`);
  if (kind !== 'filter') {
    if (Object.keys(o).length > 1) throw bad(method, `selection '${kind}' takes no filter fields`);
    return { kind };
  }
  const out: GenerationSelection = { kind: 'filter' };
  if (o.status !== undefined) out.status = oneOf<ReviewStatus>(method, 'selection.status', o.status, REVIEW_STATUSES);
  if (o.classIndex !== undefined) out.classIndex = int(method, 'selection.classIndex', o.classIndex, 0, 255);
  if (o.search !== undefined) {
    if (typeof o.search !== 'string' || o.search.length > MAX_SEARCH) throw bad(method, `selection.search must be a string of at most ${MAX_SEARCH} characters`);
    out.search = o.search;
  }
  return out;
}

function generationRequest(raw: unknown): [GenerationRequest] {
  const m = 'startGeneration';
  const [v] = tuple(m, raw, 1);
  const o = object(m, 'request', v, ['modelId', 'method', 'layer', 'mask', 'refine', 'selection', 'keepCurrent']);
  const out: GenerationRequest = {
    method: oneOf<CamMethodName>(m, 'method', o.method, CAM_METHOD_NAMES),
    layer: oneOf<CamLayerName>(m, 'layer', o.layer, CAM_LAYER_NAMES),
    mask: thresholds(m, object(m, 'mask', o.mask, MASK_FIELDS)),
    selection: selection(m, o.selection),
  };
  if (o.modelId !== undefined) out.modelId = int(m, 'modelId', o.modelId, 1);
  if (o.refine !== undefined) out.refine = oneOf<RefinePresetName>(m, 'refine', o.refine, REFINE_PRESET_NAMES);
  if (o.keepCurrent !== undefined) out.keepCurrent = bool(m, 'keepCurrent', o.keepCurrent);
  return [out];
}

function previewRequest(raw: unknown): [PreviewRequest] {
  const m = 'previewMask';
  const [v] = tuple(m, raw, 1);
  const o = object(m, 'request', v, ['imageId', 'modelId', 'method', 'layer', 'refine', ...MASK_FIELDS]);
  const out: PreviewRequest = {
    imageId: int(m, 'imageId', o.imageId, 1),
    method: oneOf<CamMethodName>(m, 'method', o.method, CAM_METHOD_NAMES),
    layer: oneOf<CamLayerName>(m, 'layer', o.layer, CAM_LAYER_NAMES),
    ...thresholds(m, o),
  };
  if (o.modelId !== undefined) out.modelId = int(m, 'modelId', o.modelId, 1);
  if (o.refine !== undefined) out.refine = oneOf<RefinePresetName>(m, 'refine', o.refine, REFINE_PRESET_NAMES);
  return [out];
}

function jobId(method: string, raw: unknown): [number] {
  const [id] = tuple(method, raw, 1);
  return [int(method, 'job id', id, 1)];
}

export const GENERATION_VALIDATORS: Validators = {
  listModels: (raw) => tuple('listModels', raw, 0) as [],
  startGeneration: generationRequest,
  resumeGeneration: (raw) => jobId('resumeGeneration', raw),
  cancelGeneration: (raw) => jobId('cancelGeneration', raw),
  listJobs: (raw) => tuple('listJobs', raw, 0) as [],
  rollbackJob: (raw) => jobId('rollbackJob', raw),
  generationStatus: (raw) => tuple('generationStatus', raw, 0) as [],
  previewMask: previewRequest,
  humanMasks: (raw) => {
    const [ids] = tuple('humanMasks', raw, 1);
    return [intList('humanMasks', 'image ids', ids, 1, Number.MAX_SAFE_INTEGER, MAX_GENERATION_IDS)];
  },
};
