// Parameter checks of the desktop-only methods (src/contract/desktop.ts), which Electron's
// IPC_DESKTOP channel dispatches through dispatch.ts like every StudioApi call.
import { PICK_PURPOSES, type DesktopApi, type DesktopMethod } from '../contract/desktop.ts';
import { EXPORT_FORMAT_NAMES } from '../contract/export.ts';
import { bool, oneOf, text, tuple } from './check.ts';

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
