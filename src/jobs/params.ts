// Freezing a job's parameters: validated, defaults filled in, keys in a fixed order
// (contract/canonical.ts), so "the same parameters" is a string comparison (a second
// `generate` run resumes the job). The mask settings are checked by the mask kernel's
// maskSettings, the chain by the refinement stage's resolveRefine.
import { StudioError } from '../contract/errors.ts';
import { CAM_METHODS, isCamMethod, type CamMethod } from '../engine/index.ts';
import { canonical } from '../contract/canonical.ts';
import { maskSettings, type MaskSettings } from '../masks/cam-mask.ts';
import { DEFAULT_AUTO_BACKGROUND } from '../masks/refine/index.ts';
import { MAX_SELECTION_IDS, type ClassSource, type GenerationParams, type MultiScale, type Selection } from './types.ts';

/**
 * A job's mask settings (maskSettings fills and checks them): τ_bg is the studio's
 * per-image choice (DEFAULT_AUTO_BACKGROUND) unless the caller gives `bg` (`--bg`, the τ
 * slider) without asking for bgAuto: an explicit τ_bg wins.
 */
export function jobMaskSettings(partial: Partial<MaskSettings> = {}): MaskSettings {
  const bgAuto = partial.bgAuto !== undefined ? partial.bgAuto : partial.bg === undefined ? { ...DEFAULT_AUTO_BACKGROUND } : null;
  return maskSettings({ ...partial, bgAuto });
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
