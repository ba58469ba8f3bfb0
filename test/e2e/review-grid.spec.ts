// Review at a glance, items 1 and 2 of the review issue, at 1440×900 and 1024×768 on masks
// a real job generated: every card draws its mask (toggle, fill / outline, opacity), the
// inspector shows it large with each class's pixel count, badges flag a tagged class with
// no pixels and an untagged class present; the class colours are the computed default
// palette, the editor's outline carries a contrasting halo, and the status line names the
// class under the cursor. Screenshots: test-results/review-*.png.
import { expect, test, type Page } from '@playwright/test';
import { contrastingBW } from '../../src/masks/color-science.ts';
import { defaultClassColor, parseHexColor } from '../../src/masks/palette.ts';
import { watchErrors } from './fixture.ts';
import { currentLabels, pixelsPerLabel, screenPoint, servedGenerated, shot, VIEWPORTS } from './review-fixture.ts';

const N = 8;
const fx = servedGenerated(N, 'studio-e2e-review-grid-');
/** image 0: tagged with a class its mask lacks; image 1: its mask holds a class it is no longer tagged with */
let missingClass: number;
let untaggedClass: number;

test.beforeAll(() => {
  const p = fx.served.project;
  const [a, b] = fx.images.map((i) => p.getImage(i.id));
  missingClass = p.listClasses().find((c) => !a.tags.includes(c.index) && !pixelsPerLabel(p, a.id).has(c.index))!.index;
  p.setTags(a.id, [...a.tags, missingClass]);
  untaggedClass = b.tags.find((t) => pixelsPerLabel(p, b.id).has(t))!;
  p.setTags(b.id, b.tags.filter((t) => t !== untaggedClass));
});

const card = (page: Page, i: number) => page.locator(`[data-testid="image-card"][data-name="${fx.images[i].name}"]`);

/** the page's 2-D canvas, as much of it as these checks use (the Node side has no DOM types) */
interface Ctx2d {
  drawImage(img: unknown, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
}

/** opaque pixels of a card's overlay image, counted in the page */
function opaquePixels(page: Page, i: number): Promise<number> {
  return card(page, i)
    .getByTestId('card-overlay')
    .evaluate((img) => {
      const el = img as unknown as { naturalWidth: number; naturalHeight: number };
      const Offscreen = (globalThis as unknown as { OffscreenCanvas: new (w: number, h: number) => { width: number; height: number; getContext(k: '2d'): Ctx2d } }).OffscreenCanvas;
      const c = new Offscreen(el.naturalWidth, el.naturalHeight);
      const ctx = c.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let k = 3; k < d.length; k += 4) if (d[k] > 0) n++;
      return n;
    });
}

