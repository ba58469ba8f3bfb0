// Electron main: one window on one project, the same services as browser mode, behind IPC.
//   electron dist-electron/main.js --project <dir>
// Security: sandboxed renderer with context isolation and no Node, pages only from the
// app's own studio:// scheme with a CSP, navigation and new windows refused.
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session } from 'electron';
import { existsSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { openProject, type Project } from '../src/project/index.ts';
import { createEventBus } from '../src/services/events.ts';
import { createStudioService } from '../src/services/studio.ts';
import { APP_ORIGIN, registerIpc } from './ipc.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
// the bundle lives in dist-electron/; the renderer build in dist/renderer
const RENDERER_DIR = resolve(HERE, '..', 'dist', 'renderer');
const PRELOAD = join(HERE, 'preload.cjs');

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

protocol.registerSchemesAsPrivileged([{ scheme: 'studio', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

function projectArg(argv: string[]): string | null {
  const i = argv.indexOf('--project');
  return i >= 0 && argv[i + 1] ? resolve(argv[i + 1]) : null;
}

/** studio://app/<path> → a file inside dist/renderer, served with the CSP. */
function serveRenderer(): void {
  protocol.handle('studio', async (req) => {
    const url = new URL(req.url);
    const rel = decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname);
    const file = resolve(RENDERER_DIR, '.' + rel);
    if (url.host !== 'app' || !file.startsWith(RENDERER_DIR + sep) || !existsSync(file)) return new Response('not found', { status: 404 });
    const res = await net.fetch(pathToFileURL(file).toString());
    const headers = new Headers(res.headers);
    headers.set('Content-Security-Policy', CSP);
    headers.set('X-Content-Type-Options', 'nosniff');
    return new Response(res.body, { status: res.status, headers });
  });
}

function lockDown(): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-navigate', (event, url) => {
      if (!url.startsWith(APP_ORIGIN + '/')) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  // the page needs no camera, notifications or the like
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, callback) => callback(false));
}

async function run(): Promise<void> {
  await app.whenReady();
  const dir = projectArg(process.argv);
  if (!dir) {
    dialog.showErrorBox('Relevance Studio', 'No project given: start the studio with `npm start` or `relevance-studio start`.');
    app.exit(2);
    return;
  }
  let project: Project;
  try {
    project = openProject(dir);
  } catch (err) {
    dialog.showErrorBox('Relevance Studio', (err as Error).message);
    app.exit(1);
    return;
  }
  serveRenderer();
  lockDown();
  const bus = createEventBus();
  let win: BrowserWindow | null = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    backgroundColor: '#141517',
    title: 'Relevance Studio',
    webPreferences: { preload: PRELOAD, sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true },
  });
  const unregister = registerIpc(ipcMain, createStudioService(project), bus, () => win?.webContents ?? null);
  win.once('ready-to-show', () => win?.show());
  win.on('closed', () => {
    win = null;
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    unregister();
    project.close();
  });
  await win.loadURL(`${APP_ORIGIN}/index.html`);
}

run().catch((err: Error) => {
  dialog.showErrorBox('Relevance Studio', err.message);
  app.exit(1);
});
