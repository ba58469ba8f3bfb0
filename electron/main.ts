// Electron main: one window on one project at a time, the same services as browser mode
// behind IPC, native menus and dialogs, recent projects, one instance.
//   electron dist-electron/main.js [--project <dir> | <dir>]
// Everything that can be decided without Electron lives in the modules next to this one
// (security, ipc, grants, menu, window-state, recent, argv, jobs-ui, about) and is tested
// under Node; this file only applies those decisions to Electron's objects.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, screen, session, shell, type OpenDialogOptions } from 'electron';
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openProject, setSqliteNativeBinding, type Project } from '../src/project/index.ts';
import { APP_VERSION } from '../src/project/version.ts';
import { cancelJob, onProgress } from '../src/jobs/index.ts';
import { openDemoCopy, dataDir } from '../src/services/demo.ts';
import { createEventBus } from '../src/services/events.ts';
import { StudioHost } from '../src/services/host.ts';
import { aboutInfo, aboutText } from './about.ts';
import { projectFromArgv } from './argv.ts';
import { createDesktopService } from './desktop.ts';
import type { DesktopApi, PickPurpose } from '../src/contract/desktop.ts';
import { PathGrants } from './grants.ts';
import { channelTable, registerIpc } from './ipc.ts';
import { checkCallPaths } from './path-policy.ts';
import { closeQuestion, JobTracker } from './jobs-ui.ts';
import { menuTemplate, pageCommands, type MenuActions } from './menu.ts';
import { electronSqliteBinding, EXIT_NATIVE_ABI, isAbiMismatch } from './native.ts';
import { isProjectFolder, RecentProjects } from './recent.ts';
import { APP_ENTRY, APP_SCHEME, externalLink, navigationAllowed, permissionAllowed, rendererFile, RESPONSE_HEADERS, windowOpenDecision, windowOptions } from './security.ts';
import { loadWindowState, saveWindowState, type WindowState } from './window-state.ts';

const HERE = dirname(fileURLToPath(import.meta.url)); // dist-electron/ (in app.asar when packaged)
const APP_ROOT = resolve(HERE, '..');
const RENDERER_DIR = join(APP_ROOT, 'dist', 'renderer');
const PRELOAD = join(HERE, 'preload.cjs');
const DOCS_URL = 'https://github.com/relevance-studio/relevance-studio#readme';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

// the Electron-ABI better-sqlite3 (a packaged app's node_modules is rebuilt for Electron)
if (!app.isPackaged) setSqliteNativeBinding(electronSqliteBinding(APP_ROOT) ?? undefined);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  run().catch((err: Error) => {
    dialog.showErrorBox('Relevance Studio', err.message);
    app.exit(1);
  });
}

function fail(err: unknown): void {
  dialog.showErrorBox('Relevance Studio', (err as Error).message ?? String(err));
}

