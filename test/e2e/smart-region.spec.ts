// The smart region tool in the editor, end to end: a real PNG (an ellipse on a noisy
// background) whose stored mask labels half the object and spills into the background.
// Hovering shows the region a click would label; a click labels the missing half; a
// Shift-click takes the spill back to background; each click is one undo step. Screenshots
// (hover preview, after the clicks) at 1440×900 and 1024×768 go to test-results/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { encodeFloat16 } from '../../src/masks/float16.ts';
import { createProject } from '../../src/project/index.ts';
import { decodeLabelPng, encodeLabelPng } from '../../src/project/png.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';
import { watchErrors } from './fixture.ts';

const W = 320;
const H = 200;
const object = (x: number, y: number) => ((x + 0.5 - 150) / 70) ** 2 + ((y + 0.5 - 100) / 55) ** 2 <= 1;
const spill = (x: number, y: number) => x >= 200 && x < 270 && y >= 80 && y < 120 && !object(x, y);

let served: ServedProject;
let cleanup: () => void;
let cls: number;
/** one copy of the scene per viewport, each starting from the generated mask */
const VIEWPORTS = [
  { width: 1440, height: 900, file: 'scene_a.png' },
  { width: 1024, height: 768, file: 'scene_b.png' },
];
const imageIds = new Map<string, number>();

test.beforeAll(async () => {
  const tmp = tempDir('studio-e2e-smart-');
  cleanup = tmp.cleanup;
  const data = join(tmp.dir, 'data');
  mkdirSync(join(data, 'coat'), { recursive: true });
  // a warm ellipse on a cool, noisy background (seeded, so every run sees the same pixels)
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const rgb = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const c = object(x, y) ? [205, 120, 60] : [70, 105, 150];
      for (let k = 0; k < 3; k++) rgb[(y * W + x) * 3 + k] = Math.max(0, Math.min(255, c[k] + Math.round((rnd() - 0.5) * 50)));
    }
  }
  for (const v of VIEWPORTS) await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toFile(join(data, 'coat', v.file));
  const project = createProject(join(tmp.dir, 'project'), { name: 'smart region' });
  await project.importDataset(data, { layout: 'folders' });
  cls = project.classes.indexOf('coat')!;
  // the generated mask: the object's left half, and a spill to the right of it
  const mask = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if ((object(x, y) && x < 150) || spill(x, y)) mask[y * W + x] = cls;
  // a stored CAM over the object, as a job leaves it
  const cam = Float32Array.from({ length: 20 * 13 }, (_, i) => (object(((i % 20) + 0.5) * 16, (Math.floor(i / 20) + 0.5) * (H / 13)) ? 1 : 0.1));
  for (const img of project.listImages({ offset: 0, limit: 10 }).items) {
    imageIds.set(img.name, img.id);
    project.saveMask(img.id, encodeLabelPng(mask, W, H), { source: 'generated', method: 'rcam', layer: 'layer2' });
    project.cams.put({ imageId: img.id, classIndex: cls, modelHash: 'fixture', method: 'rcam', layer: 'layer2', h: 13, w: 20, data: encodeFloat16(cam) }, new Date().toISOString());
  }
  served = await serveProject(project);
});

test.afterAll(async () => {
  await served?.close();
  cleanup?.();
});

function currentMaskOf(imageId: number): Uint8Array {
  return decodeLabelPng(served.project.currentMask(imageId)!.png).labels;
}

/** IoU of the mask's class pixels with the true object */
function objectIoU(m: Uint8Array): number {
  let i = 0;
  let u = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const a = m[y * W + x] === cls;
      const b = object(x, y);
      if (a && b) i++;
      if (a || b) u++;
    }
  }
  return i / u;
}

/** screen position of image pixel (x, y) */
async function at(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.rs-stage').boundingBox())!;
  return { x: box.x + ((x + 0.5) / W) * box.width, y: box.y + ((y + 0.5) / H) * box.height };
}

