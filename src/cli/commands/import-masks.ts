// `import-masks <dir> <src> --format voc|coco`: existing masks (VOC PNGs — indexed or
// grayscale — or a COCO instances JSON with RLE/polygons) become each image's current
// mask ('imported'), or with --masks ground-truth its reference mask. A file that does not fit (size, unknown class, no such image) is
// listed and skipped; the rest are imported. Exit code 1 when any file failed.
import { CliError, flagString } from '../args.ts';
import type { Command } from '../command.ts';
import { importMasks, openProject } from '../../project/index.ts';
import { progressLine } from '../progress.ts';

export const importMasksCmd: Command = {
  name: 'import-masks',
  usage: 'import-masks <dir> <src> --format voc|coco [--masks current|ground-truth]',
  summary: 'import existing masks (VOC PNGs or COCO RLE/polygons) to correct, or as ground truth',
  async run(args) {
    const [dir, src, extra] = args.positionals;
    if (!dir || !src || extra) throw new CliError(`usage: ${importMasksCmd.usage}`);
    const format = flagString(args, 'format');
    if (format !== 'voc' && format !== 'coco') throw new CliError(`--format must be voc or coco${format ? `, got '${format}'` : ''}`);
    const masks = flagString(args, 'masks');
    if (masks !== undefined && masks !== 'current' && masks !== 'ground-truth') throw new CliError(`--masks must be current or ground-truth, got '${masks}'`);
    const p = openProject(dir);
    try {
      const progress = progressLine('import-masks', process.stderr);
      const rep = await importMasks(p, src, { format, masks, onProgress: progress.update });
      progress.finish();
      for (const e of rep.errors) console.error(`skipped ${e.file}: ${e.message}`);
      console.log(`imported ${rep.imported} masks from ${src}${rep.errors.length ? `; ${rep.errors.length} files skipped` : ''}`);
      return rep.errors.length ? 1 : 0;
    } finally {
      p.close();
    }
  },
};
