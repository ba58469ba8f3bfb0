// `merge <dir> <shard_dir>...`: folds shard results (generate --shard i/n --into) into the
// project's job with the same parameters; human-edited, imported or approved masks stay current.
import { CliError } from '../args.ts';
import type { Command } from '../command.ts';
import { openProject } from '../../project/index.ts';
import { mergeShards } from '../../jobs/index.ts';

export const merge: Command = {
  name: 'merge',
  usage: 'merge <dir> <shard_dir>...',
  summary: 'fold the results of sharded generate runs (--into) into the project',
  async run(args) {
    const [dir, ...shards] = args.positionals;
    if (!dir || shards.length === 0) throw new CliError('usage: merge <dir> <shard_dir>...');
    const p = openProject(dir);
    try {
      const r = mergeShards(p, shards);
      const parts = [`${r.merged} images merged`, `${r.failed} failed`, `${r.skipped} already done`];
      if (r.notInSelection) parts.push(`${r.notInSelection} not in the job's selection here (skipped)`);
      if (r.keptHuman) parts.push(`${r.keptHuman} kept as non-current versions (human work left in place)`);
      console.log(`merged ${r.shards} shard${r.shards > 1 ? 's' : ''} into job ${r.jobId}: ${parts.join(', ')}; job ${r.jobDone ? 'done' : 'not finished yet'}`);
      for (const u of r.unfinished) console.log(`  ${u.dir}: ${u.pending} images not generated yet (rerun that shard, then merge again)`);
    } finally {
      p.close();
    }
    return 0;
  },
};
