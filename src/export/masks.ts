// The current label map of an exported image, decoded from the store's PNG, and the loop the
// label formats share over them.
import { decodeLabelPng } from '../project/png.ts';
import type { Project } from '../project/index.ts';
import type { ExportItem, ExportOptions, ExportReport } from './types.ts';

export function currentLabels(project: Project, item: ExportItem): Uint8Array {
  const m = project.currentMask(item.id);
  if (!m) throw new Error('no current mask');
  const d = decodeLabelPng(m.png, `mask of ${item.name}`);
  if (d.width !== item.width || d.height !== item.height) {
    throw new Error(`mask is ${d.width}x${d.height}, the image is ${item.width}x${item.height}`);
  }
  return d.labels;
}

/**
 * Hands `write` each item's current labels (and, with copyImages, its upright image bytes),
 * reporting progress. An item whose mask does not decode or whose image is gone is listed in
 * `skipped` and left out; the items written come back in order.
 */
export async function eachLabelled(
  project: Project,
  items: ExportItem[],
  opts: ExportOptions,
  report: ExportReport,
  write: (item: ExportItem, labels: Uint8Array, image: Uint8Array | null) => void,
): Promise<ExportItem[]> {
  const written: ExportItem[] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    opts.onProgress?.({ done: k, total: items.length, file: it.name });
    try {
      const labels = currentLabels(project, it);
      write(it, labels, opts.copyImages ? await project.imageBytes(it.id) : null);
      written.push(it);
    } catch (err) {
      report.skipped.push({ image: it.name, reason: (err as Error).message });
    }
  }
  opts.onProgress?.({ done: items.length, total: items.length });
  return written;
}
