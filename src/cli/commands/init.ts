// `init <dir> [--name NAME]`: a new, empty project folder.
import { CliError, flagString } from '../args.ts';
import type { Command } from '../command.ts';
import { createProject } from '../../project/index.ts';

export const init: Command = {
  name: 'init',
  usage: 'init <dir> [--name NAME]',
  summary: 'create a project folder (project.sqlite)',
  async run(args) {
    const [dir, extra] = args.positionals;
    if (!dir || extra) throw new CliError('usage: init <dir> [--name NAME]');
    const p = createProject(dir, { name: flagString(args, 'name') });
    try {
      console.log(`created project '${p.name}' in ${p.dir}`);
    } finally {
      p.close();
    }
    return 0;
  },
};
