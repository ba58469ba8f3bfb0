// scratch: serve a generated demo project and screenshot views at several sizes
import { serveProject } from '../src/server/session.ts';
import { launchChromium } from '../test/helpers/browser.ts';
import { generatedProject } from '../test/e2e/generated-fixture.ts';

const n = Number(process.argv[2] ?? 24);
const { project, images, cleanup } = await generatedProject(n, 'look-');
const served = await serveProject(project);
const browser = await launchChromium();
const sizes = (process.argv[3] ?? '1440x900,1280x720,1024x768').split(',').map((s) => s.split('x').map(Number));
try {
  for (const [w, h] of sizes) {
    const page = await browser.newPage({ viewport: { width: w, height: h } });
    page.on('console', (m) => m.type() === 'error' && console.log('console:', m.text()));
    page.on('pageerror', (e) => console.log('pageerror:', e.message));
    await page.goto(served.server.url);
    await page.getByTestId('image-card').first().waitFor();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `/tmp/rv/grid-${w}.png` });
    await page.getByTestId('image-card').nth(1).click();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: `/tmp/rv/inspector-${w}.png` });
    await page.goto(`${served.server.origin}/#/edit/${images[1].id}`);
    await page.reload();
    await page.getByTestId('editor').waitFor();
    await page.waitForTimeout(1500);
    const box = (await page.getByTestId('editor-canvas').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `/tmp/rv/editor-${w}.png` });
    await page.goto(`${served.server.origin}/#/compare/${images[1].id}`);
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `/tmp/rv/compare-${w}.png` });
    await page.goto(`${served.server.origin}/#/`);
    await page.getByTestId('image-card').first().waitFor();
    await page.getByTestId('image-card').nth(2).click();
    await page.getByTestId('open-generate').click();
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `/tmp/rv/drawer-${w}.png` });
    await page.keyboard.press('Escape');
    await page.getByTestId('open-export').click();
    await page.waitForTimeout(800);
    await page.screenshot({ path: `/tmp/rv/export-${w}.png` });
    await page.close();
  }
} finally {
  await browser.close();
  await served.close();
  cleanup();
}
