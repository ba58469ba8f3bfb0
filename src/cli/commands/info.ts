// `info <dir> [--json]`: what a project holds.
import { CliError, flagBool } from '../args.ts';
import type { Command } from '../command.ts';
import { openProject } from '../../project/index.ts';

export const info: Command = {
  name: 'info',
  usage: 'info <dir> [--json]',
  summary: 'show a project: images, classes, tags, masks, review status',
  booleans: ['json'],
  async run(args) {
    const [dir, extra] = args.positionals;
    if (!dir || extra) throw new CliError(`usage: ${info.usage}`);
    const p = openProject(dir);
    try {
      const i = p.info();
      if (flagBool(args, 'json')) {
        console.log(
          JSON.stringify({
            name: i.name,
            images: i.images,
            classes: i.classes.map((c) => c.name),
            tagged: i.tagged,
            masks: i.masks,
            approved: i.approved,
            statusCounts: i.statusCounts,
            schemaVersion: i.schemaVersion,
          }),
        );
      } else {
        console.log(
          [
            `project  ${i.name} (${p.dir})`,
            `images   ${i.images} (${i.tagged} tagged, ${i.masks} with a mask, ${i.approved} approved)`,
            `classes  ${i.classes.length ? i.classes.map((c) => `${c.index} ${c.name} (${c.imageCount})`).join(', ') : 'none'}`,
            `status   ${Object.entries(i.statusCounts).map(([s, n]) => `${s} ${n}`).join(', ')}`,
            `schema   ${i.schemaVersion} (app ${i.appVersion})`,
          ].join('\n'),
        );
      }
    } finally {
      p.close();
    }
    return 0;
  },
};