async function run(): Promise<void> {
  await app.whenReady();
  const userData = app.getPath('userData');
  const grants = new PathGrants();
  const recent = new RecentProjects(join(userData, 'recent-projects.json'));
  const bus = createEventBus();
  const jobs = new JobTracker();
  const stateFile = join(userData, 'window-state.json');
  const argSkip = app.isPackaged ? 1 : 2;

  let first: Project;
  try {
    first = await firstProject(projectFromArgv(process.argv, process.cwd(), argSkip), recent);
  } catch (err) {
    const message = (err as Error).message;
    if (!isAbiMismatch(message)) throw err;
    // no Electron build of better-sqlite3 (offline install): no dialog, `npm start` falls back
    console.error(`relevance-studio: better-sqlite3 is not built for Electron ${process.versions.electron} (${message.split('\n')[0]}); run \`npm install\` online, or use browser mode`);
    app.exit(EXIT_NATIVE_ABI);
    return;
  }
  // one host for the window's life: the page and the menus switch its project, never the window
  let win: BrowserWindow | null = null;
  const host = new StudioHost({
    bus,
    recent,
    demoDir: null, // the in-app chooser is browser mode's; this app picks paths in native dialogs
    onOpen: (p) => {
      // the Projects home lists recent projects; the page may open them without a dialog
      for (const r of recent.list()) grants.grant(r.path, 'folder', 'project');
      if (!win) return;
      win.setTitle(`${p.name} — Relevance Studio`);
      setMenu();
    },
  });
  host.adopt(first);
  const api = host.api;
  const project = (): Project => host.current()!;

  serveRenderer();
  lockDown();

  const displays = screen.getAllDisplays().map((d) => d.workArea);
  const saved = loadWindowState(stateFile, displays);
  win = new BrowserWindow(windowOptions(PRELOAD, { x: saved.x, y: saved.y, width: saved.width, height: saved.height }));
  if (saved.maximized) win.maximize();
  win.setTitle(`${project().name} — Relevance Studio`);

  async function switchProject(dir: string, create: boolean): Promise<{ name: string }> {
    if (jobs.active().length) throw new Error('a generation job is running: stop it before switching projects');
    // the host refuses while a job, an import or an export runs, and closes the old project's workers
    const opened = create ? await host.create({ name: basename(dir), parent: dirname(dir), folder: basename(dir) }) : await host.open(dir);
    return { name: opened.name };
  }

  const desktop: DesktopApi = createDesktopService({
    grants,
    recent,
    showPicker: (purpose) => showPicker(win, purpose),
    exports: () => api,
    switchProject,
    about: () => aboutInfo(APP_VERSION, process.versions, `${process.platform} ${process.arch}`, jobs.backend),
  });
  const unregister = registerIpc(ipcMain, channelTable(() => api, desktop, (m, p) => checkCallPaths(m, p, grants, host.current()?.dir ?? '')), bus, () => (win.isDestroyed() ? null : win.webContents));

  // long jobs: the services send 'job.progress' to the window themselves (they have the
  // bus); main adds the taskbar / dock bar and remembers what runs for the close question
  const offProgress = onProgress((p) => {
    jobs.update(p);
    if (!win.isDestroyed()) win.setProgressBar(jobs.fraction());
  });

  const menuActions: MenuActions = {
    newProject: () => void pickThen(desktop, 'new-project', (p) => desktop.openProject(p)),
    openProject: () => void pickThen(desktop, 'project', (p) => desktop.openProject(p)),
    openRecent: (p) => void desktop.openProject(p).catch(fail),
    clearRecent: () => {
      for (const r of recent.list()) if (r.path !== project().dir) recent.remove(r.path);
      setMenu();
    },
    // the page opens its import wizard / model dialog (dry run, import job) or runs the editor's undo
    ...pageCommands((command) => bus.emit('app.command', { command })),
    exportMasks: () => void pickThen(desktop, 'export', (p) => exportFromMenu(win, desktop, p)),
    about: () => {
      const info = aboutInfo(APP_VERSION, process.versions, `${process.platform} ${process.arch}`, jobs.backend);
      void dialog.showMessageBox(win, { type: 'info', title: 'About Relevance Studio', message: `Relevance Studio ${info.version}`, detail: aboutText(info), buttons: ['OK'] });
    },
    openDocs: () => void shell.openExternal(DOCS_URL),
    quit: () => app.quit(),
  };
  function setMenu(): void {
    Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(process.platform, menuActions, recent.list(), { devTools: !app.isPackaged })));
  }
  setMenu();

  // a second launch (e.g. "open with" on a folder) focuses this window and opens its project
  app.on('second-instance', (_e, argv, cwd) => {
    if (win.isMinimized()) win.restore();
    win.focus();
    const dir = projectFromArgv(argv, cwd, argSkip);
    if (dir && dir !== project().dir) {
      if (!isProjectFolder(dir)) return fail(new Error(`${dir}: not a Relevance Studio project (no project.sqlite)`));
      grants.grant(dir, 'folder', 'project'); // named by the user on their own command line
      desktop.openProject(dir).catch(fail);
    }
  });

  // remember the window; closing mid-job asks, then stops the jobs (they resume next time)
  let closing = false;
  const remember = (): void => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    const state: WindowState = { ...b, maximized: win.isMaximized() };
    try {
      saveWindowState(stateFile, state);
    } catch (err) {
      console.error(`relevance-studio: cannot save the window state: ${(err as Error).message}`);
    }
  };
  win.on('close', (event) => {
    remember();
    const active = jobs.active();
    if (closing || active.length === 0) return;
    event.preventDefault();
    const q = closeQuestion(active.length);
    const answer = dialog.showMessageBoxSync(win, { type: 'question', message: q.message, detail: q.detail, buttons: q.buttons, cancelId: q.cancelId, defaultId: q.cancelId });
    if (answer !== q.closeIndex) return;
    closing = true;
    for (const id of active) cancelJob(id);
    win.setProgressBar(2);
    void jobs.whenIdle(60_000).then(() => {
      if (!win.isDestroyed()) win.close();
    });
  });
  win.once('ready-to-show', () => win.show());
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    offProgress();
    unregister();
    void host.close();
  });
  await win.loadURL(APP_ENTRY);
}

