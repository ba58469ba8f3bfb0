// `npm run bench -- editor-ui`: the mask editor in Debian's Chromium (browser mode).
// 1. JS time per pointer event while painting a 4096×4096 image (the 'editor-pointer'
//    performance measure the canvas host records around core + dirty-rect repaint, per
//    pointermove incl. its coalesced samples) at two brush sizes, mask layer filled and
//    outline mode. Paint/composite time is not included (it happens after the handler).
// 2. Opening the next 2048×2048 JPEG ('editor-open': from the command until the image is
//    decoded and its mask painted), first open and prefetched next/previous.
// 3. The smart region tool on a 2048×2048 image (see smartRegionClicks).
// Headless Chromium with --disable-gpu; other sessions share the CPU, so compare within a run.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import type { Page } from '@playwright/test';
import { createProject } from '../../src/project/index.ts';
import { serveProject } from '../../src/server/session.ts';
import { tempDir, writeJpeg } from '../helpers/images.ts';
import { launchChromium } from '../helpers/browser.ts';

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const ENTRIES = (name: string) => `performance.getEntriesByName(${JSON.stringify(name)}).map((e) => e.duration)`;
const CLEAR = (name: string) => `performance.clearMeasures(${JSON.stringify(name)})`;

/** Polls through page.evaluate (waitForFunction would eval in the page, which its CSP refuses). */
async function waitForEntries(page: Page, name: string, n: number): Promise<void> {
  for (let k = 0; k < 600; k++) {
    if (((await page.evaluate(ENTRIES(name))) as number[]).length >= n) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no '${name}' measure after 30 s`);
}

async function strokes(page: Page, n: number): Promise<void> {
  const box = (await page.getByTestId('editor-canvas').boundingBox())!;
  for (let s = 0; s < n; s++) {
    const y0 = box.y + 80 + s * 40;
    await page.mouse.move(box.x + 100, y0);
    await page.mouse.down();
    for (let k = 1; k <= 60; k++) await page.mouse.move(box.x + 100 + k * 10, y0 + Math.sin(k / 6) * 30);
    await page.mouse.up();
  }
}

export async function run(): Promise<void> {
  const tmp = tempDir('studio-bench-editor-');
  try {
    const data = join(tmp.dir, 'data');
    await writeJpeg(join(data, 'big', 'a_4096.jpg'), { width: 4096, height: 4096, seed: 1 });
    for (let k = 0; k < 4; k++) await writeJpeg(join(data, 'big', `b_2048_${k}.jpg`), { width: 2048, height: 2048, seed: 2 + k });
    await writeObjectJpeg(join(data, 'big', 'c_object_2048.jpg'));
    const project = createProject(join(tmp.dir, 'p'), { name: 'bench' });
    await project.importDataset(data, { layout: 'folders' });
    const ids = project.listImages({ offset: 0, limit: 10, sort: 'name' }).items.map((i) => i.id);
    const served = await serveProject(project);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
      await page.goto(served.server.url);
      await page.getByTestId('image-card').first().waitFor();
      await page.goto(`${served.server.origin}/#/edit/${ids[0]}`);
      await page.getByRole('heading', { name: 'big/a_4096.jpg' }).waitFor();
      await waitForEntries(page, 'editor-open', 1);

      console.log('| 4096×4096, per pointer event (JS: core + dirty repaint) | events | median ms | p95 ms | max ms |');
      console.log('|---|---|---|---|---|');
      const sizes: [string, number][] = [
        ['brush 16 px (default)', 0],
        ['brush ~120 px', 14],
      ];
      for (const [label, steps] of sizes) {
        for (let k = 0; k < steps; k++) await page.keyboard.press(']');
        for (const n of ['editor-pointer', 'editor-pointer-down', 'editor-pointer-up']) await page.evaluate(CLEAR(n));
        await strokes(page, 4);
        for (const [n, what] of [['editor-pointer', 'move'], ['editor-pointer-down', 'down'], ['editor-pointer-up', 'up (commit)']]) {
          const t = (await page.evaluate(ENTRIES(n))) as number[];
          console.log(`| ${label}: ${what} | ${t.length} | ${pct(t, 50).toFixed(2)} | ${pct(t, 95).toFixed(2)} | ${Math.max(...t).toFixed(2)} |`);
        }
      }
      await page.keyboard.press('o');
      await page.evaluate(CLEAR('editor-pointer'));
      await strokes(page, 4);
      const o = (await page.evaluate(ENTRIES('editor-pointer'))) as number[];
      console.log(`| brush ~120 px, outline mode | ${o.length} | ${pct(o, 50).toFixed(2)} | ${pct(o, 95).toFixed(2)} | ${Math.max(...o).toFixed(2)} |`);
      await page.keyboard.press('o');
      await page.getByTestId('save-state').getByText('Saved').waitFor({ timeout: 60_000 });

      // open-next: 2048² JPEGs; the first is a cold open, later ones were prefetched
      await page.evaluate(CLEAR('editor-open'));
      const opens: { label: string; ms: number }[] = [];
      for (let k = 1; k <= 4; k++) {
        await page.keyboard.press('n');
        await page.getByRole('heading', { name: `big/b_2048_${k - 1}.jpg` }).waitFor();
        await waitForEntries(page, 'editor-open', k);
        const all = (await page.evaluate(ENTRIES('editor-open'))) as number[];
        opens.push({ label: k === 1 ? 'from the 4096² image (cold)' : 'prefetched next', ms: all[all.length - 1] });
      }
      console.log('\n| open next image (2048×2048 JPEG, to decoded + mask painted) | ms |');
      console.log('|---|---|');
      for (const o2 of opens) console.log(`| ${o2.label} | ${o2.ms.toFixed(0)} |`);
      await page.keyboard.press('n');
      await page.getByRole('heading', { name: 'big/c_object_2048.jpg' }).waitFor();
      await smartRegionClicks(page);
    } finally {
      await browser.close();
      await served.close();
    }
  } finally {
    tmp.cleanup();
  }
}

