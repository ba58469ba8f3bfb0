// The export service (ExportApi): a suggested output folder, and exports into a checked
// folder — absolute, a folder, empty unless overwriting — one at a time per project, with
// throttled 'export.progress' events. The Export dialog and the desktop menu both use it.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { ExportApi } from '../contract/export.ts';
import { StudioError } from '../contract/errors.ts';
import { exportProject } from '../export/index.ts';
import type { Project } from '../project/index.ts';
import { THROTTLE_MS, type EventBus } from './events.ts';

/** Per open project, shared by every service object over it (Electron re-creates them). */
const exporting = new WeakSet<Project>();

export function createExportService(project: Project, bus?: EventBus): ExportApi {
  return {
    async defaultExportFolder(format) {
      const day = new Date().toISOString().slice(0, 10);
      const base = join(project.dir, 'exports', `${format}-${day}`);
      for (let k = 1; ; k++) {
        const dir = k === 1 ? base : `${base}-${k}`;
        if (!existsSync(dir) || isEmptyDir(dir)) return dir;
      }
    },

    async exportProject(req) {
      if (!isAbsolute(req.out)) throw new StudioError('BAD_REQUEST', `export: the output folder must be an absolute path, got '${req.out}'`);
      const out = resolve(req.out);
      if (existsSync(out)) {
        if (!statSync(out).isDirectory()) throw new StudioError('BAD_REQUEST', `export: ${out} is a file, not a folder`);
        if (!req.overwrite && !isEmptyDir(out)) throw new StudioError('BAD_REQUEST', `export: ${out} is not empty; tick "Overwrite" or choose an empty folder`);
      }
      if (exporting.has(project)) throw new StudioError('BAD_REQUEST', 'export: another export of this project is running; wait for it to finish');
      exporting.add(project);
      const started = performance.now();
      let last = 0;
      try {
        try {
          mkdirSync(out, { recursive: true });
        } catch (e) {
          throw new StudioError('IO_ERROR', `export: cannot create ${out} (${(e as Error).message})`);
        }
        const report = await exportProject(project, {
          format: req.format,
          out,
          approvedOnly: req.approvedOnly,
          ...(req.split ? { split: req.split } : {}),
          onProgress: (p) => {
            const now = Date.now();
            if (p.done !== p.total && now - last < THROTTLE_MS) return;
            last = now;
            bus?.emit('export.progress', { done: p.done, total: p.total, ...(p.file ? { file: p.file } : {}) });
          },
        });
        return { ...report, seconds: (performance.now() - started) / 1000 };
      } finally {
        exporting.delete(project);
      }
    },
  };
}

function isEmptyDir(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}
