// exportProject: the studio's one export entry point (CLI, Export dialog).
import { resolve } from 'node:path';
import { StudioError } from '../contract/errors.ts';
import type { Project } from '../project/index.ts';
import { writeCams } from './cams.ts';
import { writeCoco } from './coco.ts';
import { ExportWriter } from './files.ts';
import { selectItems } from './select.ts';
import { EXPORT_FORMATS, type ExportOptions, type ExportReport } from './types.ts';
import { writeVoc } from './voc.ts';
import { writeYolo } from './yolo.ts';

export type * from './types.ts';
export { EXPORT_FORMATS } from './types.ts';
export { importMasks, type MaskImportReport, type MaskImportOptions } from './import-masks.ts';

/**
 * Writes the project's labels to `opts.out` in one format. Deterministic: the same
 * project and options give byte-identical files. Images that cannot be exported (a
 * mask that does not decode, a source image gone for copyImages) are listed in
 * `skipped`; the rest are written.
 */
export async function exportProject(project: Project, opts: ExportOptions): Promise<ExportReport> {
  if (!EXPORT_FORMATS.includes(opts.format)) {
    throw new StudioError('BAD_REQUEST', `export: unknown format '${String(opts.format)}' (expected ${EXPORT_FORMATS.join(', ')})`);
  }
  const out = resolve(opts.out);
  if (out === resolve(project.dir)) throw new StudioError('BAD_REQUEST', `export: ${out} is the project folder; choose another output folder`);
  const items = selectItems(project, opts, opts.format !== 'cams');
  const w = new ExportWriter(out);
  const report: ExportReport = { format: opts.format, out, images: 0, files: 0, skipped: [] };
  switch (opts.format) {
    case 'voc':
      await writeVoc(project, items, opts, w, report);
      break;
    case 'coco':
      writeCoco(project, items, opts, w, report);
      break;
    case 'yolo':
      await writeYolo(project, items, opts, w, report);
      break;
    case 'cams':
      writeCams(project, items, opts, w, report);
      break;
  }
  report.files = w.files;
  return report;
}
