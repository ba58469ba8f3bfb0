// The image grid in browser mode: every image with its tags, filtering by class, status,
// search, selection; no CSP violations or console errors. Screenshots go to test-results/.
import { expect, test, type Page } from '@playwright/test';
import { FIXTURE_TAGS, servedFixture, watchErrors } from './fixture.ts';

const fx = servedFixture();

const cards = (page: Page) => page.getByTestId('image-card');

test('the grid shows every image with its tags, and filters by class', async ({ page }) => {
  const errors = watchErrors(page);
  await page.goto(fx.served.server.url);
  await expect(page.getByRole('heading', { name: 'E2E fixtures' })).toBeVisible();
  await expect(cards(page)).toHaveCount(12);
  await expect(page.getByTestId('result-count')).toHaveText('12 images');
  // the token left the address bar
  expect(page.url()).not.toContain('token=');

  for (const [name, tags] of Object.entries(FIXTURE_TAGS)) {
    const card = page.locator(`[data-testid="image-card"][data-name="${name}"]`);
    await expect(card).toHaveCount(1);
    for (const t of tags) await expect(card.getByText(t, { exact: true })).toBeVisible();
    await expect(card.locator('.chip')).toHaveCount(tags.length);
  }
  // every thumbnail loaded (blob: URLs through the API)
  await expect(page.locator('[data-testid="image-card"] img')).toHaveCount(12);
  for (const img of await page.locator('[data-testid="image-card"] img').all()) {
    await expect(img).toHaveAttribute('src', /^blob:/);
    expect(await img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(0);
  }
  await page.screenshot({ path: 'test-results/grid.png' });

  // filter by class: exactly the dog images remain
  const dogs = Object.entries(FIXTURE_TAGS).filter(([, t]) => t.includes('dog')).map(([n]) => n);
  await page.getByRole('navigation', { name: 'Filters' }).getByRole('button', { name: /^dog\b/ }).click();
  await expect(page.getByTestId('result-count')).toHaveText(`${dogs.length} images`);
  await expect(cards(page)).toHaveCount(dogs.length);
  const shown = await cards(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-name')));
  expect(shown.sort()).toEqual([...dogs].sort());

  // select an image: the inspector shows it
  await page.locator(`[data-name="${dogs[0]}"]`).click();
  const inspector = page.getByRole('complementary', { name: 'Selected image' });
  await expect(inspector.getByRole('heading', { name: dogs[0] })).toBeVisible();
  await expect(inspector.locator('.preview img')).toHaveAttribute('src', /^blob:/);
  // the inspector is a column right of the grid, as tall as it (a layout regression stacked it below)
  const gridBox = (await page.getByTestId('image-grid').boundingBox())!;
  const inspBox = (await inspector.boundingBox())!;
  expect(inspBox.x).toBeGreaterThanOrEqual(gridBox.x + gridBox.width - 1);
  expect(inspBox.y).toBeLessThan(gridBox.y);
  expect(gridBox.height).toBeGreaterThan(500);
  await page.screenshot({ path: 'test-results/grid-filtered.png' });

  // the keyboard moves the selection; Escape clears it
  await page.keyboard.press('ArrowRight');
  await expect(page.locator(`[data-name="${dogs[1]}"]`)).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator(`[data-name="${dogs[1]}"]`)).toBeFocused();
  await expect(inspector.getByRole('heading', { name: dogs[1] })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(inspector).toHaveCount(0);

  // search narrows within the class filter; clearing the chip widens again
  await page.getByRole('searchbox', { name: 'Search images by name' }).fill('park');
  await expect(page.getByTestId('result-count')).toHaveText('1 image');
  await page.getByRole('button', { name: 'Remove class filter dog' }).click();
  await expect(page.getByTestId('result-count')).toHaveText('2 images');

  // status filter: nothing is approved in a fresh import
  await page.getByRole('button', { name: /^All images/ }).click();
  await expect(page.getByTestId('result-count')).toHaveText('12 images');
  await page.getByRole('navigation', { name: 'Filters' }).getByRole('button', { name: /^Approved/ }).click();
  await expect(page.getByText('No images match these filters')).toBeVisible();

  expect(errors).toEqual([]);
});

test('without the token the page and the API refuse', async ({ page, request }) => {
  const res = await page.goto(fx.served.server.origin + '/');
  expect(res?.status()).toBe(401);
  const api = await request.post(fx.served.server.origin + '/api/projectInfo', { data: [] });
  expect(api.status()).toBe(401);
  expect(await api.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
});
