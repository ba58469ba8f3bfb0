// Writes while another process writes: every writing transaction starts IMMEDIATE, so an
// edit, a class change, a rollback or an import that reads before it writes waits for the
// other writer instead of failing with SQLITE_BUSY_SNAPSHOT; a database busy past the
// timeout answers BUSY in one line (a retryable code over HTTP: 503), never a stack.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createOrResume, generationParams, startJob } from '../../../src/jobs/index.ts';
import { rollbackJob } from '../../../src/jobs/rollback.ts';
import { editTags, updateClass } from '../../../src/project/editing.ts';
import type { Project } from '../../../src/project/index.ts';
import { dispatch } from '../../../src/services/dispatch.ts';
import { createStudioService } from '../../../src/services/index.ts';
import { writeJpeg } from '../../helpers/images.ts';
import { demoProject } from '../jobs/fixture.ts';
import { killedAfterEach, scratchEach } from '../../helpers/scratch.ts';

const HOLD = fileURLToPath(new URL('../../helpers/hold-write-lock.mjs', import.meta.url));

let p: Project;
const tmp = scratchEach('studio-busy-', async (dir) => {
  p = await demoProject(dir, 3);
  return () => p.close();
});
const children = killedAfterEach();

/** another process that holds the project's write lock for `ms`, then commits a write; resolves once it holds it */
async function otherWriter(ms: number): Promise<{ done: Promise<number | null> }> {
  const c = spawn(process.execPath, [HOLD, join(p.dir, 'project.sqlite'), String(ms)], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(c);
  const done = new Promise<number | null>((r) => c.on('exit', r));
  await new Promise<void>((resolve, reject) => {
    c.stdout!.on('data', (d: Buffer) => d.toString().includes('locked') && resolve());
    c.on('exit', (code) => reject(new Error(`writer exited ${code}`)));
  });
  return { done };
}

describe('writes while another process writes', () => {
  it('an edit, a class change, a rollback and an import that read first wait for the other writer and succeed', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    expect((await startJob(p, { jobId: job.id }, { workers: 0 }).done).state).toBe('done');
    const ids = p.allImages().map((i) => i.id);
    const cls = p.listClasses()[0].index;
    const data = join(tmp.dir, 'more');
    await writeJpeg(join(data, 'extra', 'e1.jpg'), { width: 20, height: 16, seed: 9 });

    const steps: [string, () => unknown][] = [
      ['editTags', () => editTags(p, ids, [cls], [])],
      ['updateClass', () => updateClass(p, cls, { color: '#123456' })],
      ['rollback', () => rollbackJob(p, job.id)],
    ];
    for (const [name, step] of steps) {
      const w = await otherWriter(300);
      // each reads the project before it writes, while the other process holds the write lock
      expect(() => step(), name).not.toThrow();
      expect(await w.done).toBe(0);
    }
    const w = await otherWriter(300);
    expect((await p.importDataset(data, { layout: 'folders', thumbnails: false })).added).toBe(1);
    expect(await w.done).toBe(0);
    expect(p.listClasses().find((c) => c.index === cls)!.color).toBe('#123456');
    expect(p.jobs.get(job.id).rolledBackAt).not.toBeNull();
  });

  it('busy past the timeout: BUSY in one line, retryable, nothing changed; the studio answers BUSY, not INTERNAL', async () => {
    p.db.pragma('busy_timeout = 100');
    const ids = p.allImages().map((i) => i.id);
    const cls = p.listClasses()[0].index;
    const before = p.getImage(ids[0]).tags;
    const w = await otherWriter(1500);
    expect(() => editTags(p, ids, [cls + 1], [])).toThrow(
      expect.objectContaining({ code: 'BUSY', message: expect.stringMatching(/project\.sqlite: the project database is busy \(another process is writing to it: .*\); nothing was changed, try again \(SQLITE_BUSY\)$/) }),
    );
    const api = createStudioService(p);
    const r = await dispatch(api, 'updateClass', [cls, { name: 'renamed' }]);
    expect(r).toMatchObject({ ok: false, error: { code: 'BUSY' } });
    expect(await w.done).toBe(0);
    expect(p.getImage(ids[0]).tags).toEqual(before);
    // once the other writer is done, the same call goes through
    expect(await dispatch(api, 'updateClass', [cls, { name: 'renamed' }])).toMatchObject({ ok: true });
  });
});
