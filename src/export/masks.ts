// The current label map of an exported image, decoded from the store's PNG.
import { decodeLabelPng } from '../project/png.ts';
import type { Project } from '../project/index.ts';
import type { ExportItem } from './types.ts';

export function currentLabels(project: Project, item: ExportItem): Uint8Array {
  const m = project.currentMask(item.id);
  if (!m) throw new Error('no current mask');
  const d = decodeLabelPng(m.png, `mask of ${item.name}`);
  if (d.width !== item.width || d.height !== item.height) {
    throw new Error(`mask is ${d.width}x${d.height}, the image is ${item.width}x${item.height}`);
  }
  return d.labels;
}
