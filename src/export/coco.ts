// COCO instances JSON (OUT/annotations.json) with masks as compressed RLE exactly as
// pycocotools writes them (src/masks/rle.ts):
// - images: id = the project's image id, file_name = the image's name inside its dataset
//   (the source name; use the dataset folder as the image root), width, height;
// - categories: id = project class index (= label value), name;
// - annotations: one per 8-connected region of a class (default) or one per class
//   ('class'), ordered by image id, class, then region (raster order of its first
//   pixel); ids from 1; iscrowd 0; area = pixel count; bbox = pycocotools' toBbox;
//   regions (or classes) under `minArea` pixels are left out.
//   Ignore (255) pixels belong to no annotation; values that are no project class are
//   left out and reported.
// No dates or paths in the file, so the same project gives the same bytes.
import { connectedComponents } from '../masks/components.ts';
import { BACKGROUND, IGNORE } from '../masks/labels.ts';
import { rleArea, rleEncodeComponents, rleToBbox, rleToString } from '../masks/rle.ts';
import type { Project } from '../project/index.ts';
import type { ExportWriter } from './files.ts';
import { currentLabels } from './masks.ts';
import type { ExportItem, ExportOptions, ExportReport } from './types.ts';

/** Component ids per pixel: one per class value (mode 'class'), values[k] its class. */
function perClassIds(labels: Uint8Array): { ids: Int32Array; count: number; values: number[] } {
  const slot = new Int32Array(256);
  const values: number[] = [0];
  const present = new Uint8Array(256);
  for (let i = 0; i < labels.length; i++) present[labels[i]] = 1;
  for (let v = 1; v < 255; v++) if (present[v]) slot[v] = values.push(v) - 1;
  const ids = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) ids[i] = slot[labels[i]];
  return { ids, count: values.length - 1, values };
}

export function writeCoco(project: Project, items: ExportItem[], opts: ExportOptions, w: ExportWriter, report: ExportReport): void {
  const classes = project.listClasses();
  const known = new Set(classes.map((c) => c.index));
  const images: string[] = [];
  const annotations: string[] = [];
  let annId = 0;
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    opts.onProgress?.({ done: k, total: items.length, file: it.name });
    let labels: Uint8Array;
    try {
      labels = currentLabels(project, it);
    } catch (err) {
      report.skipped.push({ image: it.name, reason: (err as Error).message });
      continue;
    }
    images.push(JSON.stringify({ id: it.id, file_name: it.name, width: it.width, height: it.height }));
    let comps: { ids: Int32Array; count: number; values: ArrayLike<number> };
    if (opts.cocoAnnotations === 'class') comps = perClassIds(labels);
    else comps = connectedComponents(labels, it.width, it.height, 8, (v) => v !== BACKGROUND && v !== IGNORE);
    const rles = rleEncodeComponents(comps.ids, comps.count, it.width, it.height);
    const order = Array.from({ length: comps.count }, (_, i) => i + 1).sort((a, b) => comps.values[a] - comps.values[b] || a - b);
    const unknown = new Set<number>();
    for (const c of order) {
      const v = comps.values[c];
      if (!known.has(v)) {
        unknown.add(v);
        continue;
      }
      const rle = rles[c - 1];
      if (rleArea(rle) < (opts.minArea ?? 0)) continue;
      annotations.push(
        JSON.stringify({
          id: ++annId,
          image_id: it.id,
          category_id: v,
          segmentation: { size: rle.size, counts: rleToString(rle.counts) },
          area: rleArea(rle),
          bbox: rleToBbox(rle),
          iscrowd: 0,
        }),
      );
    }
    if (unknown.size) report.skipped.push({ image: it.name, reason: `label values ${[...unknown].join(', ')} are no project class; left out` });
  }
  opts.onProgress?.({ done: items.length, total: items.length });
  const categories = classes.map((c) => JSON.stringify({ id: c.index, name: c.name, supercategory: '' }));
  const body =
    `{"info":${JSON.stringify({ description: `${project.info().name} (Relevance Studio export)`, version: '1.0' })},\n` +
    `"licenses":[],\n` +
    `"categories":[\n${categories.join(',\n')}\n],\n` +
    `"images":[\n${images.join(',\n')}\n],\n` +
    `"annotations":[\n${annotations.join(',\n')}\n]}\n`;
  w.write('annotations.json', body);
  report.images = images.length;
}
