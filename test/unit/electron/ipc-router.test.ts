// The IPC router and the desktop channel over a real project (SQLite in a temp folder, real
// JPEGs): unknown channels, foreign frames, wrong shapes and paths no dialog granted are all
// refused before any service runs; a granted path works.
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CALL, type StudioApi } from '../../../src/contract/api.ts';
import type { ImportProgress } from '../../../src/contract/projects.ts';
import { createStudioService } from '../../../src/services/index.ts';
import { IPC_DESKTOP, type DesktopApi, type DesktopBridge, type PickPurpose } from '../../../src/contract/desktop.ts';
import { nativePicker } from '../../../renderer/src/lib/desktop.ts';
import { aboutInfo } from '../../../electron/about.ts';
import { createDesktopService } from '../../../electron/desktop.ts';
import { PathGrants } from '../../../electron/grants.ts';
import { channelTable, routeIpc, type CallSender, type ChannelTable } from '../../../electron/ipc.ts';
import { checkCallPaths, pathLikeFields } from '../../../electron/path-policy.ts';
import { RecentProjects } from '../../../electron/recent.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';
import { smallProject, type TestProject } from '../services/fixture.ts';

let tp: TestProject;
let api: StudioApi;
let desktop: DesktopApi;
let table: ChannelTable;
let grants: PathGrants;
let picks: (string | null)[];
let newData: string;
const tmp = tempDir('studio-ipc-');
const app: CallSender = { url: 'studio://app/index.html', topFrame: true, ownWindow: true };

beforeAll(async () => {
  tp = await smallProject();
  // one image with a mask: an export with nothing to write is refused before it looks at the folder
  const first = tp.project.listImages({ offset: 0, limit: 1, search: 'c2' }).items[0];
  tp.project.maskWrites.edited(first.id, { labels: new Uint8Array(first.width * first.height).fill(1), width: first.width, height: first.height });
  api = createStudioService(tp.project);
  grants = new PathGrants();
  picks = [];
  newData = join(tmp.dir, 'more');
  await writeJpeg(join(newData, 'bird', 'b1.jpg'), { width: 32, height: 32, seed: 9 });
  await writeJpeg(join(newData, 'bird', 'b2.jpg'), { width: 32, height: 32, seed: 10 });
  desktop = createDesktopService({
    grants,
    recent: new RecentProjects(join(tmp.dir, 'userData', 'recent.json')),
    showPicker: async (_purpose: PickPurpose) => picks.shift() ?? null,
    exports: () => api,
    switchProject: async () => ({ name: 'switched' }),
    about: () => aboutInfo('1.2.3', { electron: '41.7.1', node: '22' }, 'linux x64', null),
  });
  table = channelTable(() => api, desktop, (m, p) => checkCallPaths(m, p, grants, tp.project.dir));
});
afterAll(() => {
  tp.cleanup();
  tmp.cleanup();
});

