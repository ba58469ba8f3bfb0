// Paths inside StudioApi calls (e.g. exportProject's output folder). In the desktop app a
// path the renderer sends is accepted only when the user picked it in a native dialog for
// that purpose (or it lies inside the open project's own folder, where the studio suggests
// exports). Methods are listed here by name; a call to any other method whose parameters
// carry something that looks like a path field is refused (fail closed), so a new
// path-taking contract method cannot slip past this check unnoticed. No Electron import.
import { isAbsolute, join } from 'node:path';
import type { MethodName, Params } from '../src/contract/api.ts';
import { StudioError } from '../src/contract/errors.ts';
import { VALIDATORS, isMethodName } from '../src/services/validate.ts';
import type { PickPurpose } from '../src/contract/desktop.ts';
import { isInside, type PathGrants } from './grants.ts';

export interface PathUse {
  path: string;
  purpose: PickPurpose;
  /** a path below the granted folder counts too */
  inside: boolean;
  /** a path inside the open project's folder needs no grant */
  projectOk: boolean;
}

const use = (path: string, purpose: PickPurpose): PathUse => ({ path, purpose, inside: false, projectOk: false });

export const CALL_PATHS: Partial<{ [M in MethodName]: (params: Params<M>) => PathUse[] }> = {
  exportProject: ([req]) => [{ path: req.out, purpose: 'export', inside: true, projectOk: true }],
  // the Projects home, the import wizard and the model dialog take what the native dialogs picked
  // (main grants the recent projects for 'project' too)
  openProject: ([path]) => [use(path, 'project')],
  createProject: ([req]) => [use(join(req.parent, req.folder), 'new-project')],
  inspectDataset: ([req]) => [use(req.path, 'dataset')],
  startImport: ([req]) => [use(req.path, 'dataset')],
  inspectModel: ([path]) => [use(path, 'model')],
  tryModel: ([req]) => [use(req.path, 'model')],
  addModel: ([path]) => [use(path, 'model')],
  forgetProject: () => [],
  listFolder: () => {
    throw new StudioError('UNAUTHORIZED', 'listFolder: the desktop app chooses paths in its own dialogs');
  },
};

const PATH_KEY = /^(out|path|dir|folder|file|src|dest|target)$|(Path|Dir|Folder|File)$/;

/** Strings under path-like keys that look like file-system paths, anywhere in `v`. */
export function pathLikeFields(v: unknown, depth = 0): string[] {
  if (depth > 6 || typeof v !== 'object' || v === null) return [];
  const found: string[] = [];
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string' && PATH_KEY.test(k) && (isAbsolute(x) || /[\\/]/.test(x) || x.startsWith('~'))) found.push(x);
    else found.push(...pathLikeFields(x, depth + 1));
  }
  return found;
}

/** Throws StudioError('UNAUTHORIZED') unless every path in the call is allowed. */
export function checkCallPaths(method: string, rawParams: unknown, grants: PathGrants, projectDir: string): void {
  if (!isMethodName(method)) return; // dispatch answers UNKNOWN_METHOD
  let params: unknown;
  try {
    params = VALIDATORS[method](rawParams);
  } catch {
    return; // dispatch answers BAD_REQUEST with the validator's message
  }
  const rule = CALL_PATHS[method] as ((p: unknown) => PathUse[]) | undefined;
  if (!rule) {
    const stray = pathLikeFields(params);
    if (stray.length) throw new StudioError('UNAUTHORIZED', `${method}: the desktop app does not accept the path '${stray[0].slice(0, 200)}' here`);
    return;
  }
  for (const use of rule(params)) {
    if (isAbsolute(use.path) && use.projectOk && isInside(projectDir, use.path)) continue;
    grants.check(use.path, use.purpose, { inside: use.inside });
  }
}
