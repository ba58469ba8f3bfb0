// A person reviews the demo set with the keyboard alone. On a project
// whose masks a real job generated: from the grid, arrows pick an image, Enter opens it,
// B / ] / 2 / F / H / M drive the tools and layers (also while a slider has focus), A approves
// and moves on, Shift+N / N step back and forth, Esc returns to the grid with the image's
// card focused, and after a reload the statuses come back from the API. No mouse is used.
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import type { ImageSummary, Result } from '../../src/contract/api.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { watchErrors } from './fixture.ts';
import { generatedProject } from './generated-fixture.ts';

const N = 4;
let served: ServedProject;
let cleanup: () => void;
let images: { id: number; name: string }[];

test.beforeAll(async () => {
  test.setTimeout(120_000);
  const fx = await generatedProject(N, 'studio-e2e-keys-');
  ({ images, cleanup } = fx);
  served = await serveProject(fx.project);
});

test.afterAll(async () => {
  await served?.close();
  cleanup?.();
});

const card = (page: Page, i: number) => page.locator(`[data-testid="image-card"][data-name="${images[i].name}"]`);

async function statusOf(request: APIRequestContext, id: number): Promise<string> {
  const res = await request.post(`${served.server.origin}/api/getImage?token=${served.server.token}`, { data: [id] });
  const body = (await res.json()) as Result<ImageSummary>;
  if (!body.ok) throw new Error(body.error.message);
  return body.value.status;
}

test('review the generated masks with the keyboard alone; statuses survive a reload', async ({ page, request }) => {
  const errors = watchErrors(page);
  await page.goto(served.server.url);
  await expect(page.getByTestId('image-card')).toHaveCount(N);
  for (const img of images) expect(await statusOf(request, img.id)).toBe('generated');

  // grid: nothing focused yet — the first arrow selects the first card, the next moves on
  await page.keyboard.press('ArrowRight');
  await expect(card(page, 0)).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(card(page, 1)).toBeFocused();
  await expect(card(page, 1)).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('Enter');

  const editor = page.getByTestId('editor');
  const position = page.getByTestId('editor-position');
  await expect(editor).toBeVisible();
  await expect(editor.locator('h1')).toHaveText(images[1].name);
  await expect(position).toHaveText(`2 / ${N}`);
  // the generated mask is on screen: the label layer has painted (non-transparent) pixels
  // as soon as the image opens, not only after a stroke
  const painted = () =>
    editor.locator('canvas.rs-labels').evaluate((c) => {
      const cv = c as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
      const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
      let n = 0;
      for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
      return n;
    });
  await expect.poll(painted, { timeout: 10_000 }).toBeGreaterThan(0);

  // tools: B brush, ] grows it, 2 picks the second class, F flood fill (applying it needs the pointer)
  const tools = page.getByRole('toolbar', { name: 'Tools' });
  await page.keyboard.press('b');
  await expect(tools.getByRole('button', { name: 'Brush', exact: true })).toHaveAttribute('aria-pressed', 'true');
  const size = page.getByRole('slider', { name: 'Brush size' });
  const before = Number(await size.inputValue());
  await page.keyboard.press(']');
  await expect.poll(async () => Number(await size.inputValue())).toBeGreaterThan(before);
  const classes = page.getByRole('listbox', { name: 'Paint class' }).getByRole('option');
  await page.keyboard.press('2');
  // the list shows the image's tagged classes first; 2 is the project's second class, wherever it is listed
  await expect(classes.filter({ has: page.locator('kbd', { hasText: /^2$/ }) })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('f');
  await expect(tools.getByRole('button', { name: 'Flood fill' })).toHaveAttribute('aria-pressed', 'true');

  // layers: H and M toggle the heatmap and the mask (the generated image has stored CAMs)
  const heat = page.getByRole('checkbox', { name: /Heatmap/ });
  const mask = page.getByRole('checkbox', { name: /Mask/ });
  await expect(heat).toBeEnabled();
  const heatOn = await heat.isChecked();
  await page.keyboard.press('h');
  await expect(heat).toBeChecked({ checked: !heatOn });
  await expect(mask).toBeChecked();
  await page.keyboard.press('m');
  await expect(mask).not.toBeChecked();
  await page.keyboard.press('m');
  await expect(mask).toBeChecked();

  // with a slider focused (as after Tab-ing to it) the shortcuts still work; arrows stay the slider's
  await size.focus();
  const sized = Number(await size.inputValue());
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => Number(await size.inputValue())).toBe(sized + 1);
  await page.keyboard.press('b');
  await expect(tools.getByRole('button', { name: 'Brush', exact: true })).toHaveAttribute('aria-pressed', 'true');
  await page.keyboard.press('h');
  await expect(heat).toBeChecked({ checked: heatOn });
  await page.screenshot({ path: 'test-results/keyboard-review-editor.png', animations: 'disabled' });

  // A approves and moves on; Shift+N back shows the approval, N forward again
  await page.keyboard.press('a');
  await expect(position).toHaveText(`3 / ${N}`);
  await expect(editor.locator('h1')).toHaveText(images[2].name);
  await page.keyboard.press('Shift+N');
  await expect(position).toHaveText(`2 / ${N}`);
  await expect(editor.locator('.view-bar .badge')).toHaveText('Approved');
  await page.keyboard.press('n');
  await expect(position).toHaveText(`3 / ${N}`);
  await page.keyboard.press('a');
  await expect(position).toHaveText(`4 / ${N}`);
  await expect(editor.locator('h1')).toHaveText(images[3].name);

  // Esc: back to the grid on the image last shown, its card focused, arrows working
  await page.keyboard.press('Escape');
  await expect(editor).toHaveCount(0);
  await expect(card(page, 3)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(card(page, 2)).toBeFocused();
  await expect(card(page, 2)).toHaveAttribute('aria-pressed', 'true');
  await page.screenshot({ path: 'test-results/keyboard-review-grid.png', animations: 'disabled' });

  // reload: the statuses come back from the API and the grid
  await page.reload();
  await expect(page.getByTestId('image-card')).toHaveCount(N);
  await expect(card(page, 1)).toContainText('Approved');
  await expect(card(page, 2)).toContainText('Approved');
  expect(await statusOf(request, images[0].id)).toBe('generated');
  expect(await statusOf(request, images[1].id)).toBe('approved');
  expect(await statusOf(request, images[2].id)).toBe('approved');
  expect(await statusOf(request, images[3].id)).toBe('generated');
  expect(errors).toEqual([]);
});