describe('channels and senders', () => {
  it('rejects an unknown channel', async () => {
    for (const ch of ['studio:fs', 'studio:call ', '', '__proto__', 'constructor', 'toString']) {
      expect(await routeIpc(table, ch, app, { method: 'projectInfo', params: [] }), ch).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('rejects a foreign sender frame on every channel', async () => {
    const foreign: (CallSender | null)[] = [
      { url: 'studio://app/index.html', topFrame: false, ownWindow: true }, // an iframe
      { url: 'studio://app/index.html', topFrame: true, ownWindow: false }, // another webContents
      { url: 'https://example.com/', topFrame: true, ownWindow: true },
      { url: 'file:///tmp/x.html', topFrame: true, ownWindow: true },
      { url: 'studio://evil/index.html', topFrame: true, ownWindow: true },
      null,
    ];
    for (const s of foreign) {
      for (const ch of [IPC_CALL, IPC_DESKTOP]) {
        expect(await routeIpc(table, ch, s, { method: 'recentProjects', params: [] }), JSON.stringify(s)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
      }
    }
  });

  it('rejects payloads of the wrong shape', async () => {
    const shapes: unknown[] = [null, undefined, 'projectInfo', 42, [], ['projectInfo'], { params: [] }, { method: 7, params: [] }, { method: 'projectInfo', params: [], extra: 1 }];
    for (const p of shapes) {
      for (const ch of [IPC_CALL, IPC_DESKTOP]) expect(await routeIpc(table, ch, app, p), `${ch} ${JSON.stringify(p)}`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    }
  });

  it('rejects wrong parameters of a known method, and unknown methods', async () => {
    const bad: [string, string, unknown][] = [
      [IPC_CALL, 'getImage', ['1']],
      [IPC_CALL, 'getImage', [1, 2]],
      [IPC_CALL, 'listImages', [{ offset: 0, limit: 10, path: '/etc' }]],
      [IPC_DESKTOP, 'pick', ['anything']],
      [IPC_DESKTOP, 'pick', []],
      [IPC_CALL, 'startImport', [{ path: 42, layout: 'folders', masks: 'current' }]],
      [IPC_CALL, 'startImport', [{ path: newData, layout: 'zip', masks: 'current' }]],
      [IPC_DESKTOP, 'exportMasks', [newData, 'voc', 'yes', false]],
      [IPC_DESKTOP, 'exportMasks', [newData, 'png', false, false]],
      [IPC_DESKTOP, 'exportMasks', [newData, 'voc', false]],
      [IPC_DESKTOP, 'about', [1]],
    ];
    for (const [ch, method, params] of bad) expect(await routeIpc(table, ch, app, { method, params }), `${method} ${JSON.stringify(params)}`).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await routeIpc(table, IPC_CALL, app, { method: 'readFile', params: ['/etc/passwd'] })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await routeIpc(table, IPC_DESKTOP, app, { method: 'shell', params: ['rm -rf /'] })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await routeIpc(table, IPC_DESKTOP, app, { method: 'hasOwnProperty', params: [] })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });
});

/** the import wizard's call (what File › Import Dataset… opens in the page) */
const startImport = (path: unknown) => ({ method: 'startImport', params: [{ path, layout: 'folders', masks: 'current' }] });

async function importFinished(): Promise<ImportProgress> {
  for (;;) {
    const p = await api.importStatus();
    if (p && p.state !== 'running') return p;
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('paths need a dialog grant', () => {
  it('refuses a path no dialog returned, one outside the granted folder, and a relative one', async () => {
    const before = tp.project.info().images;
    const attempts: unknown[] = [newData, join(newData, 'bird'), tp.dir, '/etc', `${newData}/../more/../../..`];
    for (const path of attempts) {
      const r = await routeIpc(table, IPC_CALL, app, startImport(path));
      expect(r, String(path)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    // a relative path: the call's own parameter check refuses it before any grant is looked up
    for (const path of ['more', '../more']) {
      const r = await routeIpc(table, IPC_CALL, app, startImport(path));
      expect(r, path).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/must be an absolute path/) } });
    }
    expect(tp.project.info().images).toBe(before);
  });

  it('accepts exactly the folder the user picked, for the purpose it was picked for', async () => {
    picks.push(newData);
    const picked = await routeIpc(table, IPC_DESKTOP, app, { method: 'pick', params: ['dataset'] });
    expect(picked).toEqual({ ok: true, value: { path: newData, name: 'more', purpose: 'dataset' } });
    // granted for 'dataset', not for exporting into it or opening it as a project
    expect(await routeIpc(table, IPC_DESKTOP, app, { method: 'exportMasks', params: [newData, 'voc', false, false] })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await routeIpc(table, IPC_DESKTOP, app, { method: 'openProject', params: [newData] })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // a subfolder of the picked one is not the picked one
    expect(await routeIpc(table, IPC_CALL, app, startImport(join(newData, 'bird')))).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const before = tp.project.info().images;
    const r = await routeIpc(table, IPC_CALL, app, startImport(join(newData, 'bird', '..')));
    expect(r).toMatchObject({ ok: true });
    expect((await importFinished()).summary).toMatchObject({ added: 2, skipped: 0, errorCount: 0, newClasses: ['bird'] });
    expect(tp.project.info().images).toBe(before + 2);
  });

  it('a cancelled dialog grants nothing', async () => {
    expect(await routeIpc(table, IPC_DESKTOP, app, { method: 'pick', params: ['export'] })).toEqual({ ok: true, value: null });
  });

  it("the renderer's native picker (lib/desktop.ts) reaches pick through the bridge the preload exposes, and its path is granted", async () => {
    const out = join(tmp.dir, 'export-picked');
    mkdirSync(out);
    const g = globalThis as { studioDesktop?: DesktopBridge };
    expect(nativePicker('export')).toBeNull(); // browser mode: no desktop bridge
    // what preload.ts exposes as window.studioDesktop: call(method, params) → one IPC_DESKTOP invoke, answered by routeIpc
    g.studioDesktop = { call: (method, params) => routeIpc(table, IPC_DESKTOP, app, { method, params }) as never };
    try {
      picks.push(out);
      expect(await nativePicker('export')!()).toBe(out);
      expect(await nativePicker('export')!()).toBeNull(); // cancelled
      expect(await routeIpc(table, IPC_DESKTOP, app, { method: 'exportMasks', params: [out, 'voc', false, false] })).toMatchObject({ ok: true, value: { out } });
    } finally {
      delete g.studioDesktop;
    }
  });

  it('export goes only into a folder picked for export', async () => {
    const out = join(tmp.dir, 'export-here');
    mkdirSync(out);
    picks.push(out);
    await routeIpc(table, IPC_DESKTOP, app, { method: 'pick', params: ['export'] });
    const r = await routeIpc(table, IPC_DESKTOP, app, { method: 'exportMasks', params: [out, 'voc', false, false] });
    expect(r).toMatchObject({ ok: true, value: { out } });
  });

  it('export from the menu goes through the export service: the overwrite check and the lock', async () => {
    const out = join(tmp.dir, 'export-full');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'a file of the user');
    picks.push(out);
    await routeIpc(table, IPC_DESKTOP, app, { method: 'pick', params: ['export'] });
    const refused = await routeIpc(table, IPC_DESKTOP, app, { method: 'exportMasks', params: [out, 'voc', false, false] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/is not empty/) } });
    expect(readdirSync(out)).toEqual(['keep.txt']);
    // while an export of the project runs (the dialog's), the menu's waits its turn
    const first = api.exportProject({ format: 'voc', out: join(tp.project.dir, 'exports', 'lock-test'), approvedOnly: false, split: null, overwrite: false, copyImages: false, minArea: 0 });
    const second = await routeIpc(table, IPC_DESKTOP, app, { method: 'exportMasks', params: [out, 'voc', false, true] });
    expect(second).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringMatching(/another export of this project is running/) } });
    await first;
    const written = await routeIpc(table, IPC_DESKTOP, app, { method: 'exportMasks', params: [out, 'voc', false, true] });
    expect(written).toMatchObject({ ok: true, value: { out } });
    expect(readdirSync(out).sort()).toEqual(['.relevance-studio-export.json', 'ImageSets', 'SegmentationClass', 'classes.txt', 'keep.txt', 'labelmap.txt']);
  });

  it('about answers versions, backend and credits', async () => {
    const r = await routeIpc(table, IPC_DESKTOP, app, { method: 'about', params: [] });
    expect(r).toMatchObject({ ok: true, value: { version: '1.2.3', electron: '41.7.1', platform: 'linux x64' } });
    expect(r.ok && (r.value as { credits: string[] }).credits.join(' ')).toMatch(/Relevance-CAM/);
  });
});