/** the overlay's alpha at a screen point (the preview layer is drawn there) */
async function overlayAlpha(page: Page, p: { x: number; y: number }): Promise<number> {
  const box = (await page.locator('.rs-overlay').boundingBox())!;
  return page.evaluate(
    `(() => { const c = document.querySelector('.rs-overlay'); const d = window.devicePixelRatio || 1;
      return c.getContext('2d').getImageData(Math.round(${p.x - box.x} * d), Math.round(${p.y - box.y} * d), 1, 1).data[3]; })()`,
  ) as Promise<number>;
}

// image decoding, two region computations and four saves: slow on a loaded 2-core machine
test.setTimeout(480_000);
// saves land late on a loaded machine: poll the database for longer than the default 5 s
const SLOW = { timeout: 60_000 };

for (const viewport of VIEWPORTS) {
  test(`hover preview, click, Shift-click and undo at ${viewport.width}×${viewport.height}`, async ({ page }) => {
    const name = `coat/${viewport.file}`;
    const imageId = imageIds.get(name)!;
    const currentMask = () => currentMaskOf(imageId);
    const errors = watchErrors(page);
    await page.setViewportSize({ width: viewport.width, height: viewport.height });
    await page.goto(`${served.server.url}#/edit/${imageId}`);
    const editor = page.getByTestId('editor');
    await expect(editor.getByRole('heading', { name })).toBeVisible();
    const start = currentMask();
    expect(objectIoU(start)).toBeLessThan(0.6);

    await page.keyboard.press('s');
    const tool = page.getByRole('toolbar', { name: 'Tools' }).getByRole('button', { name: 'Smart region', exact: true });
    await expect(tool).toHaveAttribute('aria-pressed', 'true');
    await expect(tool).toHaveAttribute('title', /^Smart region \(S\)/);

    // hover over the unlabelled half: the preview covers it, not the background beside it
    const inside = await at(page, 185, 100);
    await page.mouse.move(inside.x, inside.y);
    const elsewhere = await at(page, 170, 70);
    await expect.poll(() => overlayAlpha(page, elsewhere), SLOW).toBeGreaterThan(0);
    expect(await overlayAlpha(page, await at(page, 40, 20))).toBe(0);
    expect(currentMask()).toEqual(start);
    await page.screenshot({ path: `test-results/smart-region-hover-${viewport.width}.png` });

    // click: the missing half joins the object, as one step
    await page.mouse.down();
    await page.mouse.up();
    await expect(page.getByTestId('save-state')).toHaveText('Saved', SLOW);
    await expect.poll(() => objectIoU(currentMask()), SLOW).toBeGreaterThan(0.75);
    const afterClick = currentMask();
    for (let p = 0; p < W * H; p++) if (afterClick[p] !== start[p]) expect(object(p % W, Math.floor(p / W)) || afterClick[p] === cls).toBe(true);

    // Shift-click on the spill: back to background, the object kept
    const onSpill = await at(page, 250, 100);
    await page.keyboard.down('Shift');
    await page.mouse.move(onSpill.x, onSpill.y);
    await expect.poll(() => overlayAlpha(page, onSpill), SLOW).toBeGreaterThan(0);
    await page.screenshot({ path: `test-results/smart-region-shift-${viewport.width}.png` });
    await page.mouse.down();
    await page.mouse.up();
    await page.keyboard.up('Shift');
    await expect(page.getByTestId('save-state')).toHaveText('Saved', SLOW);
    await expect.poll(() => objectIoU(currentMask()), SLOW).toBeGreaterThan(0.9);
    const fixed = currentMask();
    let spillLeft = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (spill(x, y) && fixed[y * W + x] === cls) spillLeft++;
    expect(spillLeft).toBeLessThan(50);
    await page.mouse.move(5, 5);
    await page.screenshot({ path: `test-results/smart-region-fixed-${viewport.width}.png` });

    // each click is one undo step
    await page.keyboard.press('Control+z');
    await expect.poll(() => currentMask(), SLOW).toEqual(afterClick);
    await page.keyboard.press('Control+z');
    await expect.poll(() => currentMask(), SLOW).toEqual(start);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => currentMask(), SLOW).toEqual(afterClick);
    expect(errors).toEqual([]);
  });
}
