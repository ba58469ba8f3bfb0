// A damaged project database is refused with one line naming the file and what is wrong,
// and never silently recreated: a dropped table, a 0-byte file (the file stays 0 bytes),
// and the same through the CLI (one line, exit 1, no stack trace). A project folder deleted
// (or its database replaced) while it is open: no further save is acknowledged.
import { copyFileSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { createProject, openProject } from '../../../src/project/index.ts';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { dispatch } from '../../../src/services/dispatch.ts';
import { createStudioService } from '../../../src/services/index.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('studio-damaged-');
});
afterEach(() => {
  vi.restoreAllMocks();
  tmp.cleanup();
});

describe('a damaged project database', () => {
  it('a dropped table: refused naming it, the file unchanged', () => {
    const dir = join(tmp.dir, 'p');
    createProject(dir, { name: 'P' }).close();
    const file = join(dir, 'project.sqlite');
    const raw = new Database(file);
    raw.pragma('foreign_keys = OFF');
    raw.exec('DROP TABLE image_tags');
    raw.close();
    const before = readFileSync(file);
    expect(() => openProject(dir)).toThrow(`${file}: the project database is damaged: table 'image_tags', index 'image_tags_by_class' are missing; restore project.sqlite from a backup (nothing was changed)`);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('a 0-byte file: refused, never recreated as an empty project', () => {
    const dir = join(tmp.dir, 'p');
    createProject(dir).close();
    const file = join(dir, 'project.sqlite');
    writeFileSync(file, '');
    expect(() => openProject(dir)).toThrow(`${file}: the project database is empty (0 bytes); restore it from a backup, or delete it and run 'relevance-studio init' to start a new project`);
    expect(statSync(file).size).toBe(0);
  });

  it('the CLI says so in one line and exits 1', async () => {
    const dir = join(tmp.dir, 'p');
    createProject(dir).close();
    writeFileSync(join(dir, 'project.sqlite'), '');
    const err: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await main(['info', dir])).toBe(1);
    expect(err).toEqual([`relevance-studio info: ${join(dir, 'project.sqlite')}: the project database is empty (0 bytes); restore it from a backup, or delete it and run 'relevance-studio init' to start a new project`]);
  });

  it('the project folder deleted while open: a save is refused (IO_ERROR), never acknowledged into the unlinked file', async () => {
    const dir = join(tmp.dir, 'p');
    await writeJpeg(join(tmp.dir, 'data', 'cat', 'a.jpg'), { width: 8, height: 6, seed: 1 });
    const p = createProject(dir);
    await p.importDataset(join(tmp.dir, 'data'), { layout: 'folders', thumbnails: false });
    const api = createStudioService(p);
    const mask = encodeLabelPng(new Uint8Array(48).fill(1), 8, 6);
    const saved = await dispatch(api, 'saveMask', [1, mask]);
    expect(saved).toMatchObject({ ok: true });
    const file = join(dir, 'project.sqlite');

    rmSync(dir, { recursive: true, force: true });
    const lost = `${file}: the project database was deleted (or its folder moved) while the project was open; this change was not saved. Close the project and open it again from where it now lies`;
    for (const [method, params] of [['saveMask', [1, mask]], ['setStatus', [[1], 'approved']], ['editTags', [[1], [], [1]]], ['updateClass', [1, { name: 'kitten' }]]] as const) {
      expect(await dispatch(api, method, params), method).toEqual({ ok: false, error: { code: 'IO_ERROR', message: lost } });
    }
    p.close();

    // a database replaced under the open project: refused too
    const dir2 = join(tmp.dir, 'p2');
    const q = createProject(dir2);
    await q.importDataset(join(tmp.dir, 'data'), { layout: 'folders', thumbnails: false });
    q.db.pragma('wal_checkpoint(TRUNCATE)');
    const file2 = join(dir2, 'project.sqlite');
    renameSync(file2, join(tmp.dir, 'moved.sqlite'));
    copyFileSync(join(tmp.dir, 'moved.sqlite'), file2);
    expect(() => q.saveMask(1, mask, { source: 'edited' })).toThrow(`${file2}: the project database was replaced while the project was open; this change was not saved`);
    q.close();
  });
});
