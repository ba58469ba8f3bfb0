// The desktop-only channel (IPC_DESKTOP): what only the Electron app offers the renderer —
// native dialogs and the path-taking actions behind them. Paths the renderer sends here
// must have come back from `pick` (see grants.ts). Types, validators and the router are
// pure: no Electron import.
import type { ApiError, Result } from '../src/contract/api.ts';
import { StudioError } from '../src/contract/errors.ts';
import type { ExportFormat } from '../src/export/types.ts';
import type { DatasetLayout } from '../src/project/types.ts';

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
  exportMasks(path: string, format: ExportFormat, approvedOnly: boolean): Promise<{ images: number; out: string }>;
  /** a folder picked with purpose 'project'/'new-project', or one of recentProjects() */
  openProject(path: string): Promise<{ name: string }>;
  recentProjects(): Promise<RecentProject[]>;
  about(): Promise<AboutInfo>;
}

export type DesktopMethod = keyof DesktopApi;
type DesktopValidators = { [M in DesktopMethod]: (raw: unknown) => Parameters<DesktopApi[M]> };

const LAYOUTS: readonly DatasetLayout[] = ['voc', 'folders', 'csv', 'json'];
const FORMATS: readonly ExportFormat[] = ['voc', 'coco', 'yolo', 'cams'];

function bad(method: string, what: string): StudioError {
  return new StudioError('BAD_REQUEST', `${method}: ${what}`);
}

function args(method: string, raw: unknown, n: number): unknown[] {
  if (raw === undefined && n === 0) return [];
  if (!Array.isArray(raw)) throw bad(method, `parameters must be an array, got ${raw === null ? 'null' : typeof raw}`);
  if (raw.length !== n) throw bad(method, `expects ${n} parameter${n === 1 ? '' : 's'}, got ${raw.length}`);
  return raw;
}

function str(method: string, name: string, v: unknown, max = 4096): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw bad(method, `${name} must be a non-empty string of at most ${max} characters`);
  return v;
}

function oneOf<T extends string>(method: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw bad(method, `${name} must be one of ${allowed.join(', ')}`);
  return v as T;
}

/** Exhaustive by type: a DesktopApi method without a validator does not compile. */
export const DESKTOP_VALIDATORS: DesktopValidators = {
  pick: (raw) => {
    const [p] = args('pick', raw, 1);
    return [oneOf('pick', 'purpose', p, PICK_PURPOSES)];
  },
  importDataset: (raw) => {
    const [path, layout] = args('importDataset', raw, 2);
    return [str('importDataset', 'path', path), layout === null ? null : oneOf('importDataset', 'layout', layout, LAYOUTS)];
  },
  addModel: (raw) => {
    const [path] = args('addModel', raw, 1);
    return [str('addModel', 'path', path)];
  },
  exportMasks: (raw) => {
    const [path, format, approvedOnly] = args('exportMasks', raw, 3);
    if (typeof approvedOnly !== 'boolean') throw bad('exportMasks', 'approvedOnly must be a boolean');
    return [str('exportMasks', 'path', path), oneOf('exportMasks', 'format', format, FORMATS), approvedOnly];
  },
  openProject: (raw) => {
    const [path] = args('openProject', raw, 1);
    return [str('openProject', 'path', path)];
  },
  recentProjects: (raw) => args('recentProjects', raw, 0) as [],
  about: (raw) => args('about', raw, 0) as [],
};

export function isDesktopMethod(name: string): name is DesktopMethod {
  return Object.prototype.hasOwnProperty.call(DESKTOP_VALIDATORS, name);
}

function apiError(err: unknown, method: string): ApiError {
  if (err instanceof StudioError) return { code: err.code, message: err.message };
  console.error(`relevance-studio: ${method} failed:`, err);
  return { code: 'INTERNAL', message: `${method} failed: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}` };
}

/** One desktop call: method name + untrusted params → Result (never throws). */
export async function dispatchDesktop(api: DesktopApi, method: string, raw: unknown): Promise<Result<unknown>> {
  if (!isDesktopMethod(method)) return { ok: false, error: { code: 'UNKNOWN_METHOD', message: `unknown desktop method '${method.slice(0, 80)}'` } };
  try {
    const params = DESKTOP_VALIDATORS[method](raw);
    const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
    return { ok: true, value: await fn.apply(api, params) };
  } catch (err) {
    return { ok: false, error: apiError(err, method) };
  }
}

/** What the preload exposes as `window.studioDesktop` (absent in browser mode). */
export interface DesktopBridge {
  call<M extends DesktopMethod>(method: M, params: Parameters<DesktopApi[M]>): Promise<Result<Awaited<ReturnType<DesktopApi[M]>>>>;
}
