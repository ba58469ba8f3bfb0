// A disk that fills up during `generate`: the project's database is capped (SQLite's
// max_page_count, the same SQLITE_FULL a full disk gives), so the job stops at the first
// image it cannot store — failed with one clear line, nothing lost, that image still
// pending — and, the space back, the same job resumes and finishes. Resuming on a disk
// that is still full is the same clear error, never an uncaught SQLite exception. A save
// from the studio on a full disk answers IO_ERROR in one line (not INTERNAL with a stack),
// and a cache file that cannot be written leaves no temp file behind.
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { thumbPath } from '../../../src/project/thumbnails.ts';
import { dispatch } from '../../../src/services/dispatch.ts';
import { createStudioService } from '../../../src/services/index.ts';
import { createOrResume, generationParams, startJob } from '../../../src/jobs/index.ts';
import type { Project } from '../../../src/project/index.ts';
import { storageFailure } from '../../../src/project/db.ts';
import { demoProject } from './fixture.ts';
import { scratchEach } from '../../helpers/scratch.ts';

let p: Project;
scratchEach('studio-disk-full-', async (dir) => {
  p = await demoProject(dir, 4);
  return () => p.close();
});

/** no page beyond those the file has now: the next write that needs one fails SQLITE_FULL */
function fillDisk(project: Project): number {
  const pages = project.db.pragma('page_count', { simple: true }) as number;
  project.db.pragma(`max_page_count = ${pages}`);
  return pages;
}

describe('disk full during generate', () => {
  it('stops the job with one clear line, keeps what was done, and resumes once there is space', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    const before = p.db.prepare('SELECT count(*) AS n FROM masks').get() as { n: number };
    fillDisk(p);
    const s = await startJob(p, { jobId: job.id }, { workers: 0 }).done;
    expect(s.state).toBe('failed');
    const m = /^job \d+ stopped: .+: the disk is full \(SQLITE_FULL: database or disk is full\); free some space and run it again; the (\d+) images? done are kept, and running the same job again resumes with the (\d+) left$/.exec(s.message ?? '');
    expect(m, s.message).not.toBeNull();
    const kept = Number(m![1]);
    expect(kept).toBeLessThan(4); // the free pages the file already had took a few
    expect(Number(m![2])).toBe(4 - kept);
    expect(s.failed).toBe(0);
    expect(p.jobItems.counts(job.id)).toMatchObject({ pending: 4 - kept, failed: 0, done: kept });
    expect(p.db.prepare('SELECT count(*) AS n FROM masks').get()).toEqual({ n: before.n + kept });

    // still full: the resume is refused the same way (a rejection with the message, no raw SqliteError)
    const again = await startJob(p, { jobId: job.id }, { workers: 0 }).done;
    expect(again.state).toBe('failed');
    expect(again.message).toMatch(/the disk is full/);

    p.db.pragma('max_page_count = 1073741823');
    const resumed = await startJob(p, { jobId: job.id }, { workers: 0 }).done;
    expect(resumed).toMatchObject({ state: 'done', done: 4, failed: 0 });
    expect(p.jobs.get(job.id).status).toBe('done');
  });

  it('classifies storage errors; leaves others alone', () => {
    const e = (code: string, message = 'x') => Object.assign(new Error(message), { code });
    expect(storageFailure(e('SQLITE_FULL', 'database or disk is full'), 'proj')?.message).toBe('proj: the disk is full (SQLITE_FULL: database or disk is full); free some space and run it again');
    expect(storageFailure(e('ENOSPC'), 'out')?.message).toMatch(/^out: the disk is full \(ENOSPC: x\)/);
    expect(storageFailure(e('SQLITE_IOERR_WRITE'), 'p')?.message).toMatch(/^p: an I\/O error on the project's disk/);
    expect(storageFailure(e('SQLITE_CORRUPT'), 'p')?.message).toMatch(/the project database is damaged/);
    expect(storageFailure(e('ENOENT'), 'p')).toBeNull();
    expect(storageFailure(new Error('plain'), 'p')).toBeNull();
  });

  it('a save from the studio on a full disk answers IO_ERROR in one line, logs no crash, and keeps the earlier version', async () => {
    const api = createStudioService(p);
    const img = p.getImage(1);
    const mask = (v: number) => encodeLabelPng(new Uint8Array(img.width * img.height).fill(v), img.width, img.height);
    expect(await dispatch(api, 'saveMask', [1, mask(1)])).toMatchObject({ ok: true });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fillDisk(p);
    let answer;
    for (let k = 2; k < 40; k++) {
      answer = await dispatch(api, 'saveMask', [1, mask(k % 3)]);
      if (!answer.ok) break;
    }
    expect(answer).toEqual({ ok: false, error: { code: 'IO_ERROR', message: 'saveMask: the disk is full (SQLITE_FULL: database or disk is full); free some space and run it again' } });
    expect(logged).not.toHaveBeenCalled();
    logged.mockRestore();
    expect(p.currentMask(1)).not.toBeNull();
  });

  it('a thumbnail that cannot be cached is still served, and leaves no temp file', async () => {
    const file = thumbPath(p.dir, 1);
    mkdirSync(file, { recursive: true }); // the cache entry's name taken: the rename fails like a full disk's write
    expect((await p.thumbnail(1)).length).toBeGreaterThan(100);
    expect(readdirSync(path.dirname(file)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
