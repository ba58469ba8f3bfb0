// The one job loop with a kind of its own (what a new kind of job supplies: its work), on
// a real project: counting, failures on their job items, retrying, cancelling, a work that
// cannot be set up, and the job's status after each.
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commitImage } from '../../../src/jobs/commit.ts';
import { runJobLoop, type JobRun, type JobWork } from '../../../src/jobs/loop.ts';
import type { JobProgress } from '../../../src/jobs/types.ts';
import { createProject, type Project } from '../../../src/project/index.ts';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';

let tmp: ReturnType<typeof tempDir>;
let p: Project;
let ids: number[];
beforeEach(async () => {
  tmp = tempDir('jobs-loop-');
  p = createProject(path.join(tmp.dir, 'proj'));
  const data = path.join(tmp.dir, 'data');
  for (let i = 0; i < 7; i++) await writeJpeg(path.join(data, 'cat', `${i}.jpg`), { width: 6, height: 4, seed: i });
  await p.importDataset(data, { layout: 'folders', thumbnails: false });
  ids = [...p.images.all()].map((i) => i.id);
});
afterEach(() => {
  p.close();
  tmp.cleanup();
});

/** a kind that paints every image with class 1, failing on the images in `failOn` */
function painter(jobId: number, failOn: Set<number>, seen: number[] = []): JobWork {
  const ctx = { jobId, modelHash: 'none', camMethod: 'paint', layer: '-', thresholds: {} };
  return {
    backend: 'paint',
    lanes: 2,
    async run(imageId) {
      seen.push(imageId);
      if (failOn.has(imageId)) throw new Error(`cannot paint ${imageId}\nstack line`);
      const png = encodeLabelPng(new Uint8Array(24).fill(1), 6, 4);
      return commitImage(p, ctx, { imageId, cams: [], storeCams: false, png });
    },
    close: async () => undefined,
  };
}

function job(): number {
  const j = p.jobs.create('generate', { kind: 'paint' }, new Date().toISOString());
  p.jobItems.addAll(j.id, ids);
  return j.id;
}

function loop(jobId: number, work: () => Promise<JobWork>, extra: Partial<JobRun> = {}): Promise<Awaited<ReturnType<typeof runJobLoop>>> {
  return runJobLoop({ project: p, jobId, kind: 'generate', workers: 1, scope: p.jobItems.list(jobId), open: work, ...extra });
}

describe('the job loop', () => {
  it('counts every image, records failures on their items (first line), and retries them', async () => {
    const jobId = job();
    const events: JobProgress[] = [];
    const bad = new Set([ids[1], ids[4]]);
    const s = await loop(jobId, async () => painter(jobId, bad), { onProgress: (e) => events.push(e) });
    expect(s).toMatchObject({ jobId, state: 'done', total: 7, done: 5, failed: 2, processed: 7, errorCount: 2, keptHuman: 0, backend: 'paint', resumed: false });
    expect(s.errors.map((e) => [e.imageId, e.message])).toEqual([[ids[1], `cannot paint ${ids[1]}`], [ids[4], `cannot paint ${ids[4]}`]]);
    expect(events[0].state).toBe('starting');
    expect(events.filter((e) => e.state === 'running').map((e) => e.done + e.failed)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(events.at(-1)).toMatchObject({ state: 'done', done: 5, failed: 2 });
    expect(p.jobItems.get(jobId, ids[4])).toMatchObject({ state: 'failed', error: `cannot paint ${ids[4]}` });
    expect(p.jobs.get(jobId).status).toBe('done');
    expect(p.masks.current(ids[0])!.version.provenance).toMatchObject({ source: 'generated', method: 'paint', jobId });

    // a second run without retry has nothing to do; with retry only the failed two run again
    const again = await loop(jobId, async () => painter(jobId, new Set()));
    expect(again).toMatchObject({ state: 'done', processed: 0, done: 5, failed: 2 });
    const seen: number[] = [];
    const retried = await loop(jobId, async () => painter(jobId, new Set(), seen), { retryFailed: true, resumed: true });
    expect(seen.sort((a, b) => a - b)).toEqual([ids[1], ids[4]]);
    expect(retried).toMatchObject({ state: 'done', done: 7, failed: 0, processed: 2, resumed: true });
  });

  it('cancel stops taking images; the job stays resumable and finishes the rest later', async () => {
    const jobId = job();
    const ac = new AbortController();
    const seen: number[] = [];
    const work = painter(jobId, new Set(), seen);
    const s = await loop(jobId, async () => ({ ...work, run: async (id) => { const r = await work.run(id); if (seen.length >= 3) ac.abort(); return r; } }), { signal: ac.signal });
    expect(s.state).toBe('cancelled');
    // two lanes: the images already taken finish, nothing after the abort starts
    expect(s.processed).toBeGreaterThanOrEqual(3);
    expect(s.processed).toBeLessThanOrEqual(4);
    expect(p.jobs.get(jobId).status).toBe('cancelled');
    const rest = await loop(jobId, async () => painter(jobId, new Set()));
    expect(rest).toMatchObject({ state: 'done', done: 7, processed: 7 - s.processed });
  });

  it('a cancel while the work starts stops the job at once; the work, once up, is closed unused', async () => {
    const jobId = job();
    const ac = new AbortController();
    let release!: (w: JobWork) => void;
    const opening = new Promise<JobWork>((r) => (release = r));
    const events: JobProgress[] = [];
    const run = loop(jobId, () => opening, { signal: ac.signal, onProgress: (e) => events.push(e) });
    await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => e.state)).toEqual(['starting']);
    ac.abort();
    // settles although the work never came up
    const s = await run;
    expect(s).toMatchObject({ state: 'cancelled', processed: 0, done: 0, total: 7 });
    expect(p.jobs.get(jobId).status).toBe('cancelled');
    let closed = false;
    const seen: number[] = [];
    release({ ...painter(jobId, new Set(), seen), close: async () => void (closed = true) });
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
    expect(seen).toEqual([]);
    // a cancel before the job starts does not even set the work up
    const early = new AbortController();
    early.abort();
    let opened = false;
    const none = await loop(jobId, async () => ((opened = true), painter(jobId, new Set())), { signal: early.signal });
    expect(none.state).toBe('cancelled');
    expect(opened).toBe(false);
    expect(p.jobItems.counts(jobId)).toMatchObject({ pending: 7, done: 0 });
  });

  it('a work that cannot be set up, or a refusal, fails the job with its message', async () => {
    const jobId = job();
    const broken = await loop(jobId, async () => {
      throw new Error('job N failed: no engine');
    });
    expect(broken).toMatchObject({ state: 'failed', message: 'job N failed: no engine', processed: 0 });
    expect(p.jobs.get(jobId)).toMatchObject({ status: 'failed', error: 'job N failed: no engine' });
    const refused = await loop(jobId, async () => painter(jobId, new Set()), { refuse: () => 'its model is gone' });
    expect(refused).toMatchObject({ state: 'failed', message: 'its model is gone' });
    expect(p.jobItems.counts(jobId)).toMatchObject({ pending: 7, done: 0 });
  });
});
