// The one refine entry point: what a caller asks for (a preset name, explicit settings,
// null for raw CAMs, or nothing for the default preset) → the chain a detail map at `layer`
// runs, checked. Jobs, re-refining, the preview and the compare view all resolve here.
import { chainForLayer, refineSettings, type RefineSettings } from './settings.ts';
import { DEFAULT_REFINE_PRESET, refinePreset } from './presets.ts';

/** A preset name ('none' is raw), explicit settings, null (raw), or undefined (the default preset). */
export type RefineChoice = string | RefineSettings | null | undefined;

/**
 * The chain `choice` names for a detail map at `layer` (StudioError for an unknown preset
 * or a bad setting). The gate keeps only layers deeper than `layer`, and goes when none are
 * left (settings.ts chainForLayer).
 */
export function resolveRefine(choice: RefineChoice, layer: string): RefineSettings | null {
  const r = choice === undefined ? refinePreset(DEFAULT_REFINE_PRESET) : typeof choice === 'string' ? refinePreset(choice) : refineSettings(choice);
  return chainForLayer(r, layer);
}
