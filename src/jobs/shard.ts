// Deterministic slices of a frozen selection for one-machine-per-shard runs: shard i of n
// takes positions [⌊i·N/n⌋, ⌊(i+1)·N/n⌋) — contiguous, disjoint, covering all N.
// The shard comes from --shard i/n, or a scheduler's environment: Kubernetes Indexed Jobs
// (JOB_COMPLETION_INDEX with RS_SHARDS=n) or Slurm arrays (SLURM_ARRAY_TASK_ID −
// SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT).
import { StudioError } from '../contract/errors.ts';

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new StudioError('BAD_REQUEST', `--shard must be i/n (0-based i), got '${s}'`);
  return checked(Number(m[1]), Number(m[2]), `--shard ${s}`);
}

/** The shard from the flag, else the environment, else null (the whole job). */
export function shardFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): Shard | null {
  if (flag !== undefined) return parseShard(flag);
  if (env.JOB_COMPLETION_INDEX !== undefined && env.JOB_COMPLETION_INDEX !== '') {
    if (!env.RS_SHARDS) throw new StudioError('BAD_REQUEST', 'JOB_COMPLETION_INDEX is set but RS_SHARDS (the number of shards, the Job\'s completions) is not');
    return checked(int(env.JOB_COMPLETION_INDEX, 'JOB_COMPLETION_INDEX'), int(env.RS_SHARDS, 'RS_SHARDS'), 'JOB_COMPLETION_INDEX/RS_SHARDS');
  }
  if (env.SLURM_ARRAY_TASK_ID !== undefined && env.SLURM_ARRAY_TASK_ID !== '') {
    if (!env.SLURM_ARRAY_TASK_COUNT) throw new StudioError('BAD_REQUEST', 'SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not');
    const min = env.SLURM_ARRAY_TASK_MIN ? int(env.SLURM_ARRAY_TASK_MIN, 'SLURM_ARRAY_TASK_MIN') : 0;
    return checked(
      int(env.SLURM_ARRAY_TASK_ID, 'SLURM_ARRAY_TASK_ID') - min,
      int(env.SLURM_ARRAY_TASK_COUNT, 'SLURM_ARRAY_TASK_COUNT'),
      'SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_MIN/SLURM_ARRAY_TASK_COUNT',
    );
  }
  return null;
}

/** [from, to) positions of the shard in a selection of `total` images. */
export function shardRange(total: number, shard: Shard | null): [number, number] {
  if (!shard) return [0, total];
  return [Math.floor((shard.index * total) / shard.count), Math.floor(((shard.index + 1) * total) / shard.count)];
}

function int(v: string, name: string): number {
  if (!/^\d+$/.test(v.trim())) throw new StudioError('BAD_REQUEST', `${name} must be a whole number, got '${v}'`);
  return Number(v);
}

function checked(index: number, count: number, where: string): Shard {
  if (!(count >= 1) || !(index >= 0) || index >= count) throw new StudioError('BAD_REQUEST', `${where}: shard index ${index} is not within 0…${count - 1}`);
  return { index, count };
}
