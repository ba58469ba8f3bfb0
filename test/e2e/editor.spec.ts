// The mask editor in browser mode, end to end: open an image from the grid, paint with
// the brush (keyboard shortcut + mouse), undo, redo, approve and move on; the edit and the
// status survive a page reload and a killed-and-restarted server. Screenshots of the
// editor and the compare view go to test-results/.
import { expect, test, type Page } from '@playwright/test';
import { encodeFloat16 } from '../../src/masks/float16.ts';
import { decodeLabelPng } from '../../src/project/png.ts';
import { openProject } from '../../src/project/index.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { makeFixtureProject, watchErrors } from './fixture.ts';

let served: ServedProject;
let cleanup: () => void;
let dir: string;
let imageId: number;
let dogIndex: number;

test.beforeAll(async () => {
  const fx = await makeFixtureProject();
  cleanup = fx.cleanup;
  dir = fx.project.dir;
  const p = fx.project;
  imageId = p.listImages({ offset: 0, limit: 1, search: 'beach_01' }).items[0].id;
  dogIndex = p.classes.indexOf('dog')!;
  // stored CAMs as a generation job leaves them: an 8×8 blob in the left half, two methods
  const now = new Date().toISOString();
  const blob = (cx: number) => Float32Array.from({ length: 64 }, (_, i) => Math.max(0, 1 - Math.hypot((i % 8) - cx, Math.floor(i / 8) - 4) / 3.2));
  p.cams.put({ imageId, classIndex: dogIndex, modelHash: 'fixture', method: 'rcam', layer: 'layer2', h: 8, w: 8, data: encodeFloat16(blob(2.5)) }, now);
  p.cams.put({ imageId, classIndex: dogIndex, modelHash: 'fixture', method: 'gradcam', layer: 'layer2', h: 8, w: 8, data: encodeFloat16(blob(3.5)) }, now);
  served = await serveProject(p);
});

test.afterAll(async () => {
  await served?.close();
  cleanup?.();
});

/** Pixels of class `c` in the image's current mask, read from the project database. */
function painted(project: ServedProject['project'], c: number): number {
  const cur = project.currentMask(imageId);
  if (!cur) return 0;
  return decodeLabelPng(cur.png).labels.filter((v) => v === c).length;
}

async function stroke(page: Page): Promise<void> {
  const box = (await page.getByTestId('editor-canvas').boundingBox())!;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  await page.mouse.move(cx - 120, cy - 40);
  await page.mouse.down();
  for (let k = 1; k <= 12; k++) await page.mouse.move(cx - 120 + k * 20, cy - 40 + k * 6);
  await page.mouse.up();
}

test('paint, undo, redo, approve; the edit survives a reload and a server restart', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(served.server.url);
  await page.locator('[data-testid="image-card"][data-name="beach_01.jpg"]').dblclick();
  const editor = page.getByTestId('editor');
  await expect(editor).toBeVisible();
  await expect(editor.getByRole('heading', { name: 'beach_01.jpg' })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/edit/${imageId}$`));

  // every tool button: aria-label = the tool's name, its shortcut in the tooltip
  const tools = page.getByRole('toolbar', { name: 'Tools' });
  for (const [name, key] of [['Brush', 'B'], ['Eraser', 'E'], ['Polygon', 'P'], ['Flood fill', 'F'], ['Smart region', 'S'], ['Class picker', 'I']]) {
    await expect(tools.getByRole('button', { name, exact: true })).toHaveAttribute('title', new RegExp(`^${name} \\(${key}\\)`));
  }

  // E then B by keyboard: the brush is the current tool again
  await page.keyboard.press('e');
  await expect(tools.getByRole('button', { name: 'Eraser', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('b');
  await expect(tools.getByRole('button', { name: 'Brush', exact: true })).toHaveAttribute('aria-pressed', 'true');
  // the class list's first entry by its number key
  const first = page.getByRole('listbox', { name: 'Paint class' }).getByRole('option').first();
  await page.keyboard.press('1');
  await expect(first).toHaveAttribute('aria-selected', 'true');
  const classIndex = served.project.listClasses()[0].index;

  await stroke(page);
  await expect(page.getByTestId('save-state')).toHaveText('Saved');
  await expect.poll(() => painted(served.project, classIndex)).toBeGreaterThan(200);
  const afterStroke = painted(served.project, classIndex);
  expect(served.project.getImage(imageId).status).toBe('edited');
  await page.screenshot({ path: 'test-results/editor.png' });

  await page.keyboard.press('Control+z');
  await expect.poll(() => painted(served.project, classIndex)).toBe(0);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => painted(served.project, classIndex)).toBe(afterStroke);
  await expect(page.getByRole('region', { name: 'Mask versions' }).getByRole('listitem')).toHaveCount(3);

  // heatmap from the stored CAMs
  await page.keyboard.press('h');
  await expect(page.locator('.rs-heat')).toBeVisible();
  await page.screenshot({ path: 'test-results/editor-heatmap.png' });
  await page.keyboard.press('h');

  // approve and next
  await page.keyboard.press('a');
  await expect(editor.getByRole('heading', { name: 'beach_02.jpg' })).toBeVisible();
  expect(served.project.getImage(imageId).status).toBe('approved');
  await expect(page.getByTestId('editor-position')).toHaveText('2 / 12');

  // a reload: the approved edit is there
  await page.goto(`${served.server.origin}/#/edit/${imageId}`);
  await expect(editor.getByRole('heading', { name: 'beach_01.jpg' })).toBeVisible();
  await expect(editor.getByText('Approved', { exact: true }).first()).toBeVisible();
  await expect(page.getByRole('region', { name: 'Mask versions' }).getByText('approved')).toHaveCount(1);

  // kill the server and start a new one on the same project folder
  await served.close();
  served = await serveProject(openProject(dir));
  await page.goto(`${served.server.url}#/edit/${imageId}`);
  await expect(editor.getByRole('heading', { name: 'beach_01.jpg' })).toBeVisible();
  await expect(editor.getByText('Approved', { exact: true }).first()).toBeVisible();
  expect(painted(served.project, classIndex)).toBe(afterStroke);

  // the compare view: two methods with stored CAMs, three 'not generated'
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page.getByTestId('compare')).toBeVisible();
  await expect(page.locator('[data-testid="cam-card"][data-method="rcam"] canvas.mask')).toBeVisible();
  await expect(page.locator('[data-testid="cam-card"][data-method="rcam"] .iou')).toBeVisible();
  await expect(page.locator('[data-testid="cam-card"][data-method="scorecam"]')).toContainText('Not generated');
  // the masks go through the job default's refinement chain; 'none' shows the raw CAM's mask
  const refineSelect = page.getByTestId('compare-refine');
  await expect(refineSelect).toHaveValue('fast');
  const rcamMask = page.locator('[data-testid="cam-card"][data-method="rcam"] canvas.mask');
  const shot = () => rcamMask.evaluate((c) => (c as unknown as { toDataURL(): string }).toDataURL());
  const refined = await shot();
  await refineSelect.selectOption('none');
  await expect.poll(shot, { timeout: 10_000 }).not.toBe(refined);
  await refineSelect.selectOption('fast');
  await expect.poll(shot, { timeout: 10_000 }).toBe(refined);
  await page.screenshot({ path: 'test-results/compare.png' });
  expect(errors).toEqual([]);
});
