import { describe, expect, it } from 'vitest';
import { parseShard, shardFrom, shardRange } from '../../../src/jobs/shard.ts';
import { canonical } from '../../../src/contract/canonical.ts';
import { RateMeter } from '../../../src/jobs/progress.ts';

describe('shards', () => {
  it('slices cover every position exactly once, contiguous and in order', () => {
    for (const total of [0, 1, 2, 7, 60, 101, 1000]) {
      for (const count of [1, 2, 3, 7, 16, 64]) {
        const seen = new Array<number>(total).fill(0);
        let next = 0;
        for (let index = 0; index < count; index++) {
          const [from, to] = shardRange(total, { index, count });
          expect(from).toBe(next);
          for (let i = from; i < to; i++) seen[i]++;
          next = to;
          expect(to - from).toBeLessThanOrEqual(Math.ceil(total / count));
        }
        expect(next).toBe(total);
        expect(seen.every((n) => n === 1)).toBe(true);
      }
    }
    expect(shardRange(10, null)).toEqual([0, 10]);
  });

  it('reads --shard i/n, Kubernetes Indexed Jobs and Slurm arrays', () => {
    expect(parseShard('2/5')).toEqual({ index: 2, count: 5 });
    expect(() => parseShard('5/5')).toThrow(/not within 0…4/);
    expect(() => parseShard('1-3')).toThrow(/i\/n/);
    expect(shardFrom(undefined, {})).toBeNull();
    expect(shardFrom('0/2', { JOB_COMPLETION_INDEX: '1', RS_SHARDS: '4' })).toEqual({ index: 0, count: 2 });
    expect(shardFrom(undefined, { JOB_COMPLETION_INDEX: '3', RS_SHARDS: '4' })).toEqual({ index: 3, count: 4 });
    expect(() => shardFrom(undefined, { JOB_COMPLETION_INDEX: '3' })).toThrow(/RS_SHARDS/);
    expect(shardFrom(undefined, { SLURM_ARRAY_TASK_ID: '12', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '4' })).toEqual({ index: 2, count: 4 });
    expect(shardFrom(undefined, { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' })).toEqual({ index: 1, count: 2 });
    expect(() => shardFrom(undefined, { SLURM_ARRAY_TASK_ID: '1' })).toThrow(/SLURM_ARRAY_TASK_COUNT/);
    expect(() => shardFrom(undefined, { SLURM_ARRAY_TASK_ID: '14', SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(/not within/);
  });
});

describe('job parameters', () => {
  it('canonical form sorts keys recursively and drops undefined, so equal parameters give equal JSON', () => {
    const a = canonical({ b: 1, a: { d: [{ y: 1, x: 2 }], c: undefined } });
    expect(JSON.stringify(a)).toBe('{"a":{"d":[{"x":2,"y":1}]},"b":1}');
    expect(JSON.stringify(canonical({ a: { d: [{ x: 2, y: 1 }] }, b: 1 }))).toBe(JSON.stringify(a));
  });

  it('rate and ETA follow a sliding window of completions', () => {
    let t = 0;
    const m = new RateMeter(4, () => t);
    expect(m.rate()).toBe(0);
    expect(m.eta(10)).toBeNull();
    for (let i = 0; i < 4; i++) {
      t += 500;
      m.tick();
    }
    expect(m.rate()).toBe(2);
    expect(m.eta(10)).toBe(5);
    for (let i = 0; i < 4; i++) {
      t += 100;
      m.tick();
    }
    expect(m.rate()).toBeCloseTo(10);
  });
});
