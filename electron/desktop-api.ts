// The desktop-only channel (IPC_DESKTOP): what only the Electron app offers the renderer —
// native dialogs and the path-taking actions behind them. Paths the renderer sends here
// must have come back from `pick` (see grants.ts). Types, validators and the router are
// pure: no Electron import.
import type { Result } from '../src/contract/api.ts';
import { EXPORT_FORMAT_NAMES, type ExportFormatName } from '../src/contract/export.ts';
import { DATASET_LAYOUTS, type DatasetLayout } from '../src/project/types.ts';
import { bool, oneOf, text, tuple } from '../src/services/check.ts';
import { toApiError } from '../src/services/dispatch.ts';

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
  importDataset(path: string, layout: DatasetLayout | null): Promise<{ added: number; skipped: number; errors: number; newClasses: string[] }>;
  addModel(path: string): Promise<{ modelId: number; added: boolean; classes: string[] }>;
  /** through the studio's export service: refused while another export runs, and into a folder with files unless `overwrite` */
  exportMasks(path: string, format: ExportFormatName, approvedOnly: boolean, overwrite: boolean): Promise<{ images: number; out: string }>;
  /** a folder picked with purpose 'project'/'new-project', or one of recentProjects() */
  openProject(path: string): Promise<{ name: string }>;
  recentProjects(): Promise<RecentProject[]>;
  about(): Promise<AboutInfo>;
}

export type DesktopMethod = keyof DesktopApi;
type DesktopValidators = { [M in DesktopMethod]: (raw: unknown) => Parameters<DesktopApi[M]> };

const MAX_PATH = 4096;

function path(method: string, v: unknown): string {
  return text(method, 'path', v, MAX_PATH, true);
}

/** Exhaustive by type: a DesktopApi method without a validator does not compile. */
export const DESKTOP_VALIDATORS: DesktopValidators = {
  pick: (raw) => {
    const [p] = tuple('pick', raw, 1);
    return [oneOf('pick', 'purpose', p, PICK_PURPOSES)];
  },
  importDataset: (raw) => {
    const [p, layout] = tuple('importDataset', raw, 2);
    return [path('importDataset', p), layout === null ? null : oneOf('importDataset', 'layout', layout, DATASET_LAYOUTS)];
  },
  addModel: (raw) => {
    const [p] = tuple('addModel', raw, 1);
    return [path('addModel', p)];
  },
  exportMasks: (raw) => {
    const m = 'exportMasks';
    const [p, format, approvedOnly, overwrite] = tuple(m, raw, 4);
    return [path(m, p), oneOf(m, 'format', format, EXPORT_FORMAT_NAMES), bool(m, 'approvedOnly', approvedOnly), bool(m, 'overwrite', overwrite)];
  },
  openProject: (raw) => {
    const [p] = tuple('openProject', raw, 1);
    return [path('openProject', p)];
  },
  recentProjects: (raw) => tuple('recentProjects', raw, 0) as [],
  about: (raw) => tuple('about', raw, 0) as [],
};

export function isDesktopMethod(name: string): name is DesktopMethod {
  return Object.prototype.hasOwnProperty.call(DESKTOP_VALIDATORS, name);
}

/** One desktop call: method name + untrusted params → Result (never throws). */
export async function dispatchDesktop(api: DesktopApi, method: string, raw: unknown): Promise<Result<unknown>> {
  if (!isDesktopMethod(method)) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown desktop method '${method.slice(0, 80)}'` } };
  try {
    const params = DESKTOP_VALIDATORS[method](raw);
    const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, value: await fn.apply(api, params) };
  } catch (err) {
    return { ok: false, error: toApiError(err, method) };
  }
}

/** What the preload exposes as `window.studioDesktop` (absent in browser mode). */
export interface DesktopBridge {
  call<M extends DesktopMethod>(method: M, params: Parameters<DesktopApi[M]>): Promise<Result<Awaited<ReturnType<DesktopApi[M]>>>>;
}
