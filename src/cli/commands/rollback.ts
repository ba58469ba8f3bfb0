// `rollback <dir> <job> [--force]`: removes the mask versions a job wrote and brings back
// the versions that were current before (approved versions stay).
import { CliError } from '../args.ts';
import type { Command } from '../command.ts';
import { openProject } from '../../project/index.ts';
import { forceRollback, rollbackJob } from '../../jobs/index.ts';

export const rollback: Command = {
  name: 'rollback',
  usage: 'rollback <dir> <job> [--force]',
  summary: "undo a generation job: delete its mask versions, restore the previous current masks",
  booleans: ['force'],
  async run(args) {
    const [dir, job, extra] = args.positionals;
    if (!dir || !job || extra || !/^\d+$/.test(job)) throw new CliError('usage: rollback <dir> <job> [--force]');
    const p = openProject(dir);
    try {
      const r = args.flags.has('force') ? forceRollback(p, Number(job)) : rollbackJob(p, Number(job));
      console.log(
        `rolled back job ${r.jobId}: ${r.removed} mask versions removed, ${r.restored} images back to their previous mask${r.keptApproved ? `, ${r.keptApproved} approved since (kept)` : ''}`,
      );
    } finally {
      p.close();
    }
    return 0;
  },
};
