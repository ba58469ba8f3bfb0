// A small real project for UI tests: 12 JPEGs written by sharp, tagged through a CSV
// import, in a temp folder.
import { writeFileSync } from 'node:fs';
import { test, type Page } from '@playwright/test';
import { join } from 'node:path';
import { createProject, type Project } from '../../src/project/index.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { tempDir, writeJpeg } from '../helpers/images.ts';
import { demoProject } from '../integration/jobs/fixture.ts';

export const FIXTURE_TAGS: Record<string, string[]> = {
  'beach_01.jpg': ['dog'],
  'beach_02.jpg': ['dog', 'person'],
  'city_01.jpg': ['person', 'car'],
  'city_02.jpg': ['car'],
  'city_03.jpg': ['car', 'bicycle'],
  'field_01.jpg': ['cat'],
  'field_02.jpg': ['cat', 'dog'],
  'garden_01.jpg': ['bird'],
  'garden_02.jpg': ['bird', 'cat'],
  'park_01.jpg': ['person', 'bicycle', 'dog'],
  'park_02.jpg': ['person'],
  'street_01.jpg': ['car', 'person'],
};

export async function makeFixtureProject(): Promise<{ project: Project; cleanup: () => void }> {
  const tmp = tempDir('studio-e2e-');
  const data = join(tmp.dir, 'dataset');
  let seed = 1;
  for (const name of Object.keys(FIXTURE_TAGS)) {
    // mixed aspect ratios, so the grid's letterboxing is exercised too
    const wide = seed % 3 !== 0;
    await writeJpeg(join(data, name), { width: wide ? 320 : 200, height: wide ? 200 : 300, seed: seed++ });
  }
  const csv = ['image,tags', ...Object.entries(FIXTURE_TAGS).map(([f, t]) => `${f},${t.join(';')}`)].join('\n') + '\n';
  writeFileSync(join(data, 'tags.csv'), csv);
  const project = createProject(join(tmp.dir, 'project'), { name: 'E2E fixtures' });
  const report = await project.importDataset(data, { layout: 'csv', tagsFile: join(data, 'tags.csv') });
  if (report.added !== 12 || report.errors.length) throw new Error(`fixture import: ${JSON.stringify(report)}`);
  return { project, cleanup: tmp.cleanup };
}

/** A brush stroke: `steps` moves of 20 px left to right across the editor canvas's middle, `dy` px below it. */
export async function strokeAcross(page: Page, dy: number, steps: number): Promise<void> {
  const box = (await page.getByTestId('editor-canvas').boundingBox())!;
  const x0 = box.x + box.width / 2 - steps * 10;
  const y = box.y + box.height / 2 + dy;
  await page.mouse.move(x0, y);
  await page.mouse.down();
  for (let k = 1; k <= steps; k++) await page.mouse.move(x0 + k * 20, y);
  await page.mouse.up();
}

/** Collects the page's console errors and uncaught exceptions; a spec asserts it stays empty. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  return errors;
}

/**
 * A project made by `make` and served for one spec file: made and served before its tests
 * (`setupMs` lets a slow one take longer), closed and deleted after them. Read `.served`
 * and `.made` inside a test.
 */
export function servedForSpec<T extends { project: Project; cleanup: () => void }>(make: () => Promise<T>, setupMs?: number): { readonly served: ServedProject; readonly made: T } {
  const holder: { served?: ServedProject; made?: T } = {};
  test.beforeAll(async () => {
    if (setupMs) test.setTimeout(setupMs);
    holder.made = await make();
    holder.served = await serveProject(holder.made.project);
  });
  test.afterAll(async () => {
    await holder.served?.close();
    holder.made?.cleanup();
  });
  return {
    get served(): ServedProject {
      if (!holder.served) throw new Error('the project is served from beforeAll on');
      return holder.served;
    },
    get made(): T {
      if (!holder.made) throw new Error('the project is made in beforeAll');
      return holder.made;
    },
  };
}

/**
 * `n` demo scenes with the demo classifier, in a temp folder (`dir`), served for one spec
 * file; `prepare` runs on the project before it is served (a job, a person's fixes).
 */
export function servedDemoProject(n: number, prefix: string, prepare?: (project: Project) => Promise<void>): { readonly served: ServedProject; readonly made: { project: Project; dir: string } } {
  return servedForSpec(async () => {
    const tmp = tempDir(prefix);
    const project = await demoProject(tmp.dir, n, 'project');
    await prepare?.(project);
    return { project, dir: tmp.dir, cleanup: tmp.cleanup };
  });
}

/** The fixture project served for one spec file. */
export function servedFixture(): { readonly served: ServedProject } {
  return servedForSpec(makeFixtureProject);
}
