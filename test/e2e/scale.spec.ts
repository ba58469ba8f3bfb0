// 100 000 images: the grid keeps only the visible rows in the DOM and loads rows by the
// visible range, so jumping to the middle or the end shows the right images at once.
// Rows are inserted straight through the store's repositories (importing 100 000 real
// files is the import benchmark's job); a dozen real JPEGs back the first ids.
import { linkSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { createProject } from '../../src/project/index.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { tempDir, writeJpeg } from '../helpers/images.ts';

const N = 100_000;
let served: ServedProject;
let cleanup: () => void;

const name = (i: number) => `img_${String(i).padStart(6, '0')}.jpg`;

test.beforeAll(async () => {
  const tmp = tempDir('studio-e2e-scale-');
  cleanup = tmp.cleanup;
  const project = createProject(join(tmp.dir, 'project'), { name: 'Scale' });
  const imgDir = join(project.dir, 'images');
  mkdirSync(imgDir);
  const real = join(imgDir, 'seed.jpg');
  await writeJpeg(real, { width: 64, height: 48, seed: 9 });
  const even = project.addClass('even');
  const tens = project.addClass('tens');
  const now = new Date().toISOString();
  project.db.transaction(() => {
    for (let i = 0; i < N; i++) {
      const file = `images/${name(i)}`;
      // the first rows share the real file's bytes (hard links), so their thumbnails load
      if (i < 40) linkSync(real, join(project.dir, file));
      const id = project.images.insert(
        { name: name(i), path: file, hash: `h${i}`, size: 1, width: 64, height: 48, orientation: 1, format: 'jpeg', split: null },
        now,
      );
      const tags = [];
      if (i % 2 === 0) tags.push(even.index);
      if (i % 10 === 0) tags.push(tens.index);
      project.images.addTags(id, tags);
    }
  })();
  served = await serveProject(project);
});

test.afterAll(async () => {
  await served?.close();
  cleanup?.();
});

test('a 100 000-image grid renders only what is on screen', async ({ page }) => {
  await page.goto(served.server.url);
  await expect(page.getByTestId('result-count')).toHaveText('100,000 images');
  await expect(page.locator(`[data-name="${name(0)}"] img`)).toHaveAttribute('src', /^blob:/);
  const cards = page.locator('[data-testid^="image-card"]');
  const inDom = await cards.count();
  expect(inDom).toBeGreaterThan(6);
  expect(inDom).toBeLessThan(200);

  const grid = page.getByTestId('image-grid');
  for (const frac of [0.5, 1]) {
    await grid.evaluate((el, f) => (el.scrollTop = (el.scrollHeight - el.clientHeight) * f), frac);
    // once the window has moved there, the first card on screen carries the name its index
    // implies (index and name are read together: cards are recycled while scrolling)
    const first = page.getByTestId('image-card').first();
    await expect(first).toBeVisible();
    const minIndex = Math.floor(N * frac * 0.9);
    await expect
      .poll(async () => {
        const [i, n] = await first.evaluate((el) => [Number(el.getAttribute('data-index')), el.getAttribute('data-name')] as const);
        return i >= minIndex && n === name(i);
      })
      .toBe(true);
    expect(await cards.count()).toBeLessThan(200);
  }
  await expect(page.locator(`[data-name="${name(N - 1)}"]`)).toBeVisible();

  await page.getByRole('navigation', { name: 'Filters' }).getByRole('button', { name: /^tens\b/ }).click();
  await expect(page.getByTestId('result-count')).toHaveText('10,000 images');
  await expect(page.locator(`[data-name="${name(10)}"]`)).toBeVisible();
  await page.screenshot({ path: 'test-results/grid-100k.png' });
});
