// CAMs → per-class maps → label map through the refinement chain: the one function every
// mask maker calls (batch pipeline, preview, re-threshold, compare view, bench). Without a
// chain the maps are upsampleCams' and the labels camsToLabels', byte for byte.
import { maskSettings, thresholdedMaps, upsampleCams, type MaskSettings, type UpsampledCam } from '../cam-mask.ts';
import { refineMaps, type RefineInput, type StepRecord } from './refine.ts';
import type { RefineSettings } from './settings.ts';

export interface RefinedMaps {
  /** per class, ascending class index, at the image size */
  maps: UpsampledCam[];
  /** what each step did (empty without a chain) */
  steps: StepRecord[];
}

export interface RefinedLabels {
  labels: Uint8Array;
  /** what each step did (empty without a chain) */
  steps: StepRecord[];
  /** the τ_bg the labels were cut at (the automatic rule's choice for this image, else the setting) */
  bg: number;
}

/**
 * The maps the labels are read from: normalised (settings' normalisation) and upsampled,
 * through `refine` when there is a chain. They do not depend on τ_bg or the clean-ups, so
 * a caller that keeps them (the compare view's slider) only re-thresholds.
 */
export function refinedMaps(input: RefineInput, refine: RefineSettings | null, settings: Partial<MaskSettings> = {}): RefinedMaps {
  const s = maskSettings(settings);
  for (const c of input.cams) {
    if (!Number.isInteger(c.classIndex) || c.classIndex < 1 || c.classIndex > 254) throw new Error(`CAM class index ${c.classIndex} is not 1..254`);
  }
  if (!refine || input.cams.length === 0) return { maps: upsampleCams(input.cams, input.width, input.height, s.normalisation), steps: [] };
  const r = refineMaps(input, refine, s.normalisation);
  return { maps: r.maps, steps: r.steps };
}

export function refinedLabels(input: RefineInput, refine: RefineSettings | null, settings: Partial<MaskSettings> = {}): RefinedLabels {
  const s = maskSettings(settings);
  const { width, height } = input;
  const r = refinedMaps(input, refine, s);
  // an image with no class to explain is background
  if (input.cams.length === 0) return { labels: new Uint8Array(width * height), steps: r.steps, bg: s.bg };
  return { ...thresholdedMaps(r.maps, width, height, s), steps: r.steps };
}
