// Parameter checks of the ProjectsApi and FilesApi methods (spread into validate.ts'
// VALIDATORS). Paths are checked for shape here (absolute, bounded, no NUL); what they point
// at (kernel filesystems, links into them, existence) is the chooser's rule (chooser.ts),
// applied by every service that takes a path.
import { CHOOSER_PURPOSES, type ChooserPurpose, type FilesApi, type FolderRequest } from '../contract/files.ts';
import { CAM_LAYER_NAMES, type CamLayerName } from '../contract/generation.ts';
import { DATASET_LAYOUTS, type DatasetLayout, type DatasetRequest, type ImportRequest, type NewProjectRequest, type ProjectsApi, type TryModelRequest } from '../contract/projects.ts';
import { bad, bool, int, object, oneOf, text, tuple } from './check.ts';

type Api = ProjectsApi & FilesApi;
type Validators = { [M in keyof Api]: (raw: unknown) => Parameters<Api[M]> };

export const MAX_PATH = 4096;
const MAX_NAME = 200;

/** an absolute path: '/…' or a Windows drive / UNC path */
const ABSOLUTE = /^(\/|[A-Za-z]:[\\/]|\\\\)/;

export function absolutePath(method: string, name: string, v: unknown): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_PATH || v.includes('\0')) throw bad(method, `${name} must be a path of 1..${MAX_PATH} characters`);
  if (!ABSOLUTE.test(v)) throw bad(method, `${name} must be an absolute path, got '${v.slice(0, 200)}'`);
  return v;
}

function onePath(method: string, raw: unknown): [string] {
  const [p] = tuple(method, raw, 1);
  return [absolutePath(method, 'path', p)];
}

/** a folder name inside its parent: one segment, no separators, not '.' or '..' */
function folderName(method: string, v: unknown): string {
  const s = text(method, 'folder', v, MAX_NAME, true).trim();
  if (!s || s === '.' || s === '..' || /[\\/\0]/.test(s)) throw bad(method, `folder must be one folder name (no '/' or '\\'), got '${String(v).slice(0, 200)}'`);
  return s;
}

function layout(method: string, v: unknown): DatasetLayout {
  return oneOf<DatasetLayout>(method, 'layout', v, DATASET_LAYOUTS);
}

export const PROJECTS_VALIDATORS: Validators = {
  currentProject: (raw) => tuple('currentProject', raw, 0) as [],
  recentProjects: (raw) => tuple('recentProjects', raw, 0) as [],
  createProject: (raw): [NewProjectRequest] => {
    const m = 'createProject';
    const [v] = tuple(m, raw, 1);
    const o = object(m, 'request', v, ['name', 'parent', 'folder']);
    return [{ name: text(m, 'name', o.name, MAX_NAME, true), parent: absolutePath(m, 'parent', o.parent), folder: folderName(m, o.folder) }];
  },
  openProject: (raw) => onePath('openProject', raw),
  forgetProject: (raw) => onePath('forgetProject', raw),

  inspectDataset: (raw): [DatasetRequest] => {
    const m = 'inspectDataset';
    const [v] = tuple(m, raw, 1);
    const o = object(m, 'request', v, ['path', 'layout']);
    return [{ path: absolutePath(m, 'path', o.path), ...(o.layout !== undefined ? { layout: layout(m, o.layout) } : {}) }];
  },
  startImport: (raw): [ImportRequest] => {
    const m = 'startImport';
    const [v] = tuple(m, raw, 1);
    const o = object(m, 'request', v, ['path', 'layout', 'masks']);
    return [{ path: absolutePath(m, 'path', o.path), layout: layout(m, o.layout), masks: oneOf(m, 'masks', o.masks, ['current', 'ground-truth'] as const) }];
  },
  cancelImport: (raw) => {
    const [id] = tuple('cancelImport', raw, 1);
    return [int('cancelImport', 'job id', id, 1)];
  },
  importStatus: (raw) => tuple('importStatus', raw, 0) as [],

  inspectModel: (raw) => onePath('inspectModel', raw),
  tryModel: (raw): [TryModelRequest] => {
    const m = 'tryModel';
    const [v] = tuple(m, raw, 1);
    const o = object(m, 'request', v, ['path', 'imageId', 'layer']);
    return [{ path: absolutePath(m, 'path', o.path), imageId: int(m, 'imageId', o.imageId, 1), layer: oneOf<CamLayerName>(m, 'layer', o.layer, CAM_LAYER_NAMES) }];
  },
  addModel: (raw) => onePath('addModel', raw),
  removeModel: (raw) => {
    const [id] = tuple('removeModel', raw, 1);
    return [int('removeModel', 'model id', id, 1)];
  },
  setActiveModel: (raw) => {
    const [id] = tuple('setActiveModel', raw, 1);
    return [int('setActiveModel', 'model id', id, 1)];
  },

  listFolder: (raw): [FolderRequest] => {
    const m = 'listFolder';
    const [v] = tuple(m, raw, 1);
    const o = object(m, 'request', v, ['path', 'purpose', 'hidden', 'nearest']);
    const out: FolderRequest = { purpose: oneOf<ChooserPurpose>(m, 'purpose', o.purpose, CHOOSER_PURPOSES) };
    if (o.path !== undefined) out.path = absolutePath(m, 'path', o.path);
    if (o.hidden !== undefined) out.hidden = bool(m, 'hidden', o.hidden);
    if (o.nearest !== undefined) out.nearest = bool(m, 'nearest', o.nearest);
    return [out];
  },
};