/** The project to open first: the command line's, else the last one, else the demo copy. */
async function firstProject(fromArgs: string | null, recent: RecentProjects): Promise<Project> {
  if (fromArgs) {
    if (!isProjectFolder(fromArgs)) throw new Error(`${fromArgs}: not a Relevance Studio project (no project.sqlite); create one with File › New Project`);
    return openProject(fromArgs);
  }
  for (const r of recent.list()) {
    try {
      return openProject(r.path);
    } catch (err) {
      console.error(`relevance-studio: cannot reopen ${r.path}: ${(err as Error).message}`);
    }
  }
  const demo = app.isPackaged ? join(process.resourcesPath, 'demo') : join(APP_ROOT, 'demo');
  const { project, notes } = await openDemoCopy(join(dataDir(), 'demo'), demo);
  for (const n of notes) console.log(n);
  return project;
}

async function pickThen(desktop: DesktopApi, purpose: PickPurpose, then: (path: string) => Promise<unknown>): Promise<void> {
  try {
    const picked = await desktop.pick(purpose);
    if (picked) await then(picked.path);
  } catch (err) {
    fail(err);
  }
}

/** File › Export Masks…: VOC into the picked folder, asking before writing over files there. */
async function exportFromMenu(win: BrowserWindow, desktop: DesktopApi, dir: string): Promise<void> {
  let overwrite = false;
  if (readdirSync(dir).length > 0) {
    const r = await dialog.showMessageBox(win, {
      type: 'question',
      message: `${basename(dir)} already holds files.`,
      detail: 'Exported files replace files of the same name there; other files stay.',
      buttons: ['Cancel', 'Export Anyway'],
      defaultId: 0,
      cancelId: 0,
    });
    if (r.response !== 1) return;
    overwrite = true;
  }
  const done = await desktop.exportMasks(dir, 'voc', false, overwrite);
  await dialog.showMessageBox(win, { type: 'info', message: `Exported ${done.images} ${done.images === 1 ? 'mask' : 'masks'} (VOC)`, detail: done.out, buttons: ['OK'] });
}

async function showPicker(win: BrowserWindow, purpose: PickPurpose): Promise<string | null> {
  if (purpose === 'new-project') {
    const r = await dialog.showSaveDialog(win, { title: 'New project folder', buttonLabel: 'Create Project', properties: ['createDirectory', 'showOverwriteConfirmation'] });
    return r.canceled || !r.filePath ? null : r.filePath;
  }
  const opts: Record<Exclude<PickPurpose, 'new-project'>, OpenDialogOptions> = {
    project: { title: 'Open project folder', properties: ['openDirectory'] },
    dataset: { title: 'Import dataset folder (VOC, class folders, or CSV/JSON tags)', properties: ['openDirectory'] },
    model: { title: 'Add model (ONNX or TF.js model.json)', properties: ['openFile'], filters: [{ name: 'Models', extensions: ['onnx', 'json'] }] },
    export: { title: 'Export masks to folder', buttonLabel: 'Export Here', properties: ['openDirectory', 'createDirectory'] },
  };
  const r = await dialog.showOpenDialog(win, opts[purpose]);
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
}

/** studio://app/<path> → a file inside dist/renderer, served with the CSP. */
function serveRenderer(): void {
  protocol.handle(APP_SCHEME, async (req) => {
    const file = rendererFile(req.url, RENDERER_DIR, sep, resolve);
    if (!file || !existsSync(file)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    for (const [k, v] of Object.entries(RESPONSE_HEADERS)) headers.set(k, v);
    return new Response(res.body, { status: res.status, headers });
  });
}

function lockDown(): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      const ext = externalLink(url);
      if (ext) void shell.openExternal(ext); // a link the user clicked opens in their browser
      return windowOpenDecision(url);
    });
    const guard = (event: { preventDefault(): void }, url: string): void => {
      if (!navigationAllowed(url)) event.preventDefault();
    };
    contents.on('will-navigate', guard);
    contents.on('will-redirect', guard);
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback) => callback(permissionAllowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_wc, permission) => permissionAllowed(permission));
}