describe('paths inside StudioApi calls', () => {
  const req = (out: string) => ({ method: 'exportProject', params: [{ format: 'voc', out, approvedOnly: false, split: null, overwrite: false, copyImages: false, minArea: 0 }] });
  it('refuses an export folder outside the project that no dialog granted', async () => {
    for (const out of ['/etc/cron.d', join(tmp.dir, 'elsewhere'), `${tp.project.dir}/../escape`]) {
      expect(await routeIpc(table, IPC_CALL, app, req(out)), out).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
  });
  it('accepts one inside the project, and one below a folder picked for export', async () => {
    const inProject = await routeIpc(table, IPC_CALL, app, req(join(tp.project.dir, 'exports', 'voc-test')));
    expect(inProject.ok, JSON.stringify(inProject)).toBe(true);
    const picked = join(tmp.dir, 'picked-export');
    mkdirSync(picked);
    picks.push(picked);
    await routeIpc(table, IPC_DESKTOP, app, { method: 'pick', params: ['export'] });
    const below = await routeIpc(table, IPC_CALL, app, req(join(picked, 'voc')));
    expect(below.ok, JSON.stringify(below)).toBe(true);
  });
  it('the import wizard, the model dialog and the Projects home take only what a dialog picked, for its purpose', async () => {
    const data = join(tmp.dir, 'wizard-data');
    await writeJpeg(join(data, 'fish', 'f1.jpg'), { width: 16, height: 16, seed: 11 });
    const model = join(tmp.dir, 'm', 'net.onnx');
    const calls = (dataset: string, file: string) => [
      { method: 'inspectDataset', params: [{ path: dataset }] },
      { method: 'startImport', params: [{ path: dataset, layout: 'folders', masks: 'current' }] },
      { method: 'inspectModel', params: [file] },
      { method: 'tryModel', params: [{ path: file, imageId: 1, layer: 'layer2' }] },
      { method: 'addModel', params: [file] },
      { method: 'openProject', params: [dataset] },
      { method: 'createProject', params: [{ name: 'N', parent: tmp.dir, folder: 'new-one' }] },
    ];
    for (const c of calls(data, model)) expect(await routeIpc(table, IPC_CALL, app, c), c.method).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // the in-app chooser is browser mode's: the desktop app lists no folder for the page
    expect(await routeIpc(table, IPC_CALL, app, { method: 'listFolder', params: [{ purpose: 'dataset' }] })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: 'listFolder: the desktop app chooses paths in its own dialogs' } });
    // picked for 'dataset': the dry run is allowed; the same folder as a project or a model is not
    picks.push(data);
    await routeIpc(table, IPC_DESKTOP, app, { method: 'pick', params: ['dataset'] });
    const dry = await routeIpc(table, IPC_CALL, app, { method: 'inspectDataset', params: [{ path: data }] });
    expect(dry).toMatchObject({ ok: true, value: { layout: 'folders', images: 1 } });
    expect(await routeIpc(table, IPC_CALL, app, { method: 'openProject', params: [data] })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await routeIpc(table, IPC_CALL, app, { method: 'inspectModel', params: [data] })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    // a new project: the save dialog's path is parent + folder
    picks.push(join(tmp.dir, 'new-one'));
    await routeIpc(table, IPC_DESKTOP, app, { method: 'pick', params: ['new-project'] });
    expect(checkCallPaths('createProject', [{ name: 'N', parent: tmp.dir, folder: 'new-one' }], grants, tp.project.dir)).toBeUndefined();
    expect(() => checkCallPaths('createProject', [{ name: 'N', parent: tmp.dir, folder: 'other-one' }], grants, tp.project.dir)).toThrow(/was not chosen in a dialog/);
  });
  it('finds path-like fields anywhere in a call (what fails closed for unlisted methods)', () => {
    expect(pathLikeFields([{ out: '/x/y', nested: { modelFile: 'C:\\m.onnx' }, name: 'a/b' }])).toEqual(['/x/y', 'C:\\m.onnx']);
    expect(pathLikeFields([{ offset: 0, search: '/etc' }])).toEqual([]);
  });
});
