// The DesktopApi over the main process's state: the open project, the path grants, the
// recent list, and a native picker (injected: main passes Electron's dialogs, tests a
// stand-in that "picks" a given folder). Menu items call these same functions, so a menu
// action and a renderer request take one path through the grant check. (Importing a
// dataset and adding a model are the page's: the menu opens its wizard and dialog.)
// No Electron import.
import { basename } from 'node:path';
import { DEFAULT_EXPORT_MIN_AREA, type ExportApi } from '../src/contract/export.ts';
import { StudioError } from '../src/contract/errors.ts';
import type { AboutInfo, DesktopApi, PickPurpose } from '../src/contract/desktop.ts';
import type { GrantKind, PathGrants } from './grants.ts';
import type { RecentProjects } from './recent.ts';

export interface DesktopDeps {
  grants: PathGrants;
  recent: RecentProjects;
  /** shows the native dialog; the chosen path, or null when cancelled */
  showPicker(purpose: PickPurpose): Promise<string | null>;
  /** the open project's export service (the one the Export dialog uses: its lock, checks and progress events) */
  exports(): ExportApi;
  /** opens (or with `create`, makes) the project in `dir` and shows it in the window */
  switchProject(dir: string, create: boolean): Promise<{ name: string }>;
  about(): AboutInfo;
}

const KIND: Record<PickPurpose, GrantKind> = { dataset: 'folder', model: 'file', export: 'folder', project: 'folder', 'new-project': 'save' };

export function createDesktopService(d: DesktopDeps): DesktopApi {
  return {
    async pick(purpose) {
      const chosen = await d.showPicker(purpose);
      if (!chosen) return null;
      const g = d.grants.grant(chosen, KIND[purpose], purpose);
      return { path: g.path, name: basename(g.path), purpose };
    },
    async exportMasks(path, format, approvedOnly, overwrite) {
      const out = d.grants.check(path, 'export');
      const minArea = format === 'coco' || format === 'yolo' ? DEFAULT_EXPORT_MIN_AREA : 0;
      const r = await d.exports().exportProject({ format, out, approvedOnly, split: null, overwrite, copyImages: false, minArea });
      return { images: r.images, out: r.out };
    },
    async openProject(path) {
      let create = false;
      let dir: string;
      try {
        dir = d.grants.check(path, 'new-project');
        create = true;
      } catch {
        try {
          dir = d.grants.check(path, 'project');
        } catch (err) {
          if (typeof path === 'string' && d.recent.has(path)) dir = path;
          else throw err instanceof StudioError ? new StudioError('UNAUTHORIZED', `openProject: '${String(path).slice(0, 200)}' is neither a recent project nor a folder chosen in a dialog`) : err;
        }
      }
      return d.switchProject(dir, create);
    },
    async recentProjects() {
      return d.recent.list();
    },
    async about() {
      return d.about();
    },
  };
}
