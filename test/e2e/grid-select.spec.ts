// Multi-selection in the grid: click, Ctrl+click, Shift+click, Ctrl+A and Esc; the selection
// bar's bulk actions (add a tag, approve) change the project, as the API and grid confirm.
import { expect, test, type Page } from '@playwright/test';
import { FIXTURE_TAGS, servedFixture, watchErrors } from './fixture.ts';

const fx = servedFixture();

const NAMES = Object.keys(FIXTURE_TAGS).sort();
const card = (page: Page, name: string) => page.locator(`[data-testid="image-card"][data-name="${name}"]`);
const pressed = (page: Page) => page.locator('[data-testid="image-card"][aria-pressed="true"]');

test('select with click, Ctrl, Shift and Ctrl+A; bulk-tag and approve the selection', async ({ page }) => {
  const errors = watchErrors(page);
  const api = fx.served.project;
  await page.goto(fx.served.server.url);
  await expect(page.getByTestId('image-card')).toHaveCount(12);
  const bar = page.getByTestId('selection-bar');
  await expect(bar).toHaveCount(0);

  // click one, Ctrl+click two more, Ctrl+click one of them off again
  await card(page, NAMES[0]).click();
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await card(page, NAMES[3]).click({ modifiers: ['Control'] });
  await card(page, NAMES[5]).click({ modifiers: ['Control'] });
  await card(page, NAMES[3]).click({ modifiers: ['Control'] });
  await expect(page.getByTestId('selection-count')).toHaveText('2 selected');
  expect(await pressed(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual([NAMES[0], NAMES[5]]);

  // Shift+click: the range from the anchor (the last Ctrl+click) in the grid's order
  await card(page, NAMES[1]).click();
  await card(page, NAMES[4]).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('4 selected');
  expect(await pressed(page).evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(NAMES.slice(1, 5));
  await page.screenshot({ path: 'test-results/grid-select-range.png', animations: 'disabled' });

  // Ctrl+A: everything in the filter; Esc clears
  await card(page, NAMES[1]).focus();
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('selection-count')).toHaveText('All 12 selected');
  await expect(pressed(page)).toHaveCount(12);
  await card(page, NAMES[2]).click({ modifiers: ['Control'] });
  await expect(page.getByTestId('selection-count')).toHaveText('11 selected');
  await page.keyboard.press('Escape');
  await expect(bar).toHaveCount(0);
  await expect(pressed(page)).toHaveCount(0);

  // the keyboard still moves a single selection; Enter opens the editor
  await card(page, NAMES[0]).click();
  await page.keyboard.press('ArrowRight');
  await expect(card(page, NAMES[1])).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('selection-count')).toHaveText('1 selected');
  await page.keyboard.press('Shift+ArrowRight');
  await expect(page.getByTestId('selection-count')).toHaveText('2 selected');

  // bulk: the three city images get the tag "bird", then are approved
  const cities = NAMES.filter((n) => n.startsWith('city_'));
  await card(page, cities[0]).click();
  await card(page, cities[2]).click({ modifiers: ['Shift'] });
  await expect(page.getByTestId('selection-count')).toHaveText('3 selected');
  const birdsBefore = Object.values(FIXTURE_TAGS).filter((t) => t.includes('bird')).length;
  const sidebar = page.getByRole('navigation', { name: 'Filters' });
  await expect(sidebar.getByRole('button', { name: /^bird\b/ })).toContainText(String(birdsBefore));

  await bar.getByRole('button', { name: 'Add tag…' }).click();
  const picker = page.getByTestId('class-picker');
  await expect(picker).toBeVisible();
  await picker.getByRole('combobox', { name: 'Search classes' }).fill('bi');
  await expect(picker.getByRole('option')).toHaveText([/bicycle/, /bird/]);
  await picker.getByRole('option', { name: /bird/ }).click();
  await expect(page.getByTestId('toast').last()).toHaveText(/Tagged 3 images with bird/);
  for (const c of cities) await expect(card(page, c).getByText('bird', { exact: true })).toBeVisible();
  await expect(sidebar.getByRole('button', { name: /^bird\b/ })).toContainText(String(birdsBefore + 3));

  await bar.getByRole('button', { name: 'Approve' }).click();
  await expect(page.getByTestId('toast').last()).toHaveText(/Approved 3 images/);
  for (const c of cities) await expect(card(page, c).locator('.badge.approved')).toHaveText('Approved');
  await expect(sidebar.getByRole('button', { name: /^Approved/ })).toContainText('3');
  await expect(page.locator('.progress')).toContainText('25%');
  await page.screenshot({ path: 'test-results/grid-select-bulk.png', animations: 'disabled' });

  // the project agrees
  const rows = api.listImages({ offset: 0, limit: 100 }).items;
  for (const r of rows) {
    const isCity = r.name.startsWith('city_');
    expect(r.status).toBe(isCity ? 'approved' : 'unreviewed');
    expect(r.tags.includes(api.classes.indexOf('bird')!)).toBe(isCity || FIXTURE_TAGS[r.name].includes('bird'));
  }

  // remove the tag again through Remove tag…, by keyboard in the picker
  await bar.getByRole('button', { name: 'Remove tag…' }).click();
  await page.keyboard.type('bird');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('toast').last()).toHaveText(/Removed bird from 3 images/);
  await expect(sidebar.getByRole('button', { name: /^bird\b/ })).toContainText(String(birdsBefore));

  // Ctrl+A over a filter acts on the filter only: reject every "Approved" image
  await sidebar.getByRole('button', { name: /^Approved/ }).click();
  await expect(page.getByTestId('image-card')).toHaveCount(3);
  await card(page, cities[0]).click();
  await page.keyboard.press('Control+a');
  await expect(page.getByTestId('selection-count')).toHaveText('All 3 selected');
  await bar.getByRole('button', { name: 'Mark unreviewed' }).click();
  await expect(page.getByTestId('toast').last()).toHaveText(/3 images/);
  await expect(page.getByText('No images match these filters')).toBeVisible();
  expect(api.listImages({ offset: 0, limit: 100, status: 'unreviewed' }).total).toBe(12);

  expect(errors).toEqual([]);
});
