// `jobs <dir> [--json]`: the project's generation and re-thresholding jobs, oldest first —
// what each ran (model, method, layer, background threshold), how far it got and whether it
// was rolled back: the job numbers `rollback` and `generate --rethreshold --job` take.
import { CliError, flagBool } from '../args.ts';
import type { Command } from '../command.ts';
import { jobInfos } from '../../jobs/list.ts';
import { openProject } from '../../project/index.ts';

export const jobs: Command = {
  name: 'jobs',
  usage: 'jobs <dir> [--json]',
  summary: 'list the generation jobs: parameters, progress, status, rollbacks',
  booleans: ['json'],
  async run(args) {
    const [dir, extra] = args.positionals;
    if (!dir || extra) throw new CliError(`usage: ${jobs.usage}`);
    const p = openProject(dir);
    try {
      const lines = jobInfos(p).map(({ active: _active, ...line }) => line);
      if (flagBool(args, 'json')) {
        console.log(JSON.stringify(lines));
        return 0;
      }
      if (!lines.length) {
        console.log(`no jobs yet in ${p.dir}: run generate`);
        return 0;
      }
      for (const l of lines) {
        const state = l.rolledBackAt ? `rolled back ${l.rolledBackAt.slice(0, 16).replace('T', ' ')}` : l.status;
        const progress = `${l.done}/${l.total} done${l.failed ? `, ${l.failed} failed` : ''}${l.pending && l.status !== 'done' ? `, ${l.pending} to go` : ''}`;
        console.log(`job ${l.id}  ${l.kind}  ${state}  ${l.createdAt.slice(0, 16).replace('T', ' ')}  ${progress}  —  ${l.what}${l.error ? `  (${l.error})` : ''}`);
      }
    } finally {
      p.close();
    }
    return 0;
  },
};
