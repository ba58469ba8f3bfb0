// File › Import Dataset… and Add Model… in the desktop app, without the Electron binary:
// the menu item sends one 'app.command' over the real IPC wiring (registerIpc, a stand-in
// ipcMain and window), the page receives it through a bridge built as preload.ts builds
// it, and lib/menu-commands.ts opens the page's own wizard / dialog. The import then runs
// as the page's job through the StudioApi, after its dry run; the desktop channel no
// longer imports or adds models by itself.
import { join } from 'node:path';
import type { IpcMain, IpcMainInvokeEvent, MenuItemConstructorOptions, WebContents } from 'electron';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CALL, IPC_EVENT, type EventName, type StudioBridge, type StudioEvents } from '../../../src/contract/api.ts';
import type { ImportProgress } from '../../../src/contract/projects.ts';
import { IPC_DESKTOP } from '../../../src/contract/desktop.ts';
import { createEventBus, createStudioService } from '../../../src/services/index.ts';
import { nativePicker } from '../../../renderer/src/lib/desktop.ts';
import { followMenuDialogs } from '../../../renderer/src/lib/menu-commands.ts';
import { aboutInfo } from '../../../electron/about.ts';
import { createDesktopService } from '../../../electron/desktop.ts';
import { PathGrants } from '../../../electron/grants.ts';
import { channelTable, registerIpc, routeIpc, type ChannelTable } from '../../../electron/ipc.ts';
import { menuTemplate, pageCommands, type MenuActions } from '../../../electron/menu.ts';
import { checkCallPaths } from '../../../electron/path-policy.ts';
import { RecentProjects } from '../../../electron/recent.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';
import { smallProject, type TestProject } from '../services/fixture.ts';

type Handler = (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>;
type PageMessage = { name: EventName; payload: StudioEvents[EventName] };

const tmp = tempDir('studio-menu-');
let tp: TestProject;
let bridge: StudioBridge;
let menu: MenuItemConstructorOptions[];
let unregister: () => void;
let table: ChannelTable;
const opened: string[] = [];
const picks: string[] = [];
const page = globalThis as { studioDesktop?: unknown };

beforeAll(async () => {
  tp = await smallProject();
  const bus = createEventBus();
  const api = createStudioService(tp.project, { bus });
  const grants = new PathGrants();
  const desktop = createDesktopService({
    grants,
    recent: new RecentProjects(join(tmp.dir, 'userData', 'recent.json')),
    showPicker: async () => picks.shift() ?? null,
    exports: () => api,
    switchProject: async () => ({ name: 'switched' }),
    about: () => aboutInfo('1.2.3', { electron: '41.7.1', node: '22' }, 'linux x64', null),
  });
  table = channelTable(() => api, desktop, (m, p) => checkCallPaths(m, p, grants, tp.project.dir));

  // main: ipcMain and the studio window, as far as registerIpc uses them
  const handlers = new Map<string, Handler>();
  const ipcMain = { handle: (ch: string, fn: Handler) => handlers.set(ch, fn), removeHandler: (ch: string) => handlers.delete(ch) } as unknown as IpcMain;
  const toPage = new Set<(msg: PageMessage) => void>();
  const window = { id: 1, isDestroyed: () => false, send: (ch: string, msg: PageMessage) => ch === IPC_EVENT && toPage.forEach((l) => l(msg)) } as unknown as WebContents;
  unregister = registerIpc(ipcMain, table, bus, () => window);
  const invoke = (channel: string, method: string, params: unknown) =>
    handlers.get(channel)!({ sender: { id: 1 }, senderFrame: { url: 'studio://app/index.html', parent: null } } as unknown as IpcMainInvokeEvent, { method, params });

  // the page: the preload's two bridges over those channels, the renderer's client over window.studio
  bridge = {
    call: (method, params) => invoke(IPC_CALL, method, params) as never,
    onEvent(listener) {
      const l = (msg: PageMessage) => listener(msg.name, msg.payload);
      toPage.add(l);
      return () => toPage.delete(l);
    },
  };
  page.studioDesktop = { call: (method: string, params: unknown) => invoke(IPC_DESKTOP, method, params) };
  followMenuDialogs(events, { openImport: () => opened.push('import'), openAddModel: () => opened.push('add-model') });

  // main's menu with the page's commands wired as main.ts wires them
  const ignore = () => {};
  const actions: MenuActions = { newProject: ignore, openProject: ignore, openRecent: ignore, clearRecent: ignore, importDataset: ignore, addModel: ignore, exportMasks: ignore, command: ignore, about: ignore, openDocs: ignore, quit: ignore };
  menu = menuTemplate('linux', { ...actions, ...pageCommands((command) => bus.emit('app.command', { command })) }, [], { devTools: false });
});
afterAll(() => {
  unregister();
  delete page.studioDesktop;
  tp.cleanup();
  tmp.cleanup();
});

/** what lib/api.ts's client.on does over window.studio */
const events = {
  on: <E extends EventName>(name: E, handler: (payload: StudioEvents[E]) => void) => bridge.onEvent((n, payload) => (n as string) === name && handler(payload as StudioEvents[E])),
};

/** a StudioApi call through window.studio: its value, or the error's message thrown */
async function call<T>(method: string, ...params: unknown[]): Promise<T> {
  const r = await bridge.call(method as never, params as never);
  if (!r.ok) throw new Error(r.error.message);
  return r.value as T;
}

function click(id: string): void {
  const flat = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] => items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flat(i.submenu) : [])]);
  (flat(menu).find((i) => i.id === id)!.click as () => void)();
}

async function finished(jobId: number): Promise<ImportProgress> {
  for (;;) {
    const p = await call<ImportProgress | null>('importStatus');
    if (p?.jobId === jobId && p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('File › Import Dataset… and Add Model… in the desktop app', () => {
  it("open the page's import wizard and model dialog; Undo/Redo stay the editor's", () => {
    const seen: string[] = [];
    const off = events.on('app.command', (c) => seen.push(c.command));
    click('import-dataset');
    click('add-model');
    click('undo');
    off();
    expect(seen).toEqual(['import-dataset', 'add-model', 'undo']);
    expect(opened).toEqual(['import', 'add-model']);
  });

  it('the desktop channel no longer imports or adds a model by itself', async () => {
    const app = { url: 'studio://app/index.html', topFrame: true, ownWindow: true };
    for (const method of ['importDataset', 'addModel']) {
      expect(await routeIpc(table, IPC_DESKTOP, app, { method, params: ['/data', null] })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it("the wizard the menu opened picks natively, runs the dry run, then the import as the page's job", async () => {
    const data = join(tmp.dir, 'birds');
    await writeJpeg(join(data, 'bird', 'b1.jpg'), { width: 24, height: 16, seed: 21 });
    await writeJpeg(join(data, 'bird', 'b2.jpg'), { width: 24, height: 16, seed: 22 });
    const before = tp.project.info().images;
    picks.push(data);
    const path = await nativePicker('dataset')!();
    expect(path).toBe(data);
    expect(await call('inspectDataset', { path: data })).toMatchObject({ layout: 'folders', images: 2 });
    expect(tp.project.info().images).toBe(before); // a dry run writes nothing
    const { jobId } = await call<{ jobId: number }>('startImport', { path: data, layout: 'folders', masks: 'current' });
    expect((await finished(jobId)).summary).toMatchObject({ added: 2, skipped: 0, newClasses: ['bird'] });
    expect(tp.project.info().images).toBe(before + 2);
  });
});
