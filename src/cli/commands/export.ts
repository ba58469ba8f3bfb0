// `export <dir> --format voc|coco|yolo|cams --out OUT [--overwrite] [--approved-only] [--split val=0.1 --seed 1]
//  [--copy-images] [--palette voc|project] [--per-class] [--min-area N] [--cam-resolution feature|image]`:
// writes the project's labels as training data (into an empty or new folder; --overwrite replaces an earlier export's files). Progress on stderr (a bar on a terminal,
// a line per ~5% otherwise); the summary and any skipped image on stdout/stderr.
import { resolve } from 'node:path';
import { CliError, flagBool, flagNumber, flagString } from '../args.ts';
import type { Command } from '../command.ts';
import { EXPORT_FORMATS, exportProject, type ExportFormat } from '../../export/index.ts';
import { leftOutText } from '../../export/select.ts';
import { openProject } from '../../project/index.ts';
import { progressLine } from '../progress.ts';

/** '--split val=0.1' or '--split 0.1'. */
function parseSplit(v: string | undefined, seed: number | undefined): { val: number; seed: number } | undefined {
  if (v === undefined) {
    if (seed !== undefined) throw new CliError('--seed needs --split val=R');
    return undefined;
  }
  const m = /^(?:val=)?([0-9]*\.?[0-9]+)$/.exec(v);
  if (!m) throw new CliError(`--split must look like val=0.1, got '${v}'`);
  const val = Number(m[1]);
  if (val < 0 || val > 1) throw new CliError(`--split val must be between 0 and 1, got ${val}`);
  if (seed !== undefined && !Number.isInteger(seed)) throw new CliError(`--seed must be an integer, got ${seed}`);
  return { val, seed: seed ?? 0 };
}

export const exportCmd: Command = {
  name: 'export',
  usage: 'export <dir> --format voc|coco|yolo|cams --out OUT [--overwrite] [--approved-only] [--split val=0.1 --seed 1] [--copy-images] [--min-area N]',
  summary: 'export masks as training labels (VOC PNGs, COCO RLE, YOLO-seg polygons, CAM .npy)',
  booleans: ['approved-only', 'copy-images', 'per-class', 'overwrite'],
  async run(args) {
    const [dir, extra] = args.positionals;
    if (!dir || extra) throw new CliError(`usage: ${exportCmd.usage}`);
    const format = flagString(args, 'format') ?? 'voc';
    if (!EXPORT_FORMATS.includes(format as ExportFormat)) throw new CliError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got '${format}'`);
    const out = flagString(args, 'out');
    if (!out) throw new CliError('--out OUT is required');
    const palette = flagString(args, 'palette');
    if (palette !== undefined && palette !== 'voc' && palette !== 'project') throw new CliError(`--palette must be voc or project, got '${palette}'`);
    const camRes = flagString(args, 'cam-resolution');
    if (camRes !== undefined && camRes !== 'feature' && camRes !== 'image') throw new CliError(`--cam-resolution must be feature or image, got '${camRes}'`);
    const split = parseSplit(flagString(args, 'split'), flagNumber(args, 'seed'));
    const p = openProject(dir);
    try {
      const progress = progressLine('export', process.stderr);
      const t0 = performance.now();
      const rep = await exportProject(p, {
        format: format as ExportFormat,
        out: resolve(out),
        overwrite: flagBool(args, 'overwrite'),
        approvedOnly: flagBool(args, 'approved-only'),
        split,
        copyImages: flagBool(args, 'copy-images'),
        palette,
        cocoAnnotations: flagBool(args, 'per-class') ? 'class' : 'region',
        minArea: flagNumber(args, 'min-area'),
        camResolution: camRes,
        onProgress: progress.update,
      });
      progress.finish();
      for (const s of rep.skipped) console.error(`skipped ${s.image}: ${s.reason}`);
      if (rep.leftOut.length) console.error(`left out: ${leftOutText(rep.leftOut)}`);
      const secs = (performance.now() - t0) / 1000;
      console.log(`exported ${rep.images} images (${rep.files} file${rep.files === 1 ? "" : "s"}, ${format}) to ${rep.out} in ${secs.toFixed(1)} s${rep.skipped.length ? `; ${rep.skipped.length} skipped` : ''}`);
    } finally {
      p.close();
    }
    return 0;
  },
};
