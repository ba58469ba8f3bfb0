// The Generate panel and the Export dialog in browser mode, on a real project: 8 demo scenes
// and the demo classifier (TF.js copy) registered, in a temp folder. Preview renders,
// a job runs to done with progress, the grid shows the masks, a VOC export lands on disk.
// Screenshots go to test-results/.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { servedDemoProject, watchErrors } from './fixture.ts';
import { createProject } from '../../src/project/index.ts';
import { serveProject } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';

const N = 8;
const spec = servedDemoProject(N, 'studio-e2e-gen-');

test('generate masks with a live preview, then export VOC', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await page.goto(spec.served.server.url);
  const cards = page.getByTestId('image-card');
  await expect(cards).toHaveCount(N);
  await expect(page.getByTestId('card-overlay')).toHaveCount(0);
  await cards.nth(1).click();

  await page.getByTestId('open-generate').click();
  const panel = page.getByTestId('generate-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('model-select')).toContainText('tfjs/model.json');
  // the drawer says what layer2 means for this model
  await expect(panel.getByTestId('layer-resolved')).toContainText(/^layer2 → .+ · 16×16×\d+$/);
  // the preview runs the model once on an engine worker, then draws the label map
  const preview = panel.getByTestId('generate-preview');
  await expect(preview).toHaveAttribute('data-drawn', 'yes', { timeout: 60_000 });
  await expect(preview.locator('.legend .key').first()).toBeVisible();
  // the canvas shows the preview for the settings as they are now (not one still on its way)
  const settled = (l: typeof preview) => expect(l).toHaveAttribute('data-current', 'yes', { timeout: 20_000 });
  await settled(preview);
  const before = await preview.locator('canvas').evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());

  // moving τ_bg re-thresholds: the overlay changes
  const slider = panel.getByTestId('bg-slider');
  await slider.fill('0.6');
  await expect.poll(async () => preview.locator('canvas').evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL()), { timeout: 20_000 }).not.toBe(before);
  await slider.fill('0.4');
  await settled(preview);

  // the default chain refines: the raw CAM's mask is shown beside the stored (refined) one
  const raw = panel.getByTestId('generate-preview-raw');
  await expect(raw).toHaveAttribute('data-drawn', 'yes', { timeout: 20_000 });
  const dataUrl = (l: typeof raw) => l.locator('canvas').evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
  await settled(raw);
  expect(await dataUrl(raw)).not.toBe(await dataUrl(preview));
  const refine = panel.getByTestId('refine-select');
  await expect(refine.getByRole('button', { name: 'Fast' })).toHaveAttribute('aria-pressed', 'true');
  const fast = await dataUrl(preview);
  await refine.getByRole('button', { name: 'Best' }).click();
  await settled(preview);
  expect(await dataUrl(preview)).not.toBe(fast);
  await page.waitForTimeout(400); // the debounced preview settles before the screenshot
  await raw.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/generate-panel.png', animations: 'disabled' });
  // 'None': one preview, the raw CAM's mask
  await refine.getByRole('button', { name: 'None' }).click();
  await expect(raw).toHaveCount(0);
  await settled(preview);
  expect(await dataUrl(preview)).not.toBe(fast);
  await refine.getByRole('button', { name: 'Fast' }).click();
  await settled(preview);
  await settled(raw);
  // the same settings give the same mask again
  expect(await dataUrl(preview)).toBe(fast);
  // CLRP is offered like every method: its preview is another mask; back to R-CAM for the job
  const method = panel.getByTestId('method-select');
  await method.selectOption({ label: 'CLRP' });
  await settled(preview);
  expect(await dataUrl(preview)).not.toBe(fast);
  await page.waitForTimeout(400);
  await page.screenshot({ path: 'test-results/generate-panel-clrp.png', animations: 'disabled' });
  await method.selectOption('rcam');
  await settled(preview);
  expect(await dataUrl(preview)).toBe(fast);

  await panel.getByTestId('start-job').click();
  const status = panel.getByTestId('job-status');
  await expect(status).toBeVisible();
  await expect(status).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  await expect(panel.getByTestId('job-count')).toHaveText(`${N} / ${N}`);
  await expect(panel.getByTestId('job-errors')).toHaveCount(0);
  await page.screenshot({ path: 'test-results/generate-finished.png', animations: 'disabled' });

  // the grid picked the masks up from the job's events
  await panel.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByTestId('card-overlay')).toHaveCount(N);
  await expect(page.locator('header').getByText(`${N}`, { exact: true }).first()).toBeVisible();

  // export VOC into a new folder
  await page.getByTestId('open-export').click();
  const dialog = page.getByTestId('export-dialog');
  await expect(dialog).toBeVisible();
  const folder = dialog.getByTestId('export-folder');
  await expect(folder).toHaveValue(/exports[\\/]voc-\d{4}-\d\d-\d\d$/);
  const out = path.join(spec.made.dir, 'voc-export');
  await folder.fill(out);
  await page.screenshot({ path: 'test-results/export-dialog.png', animations: 'disabled' });
  await dialog.getByTestId('export-run').click();
  await expect(dialog.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
  await expect(dialog.getByTestId('export-out')).toHaveText(out);
  await expect(dialog.getByTestId('export-result')).toContainText(`${N} images exported as Pascal VOC`);
  await page.screenshot({ path: 'test-results/export-done.png', animations: 'disabled' });
  expect(readdirSync(path.join(out, 'SegmentationClass')).filter((f) => f.endsWith('.png'))).toHaveLength(N);
  expect(existsSync(path.join(out, 'classes.txt'))).toBe(true);
  expect(existsSync(path.join(out, 'ImageSets', 'Segmentation', 'train.txt'))).toBe(true);

  expect(errors).toEqual([]);

  // the same folder again without "overwrite" is refused with a clear message (the browser
  // logs the HTTP 400 of that refusal, so the console check is above)
  await dialog.getByRole('button', { name: 'Export again' }).click();
  await dialog.getByTestId('export-run').click();
  await expect(dialog.getByTestId('export-error')).toContainText('is not empty; tick "Overwrite"');
  await page.screenshot({ path: 'test-results/export-refused.png', animations: 'disabled' });
});

test('with no model, the panel offers to add one in the page', async ({ page }) => {
  const t = tempDir('studio-e2e-nomodel-');
  const p = createProject(path.join(t.dir, 'empty'), { name: 'No model' });
  const s = await serveProject(p);
  try {
    await page.goto(s.server.url);
    await page.getByTestId('open-generate').click();
    await expect(page.getByTestId('no-models')).toContainText('No classifier registered');
    await page.getByTestId('drawer-add-model').click();
    // the model dialog opens on the chooser for a model file
    await expect(page.getByTestId('models-dialog')).toBeVisible();
    await expect(page.getByTestId('chooser')).toContainText('Choose a model');
    await page.screenshot({ path: 'test-results/generate-no-model.png', animations: 'disabled' });
  } finally {
    await s.close();
    t.cleanup();
  }
});
