// The desktop-only channel (IPC_DESKTOP): what only the Electron app offers the renderer —
// native dialogs and the path-taking actions behind them. Paths the renderer sends here
// must have come back from `pick` (electron/grants.ts). The preload exposes it as
// `window.studioDesktop`; in browser mode it is absent. Types and plain constants only.
import type { Result } from './api.ts';
import type { ExportFormatName } from './export.ts';

export const IPC_DESKTOP = 'studio:desktop';

export const PICK_PURPOSES = ['dataset', 'model', 'export', 'project', 'new-project'] as const;
export type PickPurpose = (typeof PICK_PURPOSES)[number];

export interface PickedPath {
  /** absolute; granted for `purpose` until the app quits */
  path: string;
  /** the last path segment, for display */
  name: string;
  purpose: PickPurpose;
}

export interface RecentProject {
  path: string;
  name: string;
  openedAt: string;
}

export interface AboutInfo {
  app: string;
  version: string;
  electron: string;
  chrome: string;
  node: string;
  v8: string;
  platform: string;
  /** the engine backend the workers report (e.g. 'wasm'), or 'not started' */
  backend: string;
  credits: string[];
}

export interface DesktopApi {
  /** shows the native dialog for `purpose`; null when the user cancelled */
  pick(purpose: PickPurpose): Promise<PickedPath | null>;
  /** through the studio's export service: refused while another export runs, and into a folder with files unless `overwrite` */
  exportMasks(path: string, format: ExportFormatName, approvedOnly: boolean, overwrite: boolean): Promise<{ images: number; out: string }>;
  /** a folder picked with purpose 'project'/'new-project', or one of recentProjects() */
  openProject(path: string): Promise<{ name: string }>;
  recentProjects(): Promise<RecentProject[]>;
  about(): Promise<AboutInfo>;
}

export type DesktopMethod = keyof DesktopApi;

/** What the preload exposes as `window.studioDesktop` (absent in browser mode). */
export interface DesktopBridge {
  call<M extends DesktopMethod>(method: M, params: Parameters<DesktopApi[M]>): Promise<Result<Awaited<ReturnType<DesktopApi[M]>>>>;
}
