// The compare view's masks: for one method's stored CAMs, the label map the pipeline makes
// (src/masks: camsToLabels after the upsampling) at the chosen settings — ignore band,
// clean-up and hole filling included — so a card shows what a job would store.
import type { MaskThresholds } from '../../../src/contract/generation.ts';
import type { CamField } from '../../../src/masks/cam-field.ts';
import { labelsFromMaps } from '../../../src/masks/cam-mask.ts';

export function compareMask(fields: readonly CamField[], width: number, height: number, settings: MaskThresholds): Uint8Array {
  // each field keeps its upsampled map: a slider move re-thresholds without resampling
  return labelsFromMaps(
    fields.map((f) => ({ classIndex: f.classIndex, map: f.upsampled() })),
    width,
    height,
    settings,
  );
}
