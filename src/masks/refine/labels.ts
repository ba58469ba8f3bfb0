// CAMs → label map through the refinement chain: the one function every mask maker calls
// (batch pipeline, preview, re-threshold, compare view, bench). Without a chain it is
// camsToLabels, byte for byte.
import { camsToLabels, labelsFromMaps, maskSettings, type MaskSettings } from '../cam-mask.ts';
import { refineMaps, type RefineInput, type StepRecord } from './refine.ts';
import type { RefineSettings } from './settings.ts';

export interface RefinedLabels {
  labels: Uint8Array;
  /** what each step did (empty without a chain) */
  steps: StepRecord[];
}

export function refinedLabels(input: RefineInput, refine: RefineSettings | null, settings: Partial<MaskSettings> = {}): RefinedLabels {
  const s = maskSettings(settings);
  const { width, height } = input;
  if (!refine || input.cams.length === 0) return { labels: camsToLabels(input.cams, width, height, s), steps: [] };
  for (const c of input.cams) {
    if (!Number.isInteger(c.classIndex) || c.classIndex < 1 || c.classIndex > 254) throw new Error(`CAM class index ${c.classIndex} is not 1..254`);
  }
  const r = refineMaps(input, refine, s.normalisation);
  return { labels: labelsFromMaps(r.maps, width, height, s), steps: r.steps };
}
