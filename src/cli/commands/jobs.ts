// `jobs <dir> [--json] [--unlock]`: the project's generation and re-thresholding jobs, oldest
// first — what each ran (model, method, layer, background threshold), how far it got and
// whether it was rolled back: the job numbers `rollback` and `generate --rethreshold --job`
// take. --unlock first takes over run locks whose holders are gone (see jobs/run-lock.ts).
import { CliError, flagBool } from '../args.ts';
import type { Command } from '../command.ts';
import { jobInfos } from '../../jobs/list.ts';
import { openProject } from '../../project/index.ts';
import { unlockRuns } from '../../jobs/run-lock.ts';

export const jobs: Command = {
  name: 'jobs',
  usage: 'jobs <dir> [--json] [--unlock]',
  summary: 'list the generation jobs: parameters, progress, status, rollbacks (--unlock: take over the run lock of a job whose process is gone)',
  booleans: ['json', 'unlock'],
  async run(args) {
    const [dir, extra] = args.positionals;
    if (!dir || extra) throw new CliError(`usage: ${jobs.usage}`);
    const p = openProject(dir);
    try {
      if (flagBool(args, 'unlock')) {
        const removed = unlockRuns(p);
        console.error(removed.length ? removed.map((r) => `took over ${r}`).join('\n') : `no run lock held in ${p.dir}`);
      }
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
