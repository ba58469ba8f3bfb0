// Two processes on one project: a running job holds the project's run lock, so a second
// generator (the CLI while the studio runs a job, or two CLIs) is told which process holds
// it and stops without touching the job; a dead holder does not block; disjoint shards run
// side by side; and a write by another process is waited for, not failed as 'locked'. A
// holder is more than its pid: a pid now owned by another process (after a reboot), a
// holder from another boot, or a killed holder still a zombie no longer counts; a holder
// that cannot be checked is told how to take over, and `jobs --unlock` does.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { commitImage } from '../../../src/jobs/commit.ts';
import { createOrResume, generationParams, startJob } from '../../../src/jobs/index.ts';
import { readFileSync } from 'node:fs';
import { acquireRunLock, STALE_MS } from '../../../src/jobs/run-lock.ts';
import { thisProcess } from '../../../src/fs/process-identity.ts';
import type { Project } from '../../../src/project/index.ts';
import { ROOT, demoProject } from './fixture.ts';
import { killedAfterEach, scratchEach } from '../../helpers/scratch.ts';

let p: Project;
scratchEach('studio-run-lock-', async (dir) => {
  p = await demoProject(dir, 3);
  return () => p.close();
});
const children = killedAfterEach();
afterEach(() => vi.restoreAllMocks());

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

  /** a lock row as another process would have written it */
  const plant = (jobId: number, holder: Record<string, unknown>) =>
    p.db
      .prepare("INSERT INTO meta (key, value) VALUES (?, ?)")
      .run(`run-lock:${jobId}:all:${String(holder.pid)}`, JSON.stringify({ jobId, kind: 'generate', shard: null, command: 'relevance-studio generate', startedAt: '2020-01-01T00:00:00.000Z', beatAt: new Date().toISOString(), ...holder }));
  const rows = () => p.db.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'run-lock:%'").get();

  it('a pid now owned by another process, or a holder from another boot, no longer counts', async () => {
    const me = thisProcess();
    expect(me.boot).toMatch(/^[0-9a-f-]{36}$/); // Linux: the boot id and start times are there to read
    const { job } = createOrResume(p, generationParams(p, {}));
    // pid 1 runs, but it started long before the (made-up) holder did
    plant(job.id, { pid: 1, host: me.host, boot: me.boot, start: '999999999' });
    expect((await startJob(p, { jobId: job.id }, { workers: 0 }).done).state).toBe('done');
    expect(rows()).toEqual({ n: 0 });
    // this very pid and start time, but recorded in another boot
    plant(job.id, { pid: process.pid + 1, host: me.host, boot: '00000000-0000-0000-0000-000000000000', start: me.start });
    expect(() => acquireRunLock(p, job.id, 'generate').release()).not.toThrow();
    expect(rows()).toEqual({ n: 0 });
  });

  it('a holder killed with -9 counts as gone at once, while it is still a zombie', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    // sh starts the holder in the background, then becomes `sleep`, which never reaps it
    const helper = path.join(ROOT, 'test/helpers/hold-run-lock.ts');
    const sh = spawn('sh', ['-c', `"${process.execPath}" --import tsx "${helper}" "${p.dir}" ${job.id} & exec sleep 60`], { cwd: ROOT, env: { ...process.env, HOLD_UNTIL_KILLED: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(sh);
    await new Promise<void>((resolve) => sh.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve()));
    const holder = (p.db.prepare("SELECT value FROM meta WHERE key LIKE 'run-lock:%'").get() as { value: string }).value;
    const pid = (JSON.parse(holder) as { pid: number }).pid;
    expect(() => acquireRunLock(p, job.id, 'generate')).toThrow(/is running in another process/);
    process.kill(pid, 'SIGKILL');
    const state = () => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1][0];
    while (state() !== 'Z') await new Promise((r) => setTimeout(r, 10));
    expect(() => process.kill(pid, 0)).not.toThrow(); // a zombie still answers kill(pid, 0)
    expect((await startJob(p, { jobId: job.id }, { workers: 0 }).done).state).toBe('done');
  });

  it('a holder that cannot be checked: the refusal says how to take over; `jobs --unlock` does, and refuses a live one', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    const beatAt = new Date().toISOString();
    plant(job.id, { pid: 4242, host: 'gpu-node-7', beatAt });
    const lapses = new Date(Date.parse(beatAt) + STALE_MS).toISOString();
    expect(() => acquireRunLock(p, job.id, 'generate')).toThrow(
      `${p.dir}: job ${job.id} (generate) is running in another process: pid 4242 on gpu-node-7 (relevance-studio generate), since 2020-01-01T00:00:00.000Z; wait for it to finish or stop it, then run this again (its last heartbeat: ${beatAt}; if that process is gone, its lock lapses at ${lapses}, or take it over now with 'relevance-studio jobs ${p.dir} --unlock')`,
    );
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['jobs', p.dir, '--unlock'])).toBe(0);
    expect(err).toEqual([`took over job ${job.id} (generate)'s lock: pid 4242 on gpu-node-7 (relevance-studio generate), since 2020-01-01T00:00:00.000Z`]);
    expect(rows()).toEqual({ n: 0 });

    // a holder shown alive on this host is not taken over
    const live = await holdRunLock(job.id);
    err.length = 0;
    expect(await main(['jobs', p.dir, '--unlock'])).toBe(1);
    expect(err.join('\n')).toMatch(new RegExp(`and that process is running; stop it \\(kill ${live.pid}\\) instead of taking its lock`));
    expect(rows()).toEqual({ n: 1 });
  });
});
