// The native menu as a plain template (Electron's MenuItemConstructorOptions), built from
// action callbacks so tests can check every entry without the binary. Edit › Undo/Redo
// do not use Chromium's roles: the editor keeps its own undo stack, so they are forwarded
// to the renderer as an 'app.command' event (text fields handle their own Ctrl+Z there).
// File › Import Dataset… and Add Model… are forwarded the same way (pageCommands): the
// page's wizard and dialog do the dry run, and the import runs as the page's import job.
import type { MenuItemConstructorOptions } from 'electron';
import type { AppCommand } from '../src/contract/api.ts';
import type { RecentProject } from '../src/contract/desktop.ts';

export type MenuCommand = Extract<AppCommand, 'undo' | 'redo'>;

export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(path: string): void;
  clearRecent(): void;
  importDataset(): void;
  addModel(): void;
  exportMasks(): void;
  command(c: MenuCommand): void;
  about(): void;
  openDocs(): void;
  quit(): void;
}

/** The menu items the page carries out, each as one 'app.command' sent to the renderer. */
export function pageCommands(send: (command: AppCommand) => void): Pick<MenuActions, 'importDataset' | 'addModel' | 'command'> {
  return {
    importDataset: () => send('import-dataset'),
    addModel: () => send('add-model'),
    command: (c) => send(c),
  };
}

export function menuTemplate(platform: string, actions: MenuActions, recent: readonly RecentProject[], opts: { devTools: boolean }): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? [
        ...recent.map((r): MenuItemConstructorOptions => ({ label: `${r.name} — ${r.path}`, click: () => actions.openRecent(r.path) })),
        { type: 'separator' },
        { label: 'Clear Recent', click: () => actions.clearRecent() },
      ]
    : [{ label: 'No recent projects', enabled: false }];

  const file: MenuItemConstructorOptions = {
    label: '&File',
    submenu: [
      { id: 'new-project', label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => actions.newProject() },
      { id: 'open-project', label: 'Open Project…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      { id: 'open-recent', label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      { id: 'import-dataset', label: 'Import Dataset…', accelerator: 'CmdOrCtrl+I', click: () => actions.importDataset() },
      { id: 'add-model', label: 'Add Model…', click: () => actions.addModel() },
      { id: 'export', label: 'Export Masks…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportMasks() },
      ...(mac ? [] : ([{ type: 'separator' }, { id: 'quit', label: 'Quit', accelerator: 'CmdOrCtrl+Q', click: () => actions.quit() }] as MenuItemConstructorOptions[])),
    ],
  };
  const edit: MenuItemConstructorOptions = {
    label: '&Edit',
    submenu: [
      { id: 'undo', label: 'Undo', accelerator: 'CmdOrCtrl+Z', click: () => actions.command('undo') },
      { id: 'redo', label: 'Redo', accelerator: mac ? 'Shift+Cmd+Z' : 'Ctrl+Y', click: () => actions.command('redo') },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { role: 'selectAll' },
    ],
  };
  const view: MenuItemConstructorOptions = {
    label: '&View',
    submenu: [
      { role: 'reload' },
      ...(opts.devTools ? ([{ role: 'toggleDevTools' }] as MenuItemConstructorOptions[]) : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [
      { id: 'docs', label: 'Documentation', click: () => actions.openDocs() },
      { id: 'about', label: 'About Relevance Studio', click: () => actions.about() },
    ],
  };
  const appMenu: MenuItemConstructorOptions[] = mac
    ? [{ label: 'Relevance Studio', submenu: [{ label: 'About Relevance Studio', click: () => actions.about() }, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }] }]
    : [];
  return [...appMenu, file, edit, view, ...(mac ? [{ role: 'windowMenu' } as MenuItemConstructorOptions] : []), help];
}
