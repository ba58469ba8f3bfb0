// `import <dir> <dataset> [--layout voc|folders|csv|json] [--tags FILE]`: adds a dataset's
// images and tags to a project. Progress goes to stderr (a bar on a terminal, otherwise a
// line per ~5%), the summary to stdout; unreadable files are listed, not fatal.
import { CliError, flagString } from '../args.ts';
import type { Command } from '../command.ts';
import { openProject, type DatasetLayout } from '../../project/index.ts';
import { DATASET_LAYOUTS as LAYOUTS } from '../../project/types.ts';
import { progressLine } from '../progress.ts';

export const importCmd: Command = {
  name: 'import',
  usage: 'import <dir> <dataset> [--layout voc|folders|csv|json] [--tags FILE] [--masks current|ground-truth]',
  summary: 'import a dataset (VOC folder, folder per class, CSV/JSON tag list)',
  async run(args) {
    const [dir, dataset, extra] = args.positionals;
    if (!dir || !dataset || extra) throw new CliError(`usage: ${importCmd.usage}`);
    const layout = flagString(args, 'layout');
    if (layout !== undefined && !(LAYOUTS as readonly string[]).includes(layout)) {
      throw new CliError(`--layout must be one of ${LAYOUTS.join(', ')}, got '${layout}'`);
    }
    const masks = flagString(args, 'masks');
    if (masks !== undefined && masks !== 'current' && masks !== 'ground-truth') {
      throw new CliError(`--masks must be current or ground-truth, got '${masks}'`);
    }
    const p = openProject(dir);
    try {
      const progress = progressLine('import', process.stderr);
      const report = await p.importDataset(dataset, {
        layout: layout as DatasetLayout | undefined,
        tagsFile: flagString(args, 'tags'),
        masks,
        onProgress: progress.update,
      });
      progress.finish();
      for (const e of report.errors) console.error(`skipped ${e.file}: ${e.message}`);
      const parts = [`${report.added} added`, `${report.skipped} already in the project`, `${report.errors.length} problems`];
      if (report.masks) parts.push(`${report.masks} ${report.masks === 1 ? 'mask' : 'masks'}${masks === 'ground-truth' ? ' (as ground truth)' : ''}`);
      console.log(`imported ${dataset} (${report.layout}): ${parts.join(', ')}`);
      if (report.newClasses.length) console.log(`new classes: ${report.newClasses.join(', ')}`);
    } finally {
      p.close();
    }
    return 0;
  },
};
