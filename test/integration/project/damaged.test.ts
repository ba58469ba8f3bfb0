// A damaged project database is refused with one line naming the file and what is wrong,
// and never silently recreated: a dropped table, a 0-byte file (the file stays 0 bytes),
// and the same through the CLI (one line, exit 1, no stack trace).
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { createProject, openProject } from '../../../src/project/index.ts';
import { tempDir } from '../../helpers/images.ts';

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
});
