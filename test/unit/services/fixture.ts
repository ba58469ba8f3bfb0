// A real project for service and server tests: JPEGs written by sharp, one folder per
// class, imported through the store's own import.
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { StudioApi } from '../../../src/contract/api.ts';
import { createProject, type Project } from '../../../src/project/index.ts';
import { createEventBus, createStudioService, type EventBus } from '../../../src/services/index.ts';
import { startServer, type RunningServer } from '../../../src/server/index.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';

export interface TestProject {
  project: Project;
  dir: string;
  cleanup: () => void;
}

/** cat: 3 images (one 400x300), dog: 2 images; ids in import order. */
export async function smallProject(): Promise<TestProject> {
  const tmp = tempDir('studio-svc-');
  const data = join(tmp.dir, 'data');
  await writeJpeg(join(data, 'cat', 'c1.jpg'), { width: 400, height: 300, seed: 1 });
  await writeJpeg(join(data, 'cat', 'c2.jpg'), { width: 40, height: 30, seed: 2 });
  await writeJpeg(join(data, 'cat', 'c3.jpg'), { width: 40, height: 30, seed: 3 });
  await writeJpeg(join(data, 'dog', 'd1.jpg'), { width: 30, height: 40, seed: 4 });
  await writeJpeg(join(data, 'dog', 'd2.jpg'), { width: 30, height: 40, seed: 5 });
  const project = createProject(join(tmp.dir, 'proj'), { name: 'Pets' });
  await project.importDataset(data, { layout: 'folders' });
  return {
    project,
    dir: tmp.dir,
    cleanup: () => {
      project.close();
      tmp.cleanup();
    },
  };
}

/** smallProject and its studio service, made before the calling file's tests and closed after them. */
export function useStudio(): { readonly tp: TestProject; readonly api: StudioApi } {
  const ctx = {} as { tp: TestProject; api: StudioApi };
  beforeAll(async () => {
    ctx.tp = await smallProject();
    ctx.api = createStudioService(ctx.tp.project);
  });
  afterAll(() => ctx.tp.cleanup());
  return ctx;
}

/** smallProject served on 127.0.0.1 with an event bus (no static files), started before the calling file's tests and closed after them. */
export function useServedStudio(token: string): { readonly tp: TestProject; readonly server: RunningServer; readonly bus: EventBus } {
  const ctx = {} as { tp: TestProject; server: RunningServer; bus: EventBus };
  beforeAll(async () => {
    ctx.tp = await smallProject();
    ctx.bus = createEventBus();
    ctx.server = await startServer({ api: createStudioService(ctx.tp.project, { bus: ctx.bus }), bus: ctx.bus, token, staticDir: null });
  });
  afterAll(async () => {
    await ctx.server.close();
    ctx.tp.cleanup();
  });
  return ctx;
}
