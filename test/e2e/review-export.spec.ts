// The Export dialog, item 7 of the review issue, at 1440×900 and 1024×768 on the demo
// scenes (masks from a real job on all but the last, one image rejected): the dialog lists
// what it leaves out and why before it runs, proposes a minimum region for COCO and YOLO,
// copies the images on request, and does not run an export with nothing to write.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startJob } from '../../src/jobs/index.ts';
import { DEFAULT_EXPORT_MIN_AREA } from '../../src/contract/export.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';
import { demoProject } from '../integration/jobs/fixture.ts';
import { watchErrors } from './fixture.ts';
import { shot, VIEWPORTS } from './review-fixture.ts';

const N = 6;
let served: ServedProject;
let tmp: ReturnType<typeof tempDir>;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  tmp = tempDir('studio-e2e-review-export-');
  const p = await demoProject(tmp.dir, N, 'project');
  const ids = p.allImages().map((i) => i.id);
  const s = await startJob(p, { selection: { kind: 'ids', ids: ids.slice(0, N - 1) } }, { workers: 1 }).done;
  if (s.done !== N - 1) throw new Error(`fixture generation: ${JSON.stringify(s)}`);
  p.setStatus(ids[0], 'rejected');
  served = await serveProject(p);
});

test.afterAll(async () => {
  await served?.close();
  tmp?.cleanup();
});

for (const vp of VIEWPORTS) {
  test(`item 7: what is left out and why, copy images, the minimum region, nothing to write (${vp.width}×${vp.height})`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.setViewportSize(vp);
    await page.goto(served.server.url);
    await page.getByTestId('open-export').click();
    const dialog = page.getByTestId('export-dialog');
    const plan = dialog.getByTestId('export-plan');
    await expect(plan).toContainText('1 rejected');
    await expect(plan).toContainText('1 without a mask');
    await expect(dialog.getByTestId('export-count')).toHaveText(`${N - 2} images to write`);
    await plan.getByText('rejected').click();
    await expect(plan).toContainText(served.project.allImages()[0].name);
    await page.screenshot({ path: shot('review-export', vp) });

    // COCO and YOLO leave out specks by default; VOC and YOLO can copy the images
    await dialog.getByRole('radio', { name: /COCO/ }).click();
    await expect(dialog.getByTestId('min-area')).toBeChecked();
    await expect(dialog.getByRole('spinbutton', { name: 'Minimum region in pixels' })).toHaveValue(String(DEFAULT_EXPORT_MIN_AREA));
    await expect(dialog.getByTestId('copy-images')).toHaveCount(0);
    await dialog.getByRole('radio', { name: /YOLO/ }).click();
    await dialog.getByTestId('copy-images').check();
    const out = path.join(tmp.dir, `yolo-${vp.width}`);
    await dialog.getByTestId('export-folder').fill(out);
    await dialog.getByTestId('export-run').click();
    const result = dialog.getByTestId('export-result');
    await expect(result).toContainText(`${N - 2} images exported as YOLO-seg`);
    await expect(dialog.getByTestId('export-left-out')).toHaveText('Left out by the settings: 1 rejected, 1 without a mask');
    const copied = readdirSync(path.join(out, 'images')).flatMap((split) => readdirSync(path.join(out, 'images', split)));
    expect(copied).toHaveLength(N - 2);
    await page.screenshot({ path: shot('review-export-done', vp) });

    // approved only, and nothing is approved: nothing to write, so no export runs
    await dialog.getByRole('button', { name: 'Export again' }).click();
    await dialog.getByRole('checkbox', { name: 'Approved only' }).check();
    await expect(dialog.getByTestId('export-nothing')).toHaveText('Nothing to export with these settings');
    await expect(dialog.getByTestId('export-run')).toBeDisabled();
    await expect(plan).toContainText(`${N - 1} not approved`); // the one without a mask is not approved either
    await page.screenshot({ path: shot('review-export-nothing', vp) });
    expect(existsSync(path.join(tmp.dir, 'nothing'))).toBe(false);
    expect(errors).toEqual([]);
  });
}
