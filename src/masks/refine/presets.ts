// The named chains the Generate drawer and `generate --refine` offer. Values were chosen on
// the quality bench's tuning split (docs/quality: the held-out split it reports was not
// used to choose them); the mask settings that go with a chain (τ_bg and the clean-ups) are
// part of the preset because the refined maps have their own best τ_bg.
import { StudioError } from '../../contract/errors.ts';
import type { MaskSettings } from '../cam-mask.ts';
import { REFINE_PRESET_NAMES, type RefinePreset, type RefineSettings } from './settings.ts';

export interface RefinePresetDef {
  refine: RefineSettings | null;
  mask: Partial<MaskSettings>;
}

const PAR = { dilations: [1, 4, 16], colour: 0.3, position: 0.01 };

export const REFINE_PRESETS: Readonly<Record<RefinePreset, RefinePresetDef>> = Object.freeze({
  none: { refine: null, mask: { bg: 0.4 } },
  fast: { refine: { workSide: 96, gate: { deep: ['layer3'], a: 0.6 }, par: { ...PAR, iterations: 10 } }, mask: { bg: 0.4 } },
  best: { refine: { workSide: 160, gate: { deep: ['layer3'], a: 0.6 }, par: { ...PAR, iterations: 15 } }, mask: { bg: 0.4 } },
});

/** The chain a new job gets unless the user picks another. */
export const DEFAULT_REFINE_PRESET: RefinePreset = 'best';

export function isRefinePreset(name: unknown): name is RefinePreset {
  return typeof name === 'string' && (REFINE_PRESET_NAMES as readonly string[]).includes(name);
}

/** A preset by name (StudioError listing the names for an unknown one); a fresh copy. */
export function refinePreset(name: string): RefinePresetDef {
  if (!isRefinePreset(name)) throw new StudioError('BAD_REQUEST', `unknown refinement preset '${name}' (${REFINE_PRESET_NAMES.join(', ')})`);
  return structuredClone(REFINE_PRESETS[name]) as RefinePresetDef;
}
