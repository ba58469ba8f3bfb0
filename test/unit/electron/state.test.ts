// Window state, recent projects, the command line and the path grants: the main process's
// small persistent pieces, on real files in a temp folder.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectFromArgv } from '../../../electron/argv.ts';
import { isInside, PathGrants } from '../../../electron/grants.ts';
import { MAX_RECENT, RecentProjects } from '../../../electron/recent.ts';
import { DEFAULT_WINDOW, fitWindowState, loadWindowState, MIN_SIZE, saveWindowState } from '../../../electron/window-state.ts';
import { createProject } from '../../../src/project/index.ts';
import { tempDir } from '../../helpers/images.ts';

const tmp = tempDir('studio-state-');
afterAll(() => tmp.cleanup());
const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

describe('window state', () => {
  it('round-trips through userData and survives a missing or broken file', () => {
    const file = join(tmp.dir, 'ud', 'window-state.json');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW);
    saveWindowState(file, { x: 100, y: 50, width: 1000, height: 700, maximized: true });
    expect(loadWindowState(file, screen)).toEqual({ x: 100, y: 50, width: 1000, height: 700, maximized: true });
    writeFileSync(file, '{ not json');
    expect(loadWindowState(file, screen)).toEqual(DEFAULT_WINDOW);
  });
  it('drops a position on a monitor that is gone and clamps absurd sizes', () => {
    expect(fitWindowState({ x: 3000, y: 100, width: 1000, height: 700 }, screen)).toEqual({ width: 1000, height: 700, maximized: false });
    expect(fitWindowState({ x: 100, y: -500, width: 1000, height: 700 }, screen)).toEqual({ width: 1000, height: 700, maximized: false });
    expect(fitWindowState({ x: 2000, y: 10, width: 1000, height: 700 }, [...screen, { x: 1920, y: 0, width: 1280, height: 1024 }])).toMatchObject({ x: 2000, y: 10 });
    expect(fitWindowState({ width: 99999, height: 1 }, screen)).toMatchObject({ width: 1920, height: MIN_SIZE.height });
    expect(fitWindowState({ width: 'wide', height: null, x: Number.NaN, y: 0, maximized: 'yes' }, screen)).toEqual(DEFAULT_WINDOW);
  });
});

describe('recent projects', () => {
  it('keeps the newest first, no duplicates, only folders that still hold a project, at most MAX_RECENT', () => {
    const file = join(tmp.dir, 'ud', 'recent.json');
    const recent = new RecentProjects(file);
    expect(recent.list()).toEqual([]);
    const dirs = Array.from({ length: MAX_RECENT + 2 }, (_, i) => join(tmp.dir, `p${i}`));
    for (const d of dirs) createProject(d, { name: `P ${d.slice(-2)}` }).close();
    for (const d of dirs) recent.add(d, d.slice(-2));
    recent.add(dirs[3], 'again');
    const list = recent.list();
    expect(list).toHaveLength(MAX_RECENT);
    expect(list[0]).toMatchObject({ path: dirs[3], name: 'again' });
    expect(new Set(list.map((r) => r.path)).size).toBe(MAX_RECENT);
    expect(recent.has(dirs[3])).toBe(true);
    recent.remove(dirs[3]);
    expect(recent.has(dirs[3])).toBe(false);
    // a folder that no longer holds a project drops out; junk entries are ignored
    writeFileSync(file, JSON.stringify([{ path: join(tmp.dir, 'gone') }, 42, { path: dirs[1], name: 'x' }]));
    expect(recent.list().map((r) => r.path)).toEqual([dirs[1]]);
    writeFileSync(file, '[[[');
    expect(recent.list()).toEqual([]);
  });
});

describe('command line', () => {
  it('finds the project folder in dev and packaged argv, and in a second instance', () => {
    expect(projectFromArgv(['electron', 'dist-electron/main.js', '--project', 'data/p'], '/home/u', 2)).toBe(resolve('/home/u/data/p'));
    expect(projectFromArgv(['electron', 'dist-electron/main.js', '--project=/abs/p'], '/home/u', 2)).toBe('/abs/p');
    expect(projectFromArgv(['/opt/Relevance Studio/relevance-studio', '/data/pets'], '/', 1)).toBe('/data/pets');
    expect(projectFromArgv(['/opt/rs/relevance-studio', '--no-sandbox', 'pets', '--enable-logging'], '/data', 1)).toBe('/data/pets');
    expect(projectFromArgv(['/opt/rs/relevance-studio', '-psn_0_12345'], '/', 1)).toBeNull();
    expect(projectFromArgv(['electron', 'dist-electron/main.js'], '/', 2)).toBeNull();
  });
});

describe('path grants', () => {
  it('isInside resolves .. before deciding', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c/d')).toBe(true);
    expect(isInside('/a/b', '/a/b/../c')).toBe(false);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
  });
  it('grants the exact path for one purpose; inside only on request', () => {
    const g = new PathGrants();
    const dir = join(tmp.dir, 'out');
    mkdirSync(dir, { recursive: true });
    g.grant(dir, 'folder', 'export');
    expect(g.check(dir, 'export')).toBe(dir);
    expect(g.check(`${dir}/./`, 'export')).toBe(dir);
    expect(() => g.check(dir, 'dataset')).toThrow(/not chosen in a dialog/);
    expect(() => g.check(join(dir, 'sub'), 'export')).toThrow(/not chosen/);
    expect(g.check(join(dir, 'sub'), 'export', { inside: true })).toBe(join(dir, 'sub'));
    expect(() => g.check(join(dir, '..', 'x'), 'export', { inside: true })).toThrow(/not chosen/);
    expect(() => g.check('out', 'export')).toThrow(/not a path chosen/);
    expect(() => g.check(`${dir}\0`, 'export')).toThrow(/non-empty string/);
    expect(() => g.check(42, 'export')).toThrow(/non-empty string/);
    g.revokeAll();
    expect(() => g.check(dir, 'export')).toThrow(/not chosen/);
  });
});
