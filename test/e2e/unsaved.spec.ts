// The editor never drops a change it could not save: while saves fail (here the studio
// server is unreachable: its saveMask requests are aborted in the browser), moving to the
// next image keeps the editor on the current one and retries; when the server answers
// again the change lands and the move goes through. Asking twice for the same move while
// the same change still fails leaves it unsaved (the way out of a save that can never work).
import { expect, test, type Page } from '@playwright/test';
import { decodeLabelPng } from '../../src/project/png.ts';
import { servedFixture, strokeAcross, watchErrors } from './fixture.ts';

const fx = servedFixture();

function imageId(name: string): number {
  return fx.served.project.listImages({ offset: 0, limit: 1, search: name }).items[0].id;
}

/** labelled (non-background) pixels of the image's current mask in the database */
function labelled(name: string): number {
  const cur = fx.served.project.currentMask(imageId(name));
  return cur ? decodeLabelPng(cur.png).labels.filter((v) => v !== 0 && v !== 255).length : 0;
}

const stroke = (page: Page, dy: number) => strokeAcross(page, dy, 10);

test('a change that cannot be saved keeps the editor on its image until it is saved or left on purpose', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(fx.served.server.url);
  await page.locator('[data-testid="image-card"][data-name="city_01.jpg"]').dblclick();
  const editor = page.getByTestId('editor');
  const heading = (name: string) => editor.getByRole('heading', { name });
  await expect(heading('city_01.jpg')).toBeVisible();
  const next = await page.getByTestId('editor-position').textContent();

  // the server stops answering saves
  const offline = (route: { abort: (e: string) => Promise<void> }) => route.abort('connectionrefused');
  await page.route('**/api/saveMask', offline);
  await page.keyboard.press('1');
  await stroke(page, 0);
  await expect(page.getByTestId('save-state')).toHaveText('Not saved');

  // N: the editor stays, says why, and the address bar still names this image
  await page.keyboard.press('n');
  await expect(page.getByText(/city_01\.jpg: 1 change not saved yet/)).toBeVisible();
  await expect(heading('city_01.jpg')).toBeVisible();
  await expect(page.getByTestId('editor-position')).toHaveText(next!);
  await expect(page).toHaveURL(new RegExp(`#/edit/${imageId('city_01')}$`));
  await page.screenshot({ path: 'test-results/editor-unsaved.png' });
  expect(labelled('city_01')).toBe(0);

  // the server is back: N saves the change first, then moves on
  await page.unroute('**/api/saveMask', offline);
  await page.keyboard.press('n');
  await expect(heading('city_02.jpg')).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`#/edit/${imageId('city_02')}$`));
  expect(labelled('city_01')).toBeGreaterThan(100);
  expect(fx.served.project.getImage(imageId('city_01')).status).toBe('edited');

  // a save that keeps failing: N twice leaves the change behind, on purpose
  await page.route('**/api/saveMask', offline);
  await stroke(page, 0);
  await expect(page.getByTestId('save-state')).toHaveText('Not saved');
  await page.keyboard.press('n');
  await expect(page.getByText(/city_02\.jpg: 1 change not saved yet/)).toBeVisible();
  await expect(heading('city_02.jpg')).toBeVisible();
  await page.keyboard.press('n');
  await expect(heading('city_03.jpg')).toBeVisible();
  await expect(page.getByText(/Left city_02\.jpg with 1 change not saved/)).toBeVisible();
  expect(labelled('city_02')).toBe(0);
  await page.unroute('**/api/saveMask', offline);

  // the console stayed clean, apart from the browser's own lines about the refused requests
  expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED|Failed to load resource/.test(e))).toEqual([]);
});
