// The native menu template and the jobs/close logic, without Electron.
import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { aboutInfo, aboutText } from '../../../electron/about.ts';
import { closeQuestion, JobTracker } from '../../../electron/jobs-ui.ts';
import { menuTemplate, type MenuActions } from '../../../electron/menu.ts';
import type { JobProgress } from '../../../src/jobs/types.ts';

function recorder(): { actions: MenuActions; calls: string[] } {
  const calls: string[] = [];
  const rec = (name: string) => (arg?: unknown) => calls.push(arg === undefined ? name : `${name}:${String(arg)}`);
  const actions: MenuActions = {
    newProject: rec('newProject'),
    openProject: rec('openProject'),
    openRecent: rec('openRecent'),
    clearRecent: rec('clearRecent'),
    importDataset: rec('importDataset'),
    addModel: rec('addModel'),
    exportMasks: rec('exportMasks'),
    command: rec('command'),
    about: rec('about'),
    openDocs: rec('openDocs'),
    quit: rec('quit'),
  };
  return { actions, calls };
}

function flat(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
}

function click(items: MenuItemConstructorOptions[], id: string): void {
  const item = flat(items).find((i) => i.id === id);
  if (!item?.click) throw new Error(`no menu item '${id}'`);
  (item.click as () => void)();
}

describe('menu', () => {
  it('has File, Edit, View, Help with the studio commands wired', () => {
    const { actions, calls } = recorder();
    const t = menuTemplate('linux', actions, [{ path: '/p/pets', name: 'Pets', openedAt: '' }], { devTools: false });
    expect(t.map((m) => m.label ?? m.role)).toEqual(['&File', '&Edit', '&View', 'help']);
    for (const id of ['new-project', 'open-project', 'import-dataset', 'add-model', 'export', 'undo', 'redo', 'about', 'quit']) click(t, id);
    expect(calls).toEqual(['newProject', 'openProject', 'importDataset', 'addModel', 'exportMasks', 'command:undo', 'command:redo', 'about', 'quit']);
    const recent = flat(t).find((i) => i.label?.startsWith('Pets'));
    (recent?.click as () => void)();
    expect(calls.at(-1)).toBe('openRecent:/p/pets');
    expect(flat(t).some((i) => i.role === 'toggleDevTools')).toBe(false);
  });
  it('routes Undo/Redo to the editor instead of Chromium roles', () => {
    const t = menuTemplate('linux', recorder().actions, [], { devTools: true });
    const items = flat(t);
    expect(items.find((i) => i.id === 'undo')).toMatchObject({ accelerator: 'CmdOrCtrl+Z' });
    expect(items.some((i) => i.role === 'undo' || i.role === 'redo')).toBe(false);
    expect(items.find((i) => i.label === 'No recent projects')?.enabled).toBe(false);
  });
  it('on macOS has the app menu and the window menu', () => {
    const t = menuTemplate('darwin', recorder().actions, [], { devTools: false });
    expect(t.map((m) => m.label ?? m.role)).toEqual(['Relevance Studio', '&File', '&Edit', '&View', 'windowMenu', 'help']);
    expect(flat(t).find((i) => i.id === 'redo')?.accelerator).toBe('Shift+Cmd+Z');
  });
});

function progress(jobId: number, state: JobProgress['state'], done: number, total: number, backend = 'wasm'): JobProgress {
  return { jobId, kind: 'generate', state, total, done, failed: 0, processed: done, imagesPerSec: 1, etaSec: null, errors: [], errorCount: 0, keptHuman: 0, backend, workers: 1 };
}

describe('jobs and the window', () => {
  it('turns progress into the taskbar fraction', () => {
    const t = new JobTracker();
    expect(t.fraction()).toBe(-1);
    t.update(progress(1, 'starting', 0, 0));
    expect(t.fraction()).toBe(2); // indeterminate
    t.update(progress(1, 'running', 5, 20));
    t.update(progress(2, 'running', 10, 20));
    expect(t.fraction()).toBeCloseTo(15 / 40);
    expect(t.active()).toEqual([1, 2]);
    t.update(progress(1, 'done', 20, 20));
    t.update(progress(2, 'cancelled', 12, 20));
    expect(t.fraction()).toBe(-1);
    expect(t.backend).toBe('wasm');
  });
  it('whenIdle resolves when the last job stops, or false after the timeout', async () => {
    const t = new JobTracker();
    t.update(progress(3, 'running', 1, 10));
    const idle = t.whenIdle(10_000);
    t.update(progress(3, 'cancelled', 2, 10));
    expect(await idle).toBe(true);
    t.update(progress(4, 'running', 1, 10));
    expect(await t.whenIdle(1)).toBe(false);
  });
  it('asks before closing with the close answer not the default', () => {
    const q = closeQuestion(2);
    expect(q.message).toMatch(/2 mask generation jobs/);
    expect(q.buttons[q.closeIndex]).toMatch(/Stop and close/);
    expect(q.cancelId).not.toBe(q.closeIndex);
  });
  it('about lists versions, backend and credits', () => {
    const text = aboutText(aboutInfo('0.1.0', { electron: '41.7.1', chrome: '140', node: '22.1', v8: '14' }, 'linux x64', 'wasm'));
    expect(text).toMatch(/Version 0\.1\.0/);
    expect(text).toMatch(/Electron 41\.7\.1/);
    expect(text).toMatch(/Engine backend: wasm/);
    expect(text).toMatch(/Relevance-CAM/);
  });
});
