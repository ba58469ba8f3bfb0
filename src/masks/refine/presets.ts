// The named chains the Generate drawer and `generate --refine` offer. Values were chosen on
// the quality bench's tuning split (docs/quality; the held-out split it reports was not used
// to choose them); they transfer to a ResNet-18 at 224 px (a working size relative to the
// image or to the layer2 grid lost there). τ_bg is not part of a chain: a job's default
// picks it per image (calibrate.ts).
import { canonicalJson } from '../../contract/canonical.ts';
import { StudioError } from '../../contract/errors.ts';
import { REFINE_PRESET_NAMES, type RefinePresetName as RefinePreset } from '../../contract/generation.ts';
import type { RefineSettings } from './settings.ts';

export const REFINE_PRESETS: Readonly<Record<RefinePreset, RefineSettings | null>> = Object.freeze({
  none: null,
  // within the per-image time budget at 512×512 (docs/quality/refine.md): a 64-px working size
  fast: { workSide: 64, gate: { deep: ['layer3', 'layer4'], a: 0.5 }, par: { dilations: [1, 3, 12], iterations: 12, colour: 0.3, position: 0.01 } },
  best: { workSide: 128, gate: { deep: ['layer3', 'layer4'], a: 0.5 }, par: { dilations: [1, 4, 16], iterations: 15, colour: 0.3, position: 0.01 } },
});

/** The chain a new job gets unless the user picks another. */
export const DEFAULT_REFINE_PRESET: RefinePreset = 'fast';

/** Every deeper layer a preset reads (what the preview computes once per image). */
export const PRESET_DEEP_LAYERS: readonly string[] = [...new Set(Object.values(REFINE_PRESETS).flatMap((r) => r?.gate?.deep ?? []))];

export function isRefinePreset(name: unknown): name is RefinePreset {
  return typeof name === 'string' && (REFINE_PRESET_NAMES as readonly string[]).includes(name);
}

/** A preset's chain by name (StudioError listing the names for an unknown one); a fresh copy. */
export function refinePreset(name: string): RefineSettings | null {
  if (!isRefinePreset(name)) throw new StudioError('BAD_REQUEST', `unknown refinement preset '${name}' (${REFINE_PRESET_NAMES.join(', ')})`);
  const r = REFINE_PRESETS[name];
  return r && structuredClone(r);
}

/** The preset whose chain equals `r` (the drawer shows its name), else null ('custom'). */
export function presetOf(r: RefineSettings | null): RefinePreset | null {
  const key = canonicalJson(r);
  return REFINE_PRESET_NAMES.find((n) => canonicalJson(REFINE_PRESETS[n]) === key) ?? null;
}