/** 2048² JPEG: a warm ellipse (≈ 22 % of the image) on a noisy cool background, seeded */
async function writeObjectJpeg(file: string): Promise<void> {
  const S = 2048;
  const px = Buffer.alloc(S * S * 3);
  let s = 5;
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const inside = ((x - 1000) / 620) ** 2 + ((y - 1060) / 460) ** 2 <= 1;
      const c = inside ? [205, 120, 60] : [70, 105, 150];
      for (let k = 0; k < 3; k++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        px[(y * S + x) * 3 + k] = Math.max(0, Math.min(255, c[k] + ((s >>> 24) - 128) / 4));
      }
    }
  }
  mkdirSync(dirname(file), { recursive: true });
  await sharp(px, { raw: { width: S, height: S, channels: 3 } }).jpeg({ quality: 90 }).toFile(file);
}

/** pointermove then pointerdown/up at a client point in one task (no frame between: the click computes its region itself) */
const CLICK_AT = (x: number, y: number) => `(() => {
  const root = document.querySelector('.rs-canvas-root');
  const o = { clientX: ${x}, clientY: ${y}, bubbles: true, pointerId: 1, button: 0, buttons: 1, isPrimary: true };
  root.dispatchEvent(new PointerEvent('pointermove', { ...o, buttons: 0 }));
  root.dispatchEvent(new PointerEvent('pointerdown', o));
  root.dispatchEvent(new PointerEvent('pointerup', { ...o, buttons: 0 }));
})()`;

/**
 * 3. The smart region on a 2048×2048 image of one object with no mask yet: clicks inside the
 *    object label it (≈ 0.9 M pixels each). Reading the pixels and preparing the working
 *    image (first use), the region behind the hover preview, and a click — with its preview
 *    ready, and without one (the region computed inside pointer-down) — against a
 *    flood-fill click at the same points (which fills the whole image: no mask to stop it).
 */
async function smartRegionClicks(page: Page): Promise<void> {
  // points inside the ellipse (the canvas shows the whole image, fitted and centred)
  const stage = (await page.locator('.rs-stage').boundingBox())!;
  const points = Array.from({ length: 8 }, (_, k) => ({ x: stage.x + stage.width * ((1000 + 400 * Math.cos(k * 0.8)) / 2048), y: stage.y + stage.height * ((1060 + 280 * Math.sin(k * 0.8)) / 2048) }));
  const names = ['editor-pointer-down', 'smart-region', 'smart-region-prepare'];
  for (const n of names) await page.evaluate(CLEAR(n));
  const rows: { label: string; t: number[] }[] = [];

  await page.keyboard.press('f');
  for (const p of points) {
    await page.evaluate(CLICK_AT(p.x, p.y));
    await page.keyboard.press('Control+z');
  }
  rows.push({ label: 'flood fill click (baseline: fills the whole image)', t: (await page.evaluate(ENTRIES('editor-pointer-down'))) as number[] });

  await page.keyboard.press('s');
  await page.mouse.move(points[0].x - 20, points[0].y);
  await waitForEntries(page, 'smart-region-prepare', 1);
  await waitForEntries(page, 'smart-region', 1);
  rows.push({ label: 'first use: read the pixels, prepare the working image', t: (await page.evaluate(ENTRIES('smart-region-prepare'))) as number[] });

  await page.evaluate(CLEAR('editor-pointer-down'));
  await page.evaluate(CLEAR('smart-region'));
  for (const [k, p] of points.entries()) {
    await page.mouse.move(p.x, p.y);
    await waitForEntries(page, 'smart-region', k + 1);
    await page.mouse.down();
    await page.mouse.up();
    await page.keyboard.press('Control+z');
  }
  rows.push({ label: 'region for the hover preview (kernel)', t: (await page.evaluate(ENTRIES('smart-region'))) as number[] });
  rows.push({ label: 'click with the preview ready', t: (await page.evaluate(ENTRIES('editor-pointer-down'))) as number[] });

  await page.evaluate(CLEAR('editor-pointer-down'));
  for (const p of points) {
    await page.evaluate(CLICK_AT(p.x + 7, p.y + 5));
    await page.keyboard.press('Control+z');
  }
  rows.push({ label: '**click without a preview (region computed in the click)**', t: (await page.evaluate(ENTRIES('editor-pointer-down'))) as number[] });

  const base = pct(rows[0].t, 50);
  console.log('\n| smart region, 2048×2048 (JS time) | n | median ms | p95 ms | max ms | × flood fill click |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.label} | ${r.t.length} | ${pct(r.t, 50).toFixed(1)} | ${pct(r.t, 95).toFixed(1)} | ${Math.max(...r.t).toFixed(1)} | ${(pct(r.t, 50) / base).toFixed(2)} |`);
}
