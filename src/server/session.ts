// Opens a project and serves it: the piece `serve` and `start` share (and tests use).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openProject, type Project } from '../project/index.ts';
import { createEventBus, type EventBus } from '../services/events.ts';
import { createStudioService } from '../services/studio.ts';
import { closeGenerationServices } from '../services/generation.ts';
import { startServer, type RunningServer } from './server.ts';

/** dist/renderer beside the sources (what `npm run build` writes). */
export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export interface ServedProject {
  project: Project;
  server: RunningServer;
  bus: EventBus;
  /** stops the server, then closes the project */
  close(): Promise<void>;
}

export async function serveProject(
  dirOrProject: string | Project,
  opts: { port?: number; token?: string; staticDir?: string | null } = {},
): Promise<ServedProject> {
  const project = typeof dirOrProject === 'string' ? openProject(dirOrProject) : dirOrProject;
  const bus = createEventBus();
  let server: RunningServer;
  try {
    const staticDir = opts.staticDir === undefined ? (existsSync(RENDERER_DIR) ? RENDERER_DIR : null) : opts.staticDir;
    server = await startServer({ api: createStudioService(project, { bus }), bus, port: opts.port, token: opts.token, staticDir });
  } catch (err) {
    project.close();
    throw err;
  }
  return {
    project,
    server,
    bus,
    async close() {
      await server.close();
      await closeGenerationServices(project);
      project.close();
    },
  };
}
