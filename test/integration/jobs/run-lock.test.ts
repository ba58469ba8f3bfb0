// Two processes on one project: a running job holds the project's run lock, so a second
// generator (the CLI while the studio runs a job, or two CLIs) is told which process holds
// it and stops without touching the job; a dead holder does not block; disjoint shards run
// side by side; and a write by another process is waited for, not failed as 'locked'.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { commitImage } from '../../../src/jobs/commit.ts';
import { createOrResume, generationParams, startJob } from '../../../src/jobs/index.ts';
import { acquireRunLock } from '../../../src/jobs/run-lock.ts';
import type { Project } from '../../../src/project/index.ts';
import { tempDir } from '../../helpers/images.ts';
import { ROOT, demoProject } from './fixture.ts';

let tmp: ReturnType<typeof tempDir>;
let p: Project;
const children: ChildProcess[] = [];
beforeEach(async () => {
  tmp = tempDir('studio-run-lock-');
  p = await demoProject(tmp.dir, 3);
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  vi.restoreAllMocks();
  p.close();
  tmp.cleanup();
});

/** a child process that prints `ready` once it holds what it was started for */
function child(args: string[], ready: string): Promise<ChildProcess> {
  const c = spawn(process.execPath, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(c);
  return new Promise((resolve, reject) => {
    let out = '';
    c.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(ready)) resolve(c);
    });
    c.on('exit', (code) => reject(new Error(`child exited with ${code} before '${ready}'`)));
  });
}

const holdRunLock = (job: number, shard?: string) => child(['--import', 'tsx', path.join(ROOT, 'test/helpers/hold-run-lock.ts'), p.dir, String(job), ...(shard ? [shard] : [])], 'held');

describe('the project run lock', () => {
  it('a second generator is told which process holds the job and leaves the job untouched', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    const holder = await holdRunLock(job.id);
    const h = startJob(p, { jobId: job.id }, { workers: 0 });
    await expect(h.done).rejects.toThrow(new RegExp(`: job ${job.id} \\(generate\\) is running in another process: pid ${holder.pid} on .+ since .+; wait for it to finish or stop it, then run this again$`));
    expect(p.jobs.get(job.id).status).toBe('queued');
    expect(p.jobItems.counts(job.id)).toMatchObject({ pending: 3, done: 0, failed: 0 });

    // the CLI says the same in one line and exits 1
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await main(['generate', p.dir, '--job', String(job.id), '--workers', '0'])).toBe(1);
    expect(err.filter((l) => l.includes('is running in another process'))).toHaveLength(1);
    expect(err.join('\n')).toContain(`pid ${holder.pid}`);
    vi.restoreAllMocks();

    // another job of the project is refused too: one running job per project
    await expect(startJob(p, { mask: { bg: 0.2 } }, { workers: 0 }).done).rejects.toThrow(/is running in another process/);

    // a holder killed with -9 leaves a row behind that no longer counts
    holder.kill('SIGKILL');
    await new Promise((r) => holder.once('exit', r));
    const s = await startJob(p, { jobId: job.id }, { workers: 0 }).done;
    expect(s).toMatchObject({ state: 'done', done: 3, failed: 0 });
    expect(p.db.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'run-lock:%'").get()).toEqual({ n: 0 });
  });

  it('disjoint shards of one job may run in two processes; the same shard may not', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    await holdRunLock(job.id, '0/2');
    const other = startJob(p, { jobId: job.id }, { workers: 0, shard: { index: 1, count: 2 } });
    expect((await other.done).state).not.toBe('failed');
    expect(p.jobItems.counts(job.id)).toMatchObject({ done: 2, pending: 1 }); // shard 1/2 of 3 images: positions 1..2
    expect(() => acquireRunLock(p, job.id, 'generate', { index: 0, count: 2 })).toThrow(/job \d+ \(generate, shard 0\/2\) is running in another process: .*\(hold-run-lock\.ts .+ 0\/2\)/);
    await expect(startJob(p, { jobId: job.id }, { workers: 0 }).done).rejects.toThrow(/shard 0\/2\) is running in another process/);
  });

  it("a commit waits for another process's write instead of failing with 'database is locked'", async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    const ids = p.jobItems.list(job.id).map((i) => i.imageId);
    const ctx = { jobId: job.id, modelHash: 'h', camMethod: 'rcam', layer: 'layer2', thresholds: {} };
    const writer = await child([path.join(ROOT, 'test/helpers/hold-write-lock.mjs'), path.join(p.dir, 'project.sqlite'), '800'], 'locked');
    const out = commitImage(p, ctx, { imageId: ids[0], cams: [], storeCams: false, png: null });
    expect(out.written).toBe(true);
    await new Promise((r) => (writer.exitCode === null ? writer.once('exit', r) : r(null)));
    expect(writer.exitCode).toBe(0);
    expect(p.jobItems.get(job.id, ids[0])!.state).toBe('done');
    expect(p.db.prepare("SELECT value FROM meta WHERE key = 'probe'").get()).toEqual({ value: 'x' });
  });
});
