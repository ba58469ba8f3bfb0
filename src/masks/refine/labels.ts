// CAMs → label map through the refinement chain: the one function every mask maker calls
// (batch pipeline, preview, re-threshold, compare view, bench). Without a chain it is
// camsToLabels, byte for byte.
import { maskSettings, thresholdedMaps, upsampleCams, type MaskSettings } from '../cam-mask.ts';
import { refineMaps, type RefineInput, type StepRecord } from './refine.ts';
import type { RefineSettings } from './settings.ts';

export interface RefinedLabels {
  labels: Uint8Array;
  /** what each step did (empty without a chain) */
  steps: StepRecord[];
  /** the τ_bg the labels were cut at (the automatic rule's choice for this image, else the setting) */
  bg: number;
}

export function refinedLabels(input: RefineInput, refine: RefineSettings | null, settings: Partial<MaskSettings> = {}): RefinedLabels {
  const s = maskSettings(settings);
  const { width, height } = input;
  for (const c of input.cams) {
    if (!Number.isInteger(c.classIndex) || c.classIndex < 1 || c.classIndex > 254) throw new Error(`CAM class index ${c.classIndex} is not 1..254`);
  }
  if (input.cams.length === 0) return { labels: new Uint8Array(width * height), steps: [], bg: s.bg };
  if (!refine) return { ...thresholdedMaps(upsampleCams(input.cams, width, height, s.normalisation), width, height, s), steps: [] };
  const r = refineMaps(input, refine, s.normalisation);
  return { ...thresholdedMaps(r.maps, width, height, s), steps: r.steps };
}
