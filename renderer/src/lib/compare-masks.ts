// The compare view's masks: for one method's stored CAMs, the label map the pipeline makes
// (src/masks: the refinement chain, then labelsFromMaps) at the chosen settings — ignore
// band, clean-up and hole filling included — so a card shows what a job would store. The
// refined maps do not depend on τ, so a slider move only re-thresholds them.
import type { MaskThresholds } from '../../../src/contract/generation.ts';
import type { CamField } from '../../../src/masks/cam-field.ts';
import { labelsFromMaps, type ClassCam, type UpsampledCam } from '../../../src/masks/cam-mask.ts';
import { refinedMaps, resolveRefine, type RefineChoice } from '../../../src/masks/refine/index.ts';

export interface CompareRefine {
  /** the chain the cards' masks go through (a preset name, settings, or null: raw) */
  chain: RefineChoice;
  /** the same method's fields at the other stored layers, by layer */
  deep: Readonly<Record<string, readonly CamField[]>>;
  /** the image's pixels at its stored size (null: not decoded yet) */
  rgb: Uint8Array | null;
}

const asCam = (f: CamField): ClassCam => ({ classIndex: f.classIndex, width: f.camWidth, height: f.camHeight, data: f.values });

/** The per-class maps at image size that the labels are read from (refined when `refine` has a chain). */
export function compareMaps(fields: readonly CamField[], width: number, height: number, layer: string, refine?: CompareRefine): UpsampledCam[] {
  const chain = refine ? resolveRefine(refine.chain, layer) : null;
  // each field keeps its upsampled map: without a chain a slider move re-thresholds without resampling
  if (!chain) return fields.map((f) => ({ classIndex: f.classIndex, map: f.upsampled() }));
  const deep: Record<string, ClassCam[]> = {};
  for (const [l, fs] of Object.entries(refine!.deep)) deep[l] = fs.map(asCam);
  // fields hold values normalised the pipeline's default way; normalising them again is the
  // identity, so the one entry point with the default settings gives the pipeline's maps
  return refinedMaps({ width, height, rgb: refine!.rgb, cams: fields.map(asCam), deep }, chain).maps;
}

export function compareLabels(maps: readonly UpsampledCam[], width: number, height: number, settings: MaskThresholds): Uint8Array {
  return labelsFromMaps(maps, width, height, settings);
}
