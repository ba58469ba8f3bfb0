// The mask a fix starts from: the studio's generated mask, made exactly as a job makes it
// (src/jobs/mask.ts maskFromStoredCams without the PNG step): the stored float16 CAMs, the
// chain for the job's layer, the job's mask settings.
import { camFromStored, type MaskSettings } from '../../../src/masks/cam-mask.ts';
import { chainForLayer, refinedLabels, type RefineSettings } from '../../../src/masks/refine/index.ts';
import type { BenchImage } from './data.ts';

/** the labels and the τ_bg they were cut at (the per-image rule's choice, else the setting) */
export function generatedMask(img: BenchImage, refine: RefineSettings | null, layer: string, settings: Partial<MaskSettings> = {}): { labels: Uint8Array; bg: number } {
  const deep: Record<string, ReturnType<typeof camFromStored>[]> = {};
  for (const [l, cams] of Object.entries(img.deep)) deep[l] = cams.map(camFromStored);
  const input = { width: img.width, height: img.height, rgb: img.rgb, cams: img.cams.map(camFromStored), deep };
  const r = refinedLabels(input, chainForLayer(refine, layer), settings);
  return { labels: r.labels, bg: r.bg };
}
