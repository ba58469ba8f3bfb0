// Class management from the sidebar: rename inline, recolour from the palette or a hex
// value, merge one class into another (tags move, masks remapped as new versions, the class
// removed); the project and the sidebar's counts agree afterwards.
import { expect, test } from '@playwright/test';
import { decodeLabelPng, encodeLabelPng } from '../../src/project/png.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { FIXTURE_TAGS, makeFixtureProject, watchErrors } from './fixture.ts';

let served: ServedProject;
let cleanup: () => void;
/** garden_02.jpg (bird, cat): gets a mask with both classes before the UI opens */
let maskedId = 0;

test.beforeAll(async () => {
  const fx = await makeFixtureProject();
  cleanup = fx.cleanup;
  const p = fx.project;
  const img = p.listImages({ offset: 0, limit: 1, search: 'garden_02' }).items[0];
  maskedId = img.id;
  const labels = new Uint8Array(img.width * img.height);
  const bird = p.classes.indexOf('bird')!;
  const cat = p.classes.indexOf('cat')!;
  // left half bird, right half cat
  for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) labels[y * img.width + x] = x < img.width / 2 ? bird : cat;
  p.masks.insert(img.id, encodeLabelPng(labels, img.width, img.height), img.width, img.height, { source: 'edited' }, true, new Date().toISOString());
  served = await serveProject(p);
});

test.afterAll(async () => {
  await served?.close();
  cleanup?.();
});

const tagged = (name: string) => Object.values(FIXTURE_TAGS).filter((t) => t.includes(name)).length;

test('rename, recolour and merge classes from the sidebar', async ({ page }) => {
  const errors = watchErrors(page);
  const p = served.project;
  await page.goto(served.server.url);
  await expect(page.getByTestId('image-card')).toHaveCount(12);
  const sidebar = page.getByRole('navigation', { name: 'Filters' });
  const row = (name: string) => sidebar.locator(`[data-testid="class-row"][data-class="${name}"]`);

  // rename through ⋯ (shown on hover): inline edit, Enter saves
  await row('bicycle').hover();
  await row('bicycle').getByRole('button', { name: 'Actions for bicycle' }).click();
  await page.screenshot({ path: 'test-results/classes-menu.png', animations: 'disabled' });
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  const input = row('bicycle').getByRole('textbox', { name: 'New name for bicycle' });
  await expect(input).toBeFocused();
  await input.fill('bike');
  await input.press('Enter');
  await expect(row('bike')).toContainText(String(tagged('bicycle')));
  await expect(page.getByTestId('toast').last()).toHaveText(/Renamed bicycle to bike/);
  await expect(page.locator('[data-name="park_01.jpg"]').getByText('bike', { exact: true })).toBeVisible();
  expect(p.classes.list().map((c) => c.name)).toContain('bike');

  // Escape cancels a rename
  await row('dog').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Rename' }).click();
  await row('dog').getByRole('textbox').fill('hound');
  await row('dog').getByRole('textbox').press('Escape');
  await expect(row('dog')).toBeVisible();
  expect(p.classes.indexOf('hound')).toBeUndefined();

  // recolour through right-click: a hex value, then a palette swatch
  await row('car').click({ button: 'right' });
  await page.getByRole('menuitem', { name: 'Change colour…' }).click();
  const pop = page.getByTestId('color-popover');
  await expect(pop).toBeVisible();
  await page.screenshot({ path: 'test-results/classes-colour.png', animations: 'disabled' });
  await pop.getByRole('textbox', { name: 'Hex colour' }).fill('#22AA88');
  await pop.getByRole('textbox', { name: 'Hex colour' }).press('Enter');
  await expect(row('car').locator('.swatch')).toHaveCSS('background-color', 'rgb(34, 170, 136)');
  expect(p.classes.list().find((c) => c.name === 'car')?.color).toBe('#22aa88');
  await row('car').hover();
  await row('car').getByRole('button', { name: 'Actions for car' }).click();
  await page.getByRole('menuitem', { name: 'Change colour…' }).click();
  await pop.getByRole('button', { name: 'Colour #0087ff' }).click();
  await expect(pop).toHaveCount(0);
  await expect(row('car').locator('.swatch')).toHaveCSS('background-color', 'rgb(0, 135, 255)');
  expect(p.classes.list().find((c) => c.name === 'car')?.color).toBe('#0087ff');

  // merge bird into cat: pick the target by typing, confirm in the dialog
  const birdIdx = p.classes.indexOf('bird')!;
  const catIdx = p.classes.indexOf('cat')!;
  const union = Object.values(FIXTURE_TAGS).filter((t) => t.includes('bird') || t.includes('cat')).length;
  await row('bird').hover();
  await row('bird').getByRole('button', { name: 'Actions for bird' }).click();
  await page.getByRole('menuitem', { name: 'Merge into…' }).click();
  const picker = page.getByTestId('class-picker');
  await expect(picker.getByRole('option', { name: /bird/ })).toHaveCount(0);
  await page.keyboard.type('ca');
  await expect(picker.getByRole('option')).toHaveText([/car/, /cat/]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const dialog = page.getByTestId('merge-dialog');
  await expect(dialog).toContainText(`${tagged('bird')} images tagged bird will be tagged cat instead`);
  await expect(dialog).toContainText('The class bird is removed');
  await page.screenshot({ path: 'test-results/classes-merge.png', animations: 'disabled' });
  await dialog.getByRole('button', { name: 'Merge into cat' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('toast').last()).toContainText(`Merged bird into cat: ${tagged('bird')} images retagged, 1 mask remapped`);
  await expect(row('bird')).toHaveCount(0);
  await expect(row('cat')).toContainText(String(union));
  await expect(page.locator('[data-name="garden_01.jpg"]').getByText('cat', { exact: true })).toBeVisible();
  await page.screenshot({ path: 'test-results/classes-after.png', animations: 'disabled' });

  // the project agrees: bird gone, its images tagged cat, the mask remapped as a new version
  expect(p.classes.list().map((c) => c.name)).not.toContain('bird');
  expect(p.listImages({ offset: 0, limit: 100, classIndex: catIdx }).total).toBe(union);
  const versions = p.masks.versions(maskedId);
  expect(versions).toHaveLength(2);
  const cur = decodeLabelPng(p.masks.current(maskedId)!.png);
  expect(cur.labels.includes(birdIdx)).toBe(false);
  expect(cur.labels.every((v) => v === catIdx)).toBe(true);

  expect(errors).toEqual([]);
});
