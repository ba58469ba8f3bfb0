// exportProject: the studio's one export entry point (CLI, Export dialog, desktop menu).
import { StudioError } from '../contract/errors.ts';
import type { Project } from '../project/index.ts';
import { writeCams } from './cams.ts';
import { writeCoco } from './coco.ts';
import { ExportWriter } from './files.ts';
import { leftOutText, selectItems } from './select.ts';
import { stageExport, type StagedExport } from './stage.ts';
import { checkExportTarget, ProjectFiles } from './target.ts';
import { EXPORT_FORMATS, type ExportFormat, type ExportItem, type ExportOptions, type ExportReport } from './types.ts';
import { writeVoc } from './voc.ts';
import { writeYolo } from './yolo.ts';

export type * from './types.ts';
export { EXPORT_FORMATS } from './types.ts';
export { EXPORT_MARKER } from './bookkeeping.ts';
export { planExport } from './select.ts';

/** each format's files, written into the staging folder */
const WRITERS: Record<ExportFormat, (project: Project, items: ExportItem[], opts: ExportOptions, w: ExportWriter, report: ExportReport) => void | Promise<void>> = {
  voc: writeVoc,
  coco: writeCoco,
  yolo: writeYolo,
  cams: writeCams,
};

/**
 * Writes the project's labels to `opts.out` in one format. Deterministic: the same
 * project and options give byte-identical files. Images that cannot be exported (a
 * mask that does not decode, a source image gone for copyImages) are listed in
 * `skipped`; the rest are written. The target must be empty unless `overwrite`; the files
 * appear there only once all are written, with the completion marker EXPORT_MARKER. An
 * export with no image to write is refused (saying why each image is left out).
 */
export async function exportProject(project: Project, opts: ExportOptions): Promise<ExportReport> {
  if (!EXPORT_FORMATS.includes(opts.format)) {
    throw new StudioError('BAD_REQUEST', `export: unknown format '${String(opts.format)}' (expected ${EXPORT_FORMATS.join(', ')})`);
  }
  const { items, leftOut } = selectItems(project, opts);
  if (items.length === 0) {
    const why = leftOut.length ? `every image is left out (${leftOutText(leftOut)})` : 'the project has no images';
    throw new StudioError('BAD_REQUEST', `export: nothing to write: ${why}`);
  }
  const overwrite = opts.overwrite ?? false;
  const files = new ProjectFiles(project);
  const out = checkExportTarget(opts.out, { overwrite, projectDir: project.dir, files });
  let stage: StagedExport;
  try {
    stage = stageExport(out, { overwrite, files });
  } catch (e) {
    throw asIoError(e, out);
  }
  const report: ExportReport = { format: opts.format, out, images: 0, files: 0, skipped: [], leftOut };
  const w = new ExportWriter(stage.dir);
  try {
    await WRITERS[opts.format](project, items, opts, w, report);
    report.files = w.files;
  } catch (e) {
    stage.abort();
    throw asIoError(e, out);
  }
  try {
    stage.commit({ format: report.format, images: report.images, files: report.files, skipped: report.skipped.length }, w.written);
  } catch (e) {
    throw asIoError(e, out);
  }
  return report;
}

/** a raw file-system error of an export as one line; nothing was marked complete */
function asIoError(e: unknown, out: string): unknown {
  const code = (e as NodeJS.ErrnoException).code;
  if (!(e instanceof StudioError) && typeof code === 'string') return new StudioError('IO_ERROR', `export: cannot write ${out} (${code}: ${(e as Error).message.split('\n')[0]}); the export did not finish (no completion marker)`);
  return e;
}
