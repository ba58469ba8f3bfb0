// Freezing a job's parameters: validated, defaults filled in, keys in a fixed order, so
// "the same parameters" is a string comparison (a second `generate` run resumes the job).
import { StudioError } from '../contract/errors.ts';
import { CAM_METHODS, isCamMethod, type CamMethod } from '../engine/index.ts';
import { DEFAULT_MASK_SETTINGS, type MaskSettings } from '../masks/cam-mask.ts';
import { chainForLayer, DEFAULT_REFINE_PRESET, refinePreset, refineSettings, type RefineSettings } from '../masks/refine/index.ts';
import { MAX_SELECTION_IDS, type ClassSource, type GenerationParams, type MultiScale, type Selection } from './types.ts';

/** JSON-safe value with object keys sorted recursively (canonical form). */
export function canonical<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => canonical(x)) as T;
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out as T;
  }
  return v;
}

/** A job's mask settings: the kernel's defaults filled in, every field range-checked for the CLI and API. */
export function jobMaskSettings(partial: Partial<MaskSettings> = {}): MaskSettings {
  const s: MaskSettings = { ...DEFAULT_MASK_SETTINGS, ...stripUndefined(partial) };
  if (!(s.bg >= 0 && s.bg <= 1)) throw new StudioError('BAD_REQUEST', `background threshold (--bg) must be within 0…1, got ${s.bg}`);
  if (s.normalisation !== 'relu-max' && s.normalisation !== 'minmax') {
    throw new StudioError('BAD_REQUEST', `normalisation must be relu-max or minmax, got '${String(s.normalisation)}'`);
  }
  if (!(s.ignoreBand >= 0 && s.ignoreBand < 1)) throw new StudioError('BAD_REQUEST', `ignore band must be within 0…1, got ${s.ignoreBand}`);
  if (!Number.isInteger(s.minArea) || s.minArea < 0) throw new StudioError('BAD_REQUEST', `minimum area must be a whole number ≥ 0, got ${s.minArea}`);
  if (s.smallTo !== 'ignore' && s.smallTo !== 'background') throw new StudioError('BAD_REQUEST', `smallTo must be ignore or background, got '${String(s.smallTo)}'`);
  return s;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * A job's refinement chain: a preset name, explicit settings, null/'none' for raw CAMs,
 * absent for the default preset. The gate reads only layers deeper than the job's (a map
 * gated by itself, or by a shallower stage the walk never reaches, means nothing), and a
 * gate left with none goes.
 */
export function jobRefine(input: string | RefineSettings | null | undefined, layer: string): RefineSettings | null {
  const r = input === undefined ? refinePreset(DEFAULT_REFINE_PRESET) : typeof input === 'string' ? refinePreset(input) : refineSettings(input);
  return chainForLayer(r, layer);
}

export function camMethod(m: string | undefined): CamMethod {
  const method = m ?? 'rcam';
  if (!isCamMethod(method)) throw new StudioError('BAD_REQUEST', `unknown CAM method '${method}' (${CAM_METHODS.join(', ')})`);
  return method;
}

export function multiScale(ms: MultiScale | null | undefined): MultiScale | null {
  if (!ms) return null;
  const scales = [...ms.scales];
  if (scales.length === 0 || scales.some((s) => !(s > 0 && s <= 4))) {
    throw new StudioError('BAD_REQUEST', `multi-scale: scales must be in (0, 4], got ${ms.scales.join(', ')}`);
  }
  if (!scales.includes(1)) throw new StudioError('BAD_REQUEST', `multi-scale: the scales must include 1 (maps are summed on the scale-1 grid), got ${scales.join(', ')}`);
  return { scales, flip: ms.flip };
}

export function classSource(c: ClassSource | undefined): ClassSource {
  if (!c || c.kind === 'tags') return { kind: 'tags' };
  if (c.kind === 'predicted' && c.minProbability >= 0 && c.minProbability <= 1) return { kind: 'predicted', minProbability: c.minProbability };
  throw new StudioError('BAD_REQUEST', `classes: expected the image tags or predictions with a probability within 0…1`);
}

export function selection(s: Selection | undefined): Selection {
  if (s?.kind === 'ids') {
    if (!Array.isArray(s.ids) || s.ids.length === 0) throw new StudioError('BAD_REQUEST', 'selection: an ids selection needs at least one image id');
    if (s.ids.length > MAX_SELECTION_IDS) throw new StudioError('BAD_REQUEST', `selection: at most ${MAX_SELECTION_IDS} image ids, got ${s.ids.length}`);
    const bad = s.ids.find((id) => !Number.isSafeInteger(id) || id < 1);
    if (bad !== undefined) throw new StudioError('BAD_REQUEST', `selection: image ids must be whole numbers ≥ 1, got ${JSON.stringify(bad)}`);
    // sorted and unique: the same set of images is the same job (a second Start resumes it)
    return { kind: 'ids', ids: [...new Set(s.ids)].sort((a, b) => a - b) };
  }
  return s ?? { kind: 'all' };
}

/** The method name CAMs are stored under (cams.method): multi-scale maps are different maps. */
export function storedCamMethod(method: string, ms: MultiScale | null): string {
  if (!ms) return method;
  return `${method}@ms${ms.scales.join(',')}${ms.flip ? '+flip' : ''}`;
}

export function frozenParams(p: GenerationParams): GenerationParams {
  return canonical(p);
}
