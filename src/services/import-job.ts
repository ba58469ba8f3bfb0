// The import wizard's services: the dry run, then the import as a background job with
// throttled 'import.progress' events, cancel, and a final record. One import at a time per
// project. The import commits batch by batch, so a cancel keeps every image already stored
// (importing the same dataset again skips them). While it runs, 'project.changed' tells
// the page every few seconds, and once at the end, so the grid and sidebar fill by themselves.
import { StudioError } from '../contract/errors.ts';
import type { ImportProgress, ImportRequest, ProjectsApi } from '../contract/projects.ts';
import { modelInfo } from '../jobs/index.ts';
import { dryRunImport } from '../project/import/dry-run.ts';
import { resolveDataset } from '../project/import/detect.ts';
import { storedPath } from '../project/paths.ts';
import type { Project } from '../project/index.ts';
import { chosenPath } from './chooser.ts';
import { THROTTLE_MS, type EventBus } from './events.ts';
import { modelFileName } from './model-summary.ts';
import { PerProject } from './per-project.ts';

/** how often a running import tells the page to re-read the grid */
export const REFRESH_MS = 4000;
/** the problems a finished import's record lists */
const LISTED_ERRORS = 100;

export type ImportApi = Pick<ProjectsApi, 'inspectDataset' | 'startImport' | 'cancelImport' | 'importStatus'>;

interface Runtime {
  job: ImportProgress | null;
  controller: AbortController | null;
  /** settles when the running import has stopped */
  stopped: Promise<void> | null;
}

/** per open project (the services over it are re-created; this is not) */
const runtimes = new PerProject<Runtime>(() => ({ job: null, controller: null, stopped: null }));
let nextJobId = 1;

/** The import running in this project, else null. */
export function runningImport(project: Project): ImportProgress | null {
  const r = runtimes.peek(project);
  return r?.controller ? r.job : null;
}

/** Before the project closes: stops a running import after its batch in flight, and waits for it. */
export async function closeImportServices(project: Project): Promise<void> {
  const r = runtimes.peek(project);
  r?.controller?.abort();
  await r?.stopped;
}

export interface ImportHooks {
  /** a path the user chose was used (the chooser's recent places) */
  used?(path: string): void;
}

export function createImportService(project: Project, bus?: EventBus, hooks: ImportHooks = {}): ImportApi {
  const rt = runtimes.of(project);

  return {
    async inspectDataset(req) {
      const path = chosenPath(req.path, 'inspectDataset');
      const active = project.models.active();
      let model = null;
      if (active) {
        try {
          model = { name: modelFileName(active.file), classes: modelInfo(active).classNames };
        } catch {
          // an old model record without its classes: nothing to compare the tags with
        }
      }
      return dryRunImport(
        { dir: project.dir, classNames: project.classes.list().map((c) => c.name), hasPath: (stored) => project.images.byPath(stored) !== undefined, model },
        path,
        req.layout,
      );
    },

    async startImport(req: ImportRequest) {
      if (rt.controller && rt.job) throw new StudioError('BAD_REQUEST', `an import (job ${rt.job.jobId}, ${rt.job.done} of ${rt.job.total} images) is running in ${project.name}; cancel it or wait for it to finish`);
      const path = chosenPath(req.path, 'startImport');
      const ds = resolveDataset(path, req.layout); // a dataset the layout cannot read is refused now, not in the job
      const jobId = nextJobId++;
      const controller = new AbortController();
      const started = performance.now();
      rt.controller = controller;
      rt.job = { jobId, state: 'running', dir: ds.dir, done: 0, total: 0 };
      bus?.emit('import.progress', rt.job);
      let lastEvent = 0;
      let lastRefresh = Date.now();
      rt.stopped = project
        .importDataset(path, {
          layout: req.layout,
          masks: req.masks,
          signal: controller.signal,
          onProgress: (p) => {
            rt.job = { jobId, state: 'running', dir: ds.dir, done: p.done, total: p.total, ...(p.file ? { file: storedPath(ds.dir, p.file) } : {}) };
            const now = Date.now();
            if (now - lastRefresh >= REFRESH_MS) {
              lastRefresh = now;
              bus?.emit('project.changed', { reason: 'import' });
            }
            if (p.done !== p.total && now - lastEvent < THROTTLE_MS) return;
            lastEvent = now;
            bus?.emit('import.progress', rt.job);
          },
        })
        .then(
          (r) => {
            hooks.used?.(ds.dir);
            rt.job = {
              jobId,
              state: r.cancelled ? 'cancelled' : 'done',
              dir: ds.dir,
              done: rt.job?.done ?? 0,
              total: rt.job?.total ?? 0,
              summary: {
                layout: r.layout,
                added: r.added,
                skipped: r.skipped,
                masks: r.masks,
                newClasses: r.newClasses,
                errors: r.errors.slice(0, LISTED_ERRORS),
                errorCount: r.errors.length,
                seconds: (performance.now() - started) / 1000,
              },
            };
          },
          (err: Error) => {
            rt.job = { jobId, state: 'failed', dir: ds.dir, done: rt.job?.done ?? 0, total: rt.job?.total ?? 0, message: err.message.split('\n')[0] };
          },
        )
        .finally(() => {
          rt.controller = null;
          bus?.emit('import.finished', { ...rt.job! });
          bus?.emit('project.changed', { reason: 'import' });
        });
      return { jobId };
    },

    async cancelImport(jobId) {
      if (!rt.controller || rt.job?.jobId !== jobId) return false;
      rt.controller.abort();
      return true;
    },

    async importStatus() {
      return rt.job;
    },
  };
}
