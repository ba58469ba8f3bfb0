// YOLO segmentation labels (Ultralytics):
//   labels/<split>/<stem>.txt   one line per region: `cls x1 y1 x2 y2 …`, cls = label − 1,
//                               coordinates = pixel coordinates of the outline / image
//                               width, height (6 decimals); an image with no region gets
//                               an empty file (a background image)
//   images/<split>/<stem>.jpg   with copyImages (Ultralytics finds labels by replacing
//                               /images/ with /labels/ in an image path)
//   data.yaml                   train/val(/test) image folders and names (no `path:`,
//                               so Ultralytics resolves them next to data.yaml)
// Outlines come from src/masks/contours.ts: outer boundaries only (holes are covered),
// regions under `minArea` px (default 4) and degenerate lines dropped, ignore (255)
// pixels in no polygon.
import { tracePolygons } from '../masks/contours.ts';
import type { Project } from '../project/index.ts';
import { classNamesByIndex, imageExt, lines, type ExportWriter } from './files.ts';
import { eachLabelled } from './masks.ts';
import type { ExportItem, ExportOptions, ExportReport } from './types.ts';

const fmt = (v: number) => v.toFixed(6);

/** Label lines for one image; regions whose value is not in `known` (when given) are left out. */
export function yoloLines(labels: Uint8Array, width: number, height: number, minArea = 4, known?: ReadonlySet<number>): string[] {
  const polys = tracePolygons(labels, width, height, { minArea }).filter((p) => !known || known.has(p.value));
  return polys.map((p) => {
    const parts = [String(p.value - 1)];
    for (let i = 0; i < p.points.length; i += 2) parts.push(fmt(p.points[i] / width), fmt(p.points[i + 1] / height));
    return parts.join(' ');
  });
}

export async function writeYolo(project: Project, items: ExportItem[], opts: ExportOptions, w: ExportWriter, report: ExportReport): Promise<void> {
  const known = new Set(project.listClasses().map((c) => c.index));
  const written = await eachLabelled(project, items, opts, report, (it, labels, image) => {
    if (image) w.write(`images/${it.split}/${it.stem}.${imageExt(image)}`, image);
    w.write(`labels/${it.split}/${it.stem}.txt`, lines(yoloLines(labels, it.width, it.height, opts.minArea ?? 4, known)));
  });
  report.images = written.length;
  const splits = new Set(written.map((it) => it.split));
  const names = classNamesByIndex(project.listClasses()).slice(1);
  const yaml = [
    '# Relevance Studio export: YOLO segmentation (Ultralytics). Class id = label value − 1.',
    `train: images/train`,
    `val: images/val`,
    ...(splits.has('test') ? ['test: images/test'] : []),
    `nc: ${names.length}`,
    'names:',
    ...names.map((n, i) => `  ${i}: ${JSON.stringify(n)}`),
  ];
  w.write('data.yaml', lines(yaml));
}
