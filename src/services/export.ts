// The export service (ExportApi): a suggested output folder, and exports (target rules in
// src/export/target.ts, shared with the CLI) one at a time per project, with throttled
// 'export.progress' events. The Export dialog and the desktop menu both use it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ExportApi } from '../contract/export.ts';
import { StudioError } from '../contract/errors.ts';
import { exportProject, planExport } from '../export/index.ts';
import type { Project } from '../project/index.ts';
import { THROTTLE_MS, type EventBus } from './events.ts';

/** Per open project, shared by every service object over it (Electron re-creates them). */
const exporting = new WeakSet<Project>();

/** An export of this project is being written (a project switch waits for none). */
export function exportRunning(project: Project): boolean {
  return exporting.has(project);
}

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

    async exportPlan(req) {
      const { chosen, leftOut } = planExport(project, req);
      return { format: req.format, images: chosen.length, leftOut };
    },

    async exportProject(req) {
      if (exporting.has(project)) throw new StudioError('BAD_REQUEST', 'export: another export of this project is running; wait for it to finish');
      exporting.add(project);
      const started = performance.now();
      let last = 0;
      try {
        const report = await exportProject(project, {
          format: req.format,
          out: req.out,
          overwrite: req.overwrite,
          approvedOnly: req.approvedOnly,
          copyImages: req.copyImages,
          minArea: req.minArea,
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
