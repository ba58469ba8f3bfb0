// Starts the studio host and serves it: the piece `serve` and `start` share (and tests use).
// The host starts on a project, or on none (the Projects home); the page can open others.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openProject, type Project } from '../project/index.ts';
import { dataDir } from '../services/demo.ts';
import { createEventBus, type EventBus } from '../services/events.ts';
import { StudioHost } from '../services/host.ts';
import { RecentPlaces, RecentProjects } from '../services/recent.ts';
import { startServer, type RunningServer } from './server.ts';

/** dist/renderer beside the sources (what `npm run build` writes). */
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export interface ServeOptions {
  port?: number;
  token?: string;
  staticDir?: string | null;
  /** where the recent projects and places are kept (default: the data folder; null: memory only) */
  dataDir?: string | null;
}

export interface ServedStudio {
  host: StudioHost;
  server: RunningServer;
  bus: EventBus;
  /** stops the server, then what runs in the open project, then closes it */
  close(): Promise<void>;
}

export interface ServedProject extends ServedStudio {
  /** the project the studio started on (the page may have opened another since: see host.current()) */
  project: Project;
}

/** The studio on `start` (a folder, an opened project) or on none: the Projects home. */
export async function serveStudio(start: string | Project | null, opts: ServeOptions = {}): Promise<ServedStudio> {
  const project = typeof start === 'string' ? openProject(start) : start;
  const bus = createEventBus();
  const data = opts.dataDir === undefined ? dataDir() : opts.dataDir;
  const host = new StudioHost({
    bus,
    recent: new RecentProjects(data === null ? null : join(data, 'recent-projects.json')),
    places: new RecentPlaces(data === null ? null : join(data, 'recent-places.json')),
  });
  let server: RunningServer;
  try {
    if (project) host.adopt(project);
    const staticDir = opts.staticDir === undefined ? (existsSync(RENDERER_DIR) ? RENDERER_DIR : null) : opts.staticDir;
    server = await startServer({ api: host.api, bus, port: opts.port, token: opts.token, staticDir });
  } catch (err) {
    await host.close();
    project?.close();
    throw err;
  }
  return {
    host,
    server,
    bus,
    async close() {
      await server.close();
      await host.close();
    },
  };
}

export async function serveProject(dirOrProject: string | Project, opts: ServeOptions = {}): Promise<ServedProject> {
  const project = typeof dirOrProject === 'string' ? openProject(dirOrProject) : dirOrProject;
  return { ...(await serveStudio(project, opts)), project };
}
