// The store additions the jobs need (migration 003, JobItemsRepo, MasksRepo.setCurrent /
// delete / version, JobsRepo.findLatest / setRolledBack) on a real SQLite file.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { createProject, openProject, SCHEMA_VERSION, type Project } from '../../../src/project/index.ts';
import { writeJpeg } from '../../helpers/images.ts';
import { scratchEach } from '../../helpers/scratch.ts';

let p: Project;
const tmp = scratchEach('jobs-store-', (dir) => {
  p = createProject(path.join(dir, 'proj'));
  return () => p.close();
});

async function images(n: number): Promise<number[]> {
  const data = path.join(tmp.dir, 'data');
  for (let i = 0; i < n; i++) await writeJpeg(path.join(data, 'cat', `${i}.jpg`), { width: 6, height: 4, seed: i });
  await p.importDataset(data, { layout: 'folders', thumbnails: false });
  return [...p.images.all()].map((i) => i.id);
}

const png = (v: number) => encodeLabelPng(new Uint8Array(24).fill(v), 6, 4);

describe('store additions for jobs', () => {
  it('job items: frozen selection in order, state counts, done at most once, failures kept with their message', async () => {
    const ids = await images(3);
    const job = p.jobs.create('generate', { a: 1 }, 'now');
    p.db.transaction(() => p.jobItems.addAll(job.id, [ids[2], ids[0], ids[1]]))();
    expect(p.jobItems.list(job.id).map((i) => [i.seq, i.imageId, i.state])).toEqual([
      [0, ids[2], 'pending'],
      [1, ids[0], 'pending'],
      [2, ids[1], 'pending'],
    ]);
    const r = { maskId: null, prevMaskId: null, prevStatus: 'unreviewed' as const, madeCurrent: false, classes: [1] };
    expect(p.jobItems.markDone(job.id, ids[0], r, 't')).toBe(true);
    expect(p.jobItems.markDone(job.id, ids[0], r, 't')).toBe(false);
    p.jobItems.markFailed(job.id, ids[1], 'broken file', 't');
    p.jobItems.markFailed(job.id, ids[0], 'must not override done', 't');
    expect(p.jobItems.counts(job.id)).toEqual({ total: 3, pending: 1, done: 1, failed: 1 });
    expect(p.jobItems.get(job.id, ids[1])).toMatchObject({ state: 'failed', error: 'broken file' });
    expect(p.jobItems.get(job.id, ids[0])).toMatchObject({ state: 'done', classes: [1], prevStatus: 'unreviewed' });
    expect(p.jobItems.list(job.id, { states: ['pending', 'failed'], seqFrom: 1 }).map((i) => i.imageId)).toEqual([ids[1]]);
  });

  it('masks: setCurrent / delete / version; a frozen version cannot be deleted', async () => {
    const [id] = await images(1);
    p.addClass('dog'); // label 2 must be a class: the mask door checks
    const a = p.saveMask(id, png(1), { source: 'generated' });
    const b = p.saveMask(id, png(2), { source: 'generated' });
    p.db.transaction(() => p.masks.setCurrent(id, a.id))();
    expect(p.masks.current(id)!.version.id).toBe(a.id);
    expect(p.masks.version(b.id)).toMatchObject({ current: false });
    expect(p.masks.delete(b.id)).toBe(true);
    expect(p.masks.version(b.id)).toBeUndefined();
    p.setStatus(id, 'approved');
    expect(() => p.masks.delete(a.id)).toThrow(/frozen/);
    p.db.transaction(() => p.masks.setCurrent(id, null))();
    expect(p.masks.current(id)).toBeNull();
  });

  it('jobs: findLatest matches exact parameters and skips rolled-back jobs; migration 003 reopens', () => {
    const j1 = p.jobs.create('generate', { x: 1 }, 't');
    const j2 = p.jobs.create('generate', { x: 1 }, 't');
    p.jobs.create('generate', { x: 2 }, 't');
    expect(p.jobs.findLatest('generate', { x: 1 })!.id).toBe(j2.id);
    p.jobs.setStatus(j2.id, 'done', 't');
    p.jobs.setRolledBack(j2.id, 't2');
    expect(p.jobs.get(j2.id).rolledBackAt).toBe('t2');
    expect(p.jobs.findLatest('generate', { x: 1 })!.id).toBe(j1.id);
    p.close();
    p = openProject(path.join(tmp.dir, 'proj'));
    expect(p.info().schemaVersion).toBe(SCHEMA_VERSION);
    expect(SCHEMA_VERSION).toBeGreaterThanOrEqual(3);
  });
});