for (const vp of VIEWPORTS) {
  test(`item 1: the grid draws every mask, with badges; the inspector shows it large with class counts (${vp.width}×${vp.height})`, async ({ page }) => {
    const errors = watchErrors(page);
    const p = fx.served.project;
    await page.setViewportSize(vp);
    await page.goto(fx.served.server.url);
    const overlays = page.getByTestId('card-overlay');
    await expect(overlays).toHaveCount(N);
    // the overlay is the thumbnail's size (the 128-px demo scenes: 128 px)
    expect(await overlays.first().evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBe(128);

    // the badges: what needs a look
    const name = (c: number) => p.listClasses().find((x) => x.index === c)!.name;
    await expect(card(page, 0).locator('[data-kind="missing"]')).toHaveText(`no ${name(missingClass)}`);
    await expect(card(page, 1).locator('[data-kind="untagged"]')).toHaveText(`+ ${name(untaggedClass)}`);
    await expect(card(page, 2).getByTestId('attention')).toHaveCount(0);
    await page.screenshot({ path: shot('review-grid', vp) });

    // off and on: the toolbar button, then M
    await page.getByTestId('toggle-masks').click();
    await expect(overlays).toHaveCount(0);
    await page.keyboard.press('m');
    await expect(overlays).toHaveCount(N);

    // outline: far fewer opaque pixels than the fill, the same mask
    const filled = await opaquePixels(page, 2);
    await page.getByTestId('mask-settings').click();
    await page.getByRole('group', { name: 'Mask style' }).getByRole('button', { name: 'Outline' }).click();
    await expect.poll(() => opaquePixels(page, 2)).toBeLessThan(filled);
    expect(await opaquePixels(page, 2)).toBeGreaterThan(0);
    await page.getByRole('slider', { name: 'Mask opacity' }).fill('0.8');
    await expect(overlays.first()).toHaveCSS('opacity', '0.8');
    await page.screenshot({ path: shot('review-grid-outline', vp) });
    await page.keyboard.press('Escape');

    // the inspector: the mask drawn large, each class's pixels as stored
    await card(page, 1).click();
    const inspector = page.getByTestId('inspector');
    await expect(inspector.getByTestId('masked-labels')).toBeVisible();
    const counts = pixelsPerLabel(p, fx.images[1].id);
    const rows = inspector.getByTestId('mask-class');
    for (const [label, n] of counts) {
      if (label === 255) continue;
      await expect(inspector.locator(`[data-testid="mask-class"][data-class="${name(label)}"] [data-testid="class-pixels"]`)).toHaveText(`${n.toLocaleString('en-US')} px`);
    }
    await expect(inspector.locator('[data-kind="untagged"]')).toHaveText(`+ ${name(untaggedClass)}`);
    expect(await rows.count()).toBeGreaterThanOrEqual(counts.size - (counts.has(255) ? 1 : 0));
    await page.screenshot({ path: shot('review-inspector', vp) });
    expect(errors).toEqual([]);
  });

  test(`item 2: the default palette, the outline's halo, the class under the cursor (${vp.width}×${vp.height})`, async ({ page }) => {
    const errors = watchErrors(page);
    const p = fx.served.project;
    for (const c of p.listClasses()) expect(c.color).toBe(defaultClassColor(c.index));
    await page.setViewportSize(vp);
    const img = fx.images[3];
    const { labels, width, height } = currentLabels(p, img.id);
    // a pixel deep inside a class region, and a background one
    let inside: { x: number; y: number; label: number } | null = null;
    let bg: { x: number; y: number } | null = null;
    for (let y = 3; y < height - 3 && !inside; y++) {
      for (let x = 3; x < width - 3; x++) {
        const v = labels[y * width + x];
        let same = true;
        for (let dy = -3; dy <= 3 && same; dy++) for (let dx = -3; dx <= 3; dx++) if (labels[(y + dy) * width + x + dx] !== v) same = false;
        if (!same) continue;
        if (v !== 0 && v !== 255 && !inside) inside = { x, y, label: v };
        if (v === 0 && !bg) bg = { x, y };
        if (inside && bg) break;
      }
    }
    expect(inside && bg).toBeTruthy();
    await page.goto(`${fx.served.server.url}#/edit/${img.id}`);
    await expect(page.getByTestId('editor').getByRole('heading', { name: img.name })).toBeVisible();
    const cls = p.listClasses().find((c) => c.index === inside!.label)!;
    const under = page.getByTestId('class-under-cursor');
    const at = await screenPoint(page, inside!.x, inside!.y, width, height);
    await page.mouse.move(at.x, at.y);
    await expect(under).toHaveText(cls.name);
    const off = await screenPoint(page, bg!.x, bg!.y, width, height);
    await page.mouse.move(off.x, off.y);
    await expect(under).toHaveText('background');

    // outline mode: the class colour on the border, its halo (black or white) beside it
    await page.keyboard.press('o');
    await expect(page.getByRole('checkbox', { name: /Outline with halo/ })).toBeChecked();
    const [r, g, b] = parseHexColor(cls.color);
    const halo = contrastingBW([r, g, b]);
    const found = await page.locator('canvas.rs-labels').evaluate(
      (c, want) => {
        const cv = c as unknown as { width: number; height: number; getContext(k: '2d'): Ctx2d };
        const d = cv.getContext('2d').getImageData(0, 0, cv.width, cv.height).data;
        let line = 0;
        let halo = 0;
        let inner = 0;
        for (let k = 0; k < d.length; k += 4) {
          if (d[k] === want.line[0] && d[k + 1] === want.line[1] && d[k + 2] === want.line[2] && d[k + 3] === 255) line++;
          else if (d[k + 3] === 170 && d[k] === want.halo[0] && d[k + 1] === want.halo[1] && d[k + 2] === want.halo[2]) halo++;
        }
        const i = (want.y * cv.width + want.x) * 4;
        inner = d[i + 3];
        return { line, halo, inner };
      },
      { line: [r, g, b], halo, x: inside!.x, y: inside!.y },
    );
    expect(found.line).toBeGreaterThan(10);
    expect(found.halo).toBeGreaterThan(found.line / 2);
    expect(found.inner).toBe(0); // deep inside: clear, the image shows through
    await page.mouse.move(at.x, at.y);
    await page.screenshot({ path: shot('review-outline', vp) });
    expect(errors).toEqual([]);
  });
}
