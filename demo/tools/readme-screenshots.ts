// `npx tsx demo/tools/readme-screenshots.ts`: the README's pictures, from the demo as a
// newcomer sees it — a fresh demo copy (temp folder), masks from a real job with the
// defaults, then docs/screenshot.png (the grid with its masks and the inspector) and
// docs/editor.png (the editor on one scene, outline mode, pointer over a class), both at
// 1440×900 in Debian's Chromium. Needs `npm run build` first. A developer tool, not a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJob } from '../../src/jobs/index.ts';
import { decodeLabelPng } from '../../src/project/png.ts';
import { openDemoCopy } from '../../src/services/demo.ts';
import { serveProject } from '../../src/server/session.ts';
import { launchChromium } from '../../test/helpers/browser.ts';

const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'rs-readme-'));
try {
  const { project } = await openDemoCopy(join(dir, 'demo'));
  const summary = await startJob(project, {}).done;
  console.log(`generated ${summary.done} masks in ${summary.seconds.toFixed(1)} s`);
  const served = await serveProject(project);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(served.server.url);
    await page.getByTestId('card-overlay').first().waitFor();
    const cards = page.getByTestId('image-card');
    await cards.nth(8).click();
    await page.getByTestId('masked-labels').waitFor();
    await page.waitForTimeout(1500); // the overlays and badges of the whole screen
    await page.screenshot({ path: join(DOCS, 'screenshot.png') });

    // the editor: scene 1, outlines, the pointer over a class (its name in the status line)
    const img = project.allImages({ sort: 'name' })[1];
    await page.goto(`${served.server.url}#/edit/${img.id}`);
    await page.getByTestId('editor-status').waitFor();
    await page.keyboard.press('o');
    const m = decodeLabelPng(project.currentMask(img.id)!.png);
    let at = m.labels.findIndex((v, i) => v !== 0 && v !== 255 && m.labels[i + 3] === v && m.labels[i + 3 * m.width] === v);
    if (at < 0) at = 0;
    const box = (await page.locator('.rs-stage').boundingBox())!;
    await page.mouse.move(box.x + (((at % m.width) + 2) * box.width) / m.width, box.y + ((Math.floor(at / m.width) + 2) * box.height) / m.height);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(DOCS, 'editor.png') });
    console.log(`wrote ${join(DOCS, 'screenshot.png')} and ${join(DOCS, 'editor.png')}`);
  } finally {
    await browser.close();
    await served.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
