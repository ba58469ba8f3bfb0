// The compare view, item 4 of the review issue, at 1440×900 and 1024×768 on masks a real
// job generated: a method not generated yet is generated from the view (the job API, this
// image only, its working mask untouched), any method's mask becomes the current one in
// one click and Undo brings the previous back, the previews are as large as the window
// allows, and the reference is explained — an approved mask a method made is that
// method's reference, not a 100 % IoU against itself.
import { expect, test } from '@playwright/test';
import { watchErrors } from './fixture.ts';
import { servedGenerated, shot, VIEWPORTS } from './review-fixture.ts';

const fx = servedGenerated(4, 'studio-e2e-review-compare-');

for (const [k, vp] of VIEWPORTS.entries()) {
  test(`item 4: generate a missing method, adopt its mask (undoable), large previews, the reference explained (${vp.width}×${vp.height})`, async ({ page }) => {
    test.setTimeout(180_000);
    const errors = watchErrors(page);
    const p = fx.served.project;
    const img = fx.images[k];
    const working = p.masks.currentVersion(img.id)!;
    await page.setViewportSize(vp);
    await page.goto(`${fx.served.server.url}#/compare/${img.id}`);
    const card = (m: string) => page.locator(`[data-testid="cam-card"][data-method="${m}"]`);
    await expect(card('rcam').locator('canvas.mask')).toBeVisible();
    await expect(card('scorecam')).toContainText('Not generated yet');
    await expect(page.getByTestId('compare-reference')).toContainText('No IoU: this image has no ground truth, approved or imported mask');
    // as large as the window allows: all five cards on screen, the figures well above a thumbnail
    const fig = (await card('rcam').locator('figure').first().boundingBox())!;
    expect(fig.width).toBeGreaterThanOrEqual(vp.width >= 1440 ? 200 : 140);
    for (const m of ['rcam', 'gradcam', 'gradcampp', 'layercam', 'scorecam']) {
      const b = (await card(m).boundingBox())!;
      expect(b.y + b.height, m).toBeLessThanOrEqual(vp.height);
    }

    // generate gradcam from here: its CAMs come, the working mask stays
    await card('gradcam').getByTestId('generate-method').click();
    await expect(card('gradcam').locator('canvas.mask')).toBeVisible({ timeout: 120_000 });
    expect(p.masks.currentVersion(img.id)!.id).toBe(working.id);
    expect(p.masks.versions(img.id).some((v) => !v.current && v.provenance.method === 'gradcam')).toBe(true);
    await page.screenshot({ path: shot('review-compare', vp) });

    // adopt gradcam's mask: current now, with its recipe (the same labels as the version
    // its job stored, so that version, unedited); Undo: the previous one
    await card('gradcam').getByTestId('adopt-mask').click();
    await expect(page.getByTestId('compare-note')).toContainText("gradcam's mask (layer2, fast, τ 0.40) is now the current mask");
    await expect.poll(() => p.masks.currentVersion(img.id)!.provenance).toMatchObject({ method: 'gradcam', layer: 'layer2', thresholds: { bg: 0.4 } });
    // at another τ it is a mask of its own: a new version, 'edited' (a person chose it)
    const beforeSecond = p.masks.currentVersion(img.id)!.id;
    await page.getByRole('slider', { name: 'Background threshold' }).fill('0.3');
    await card('gradcam').getByTestId('adopt-mask').click();
    await expect(page.getByTestId('compare-note')).toContainText("gradcam's mask (layer2, fast, τ 0.30) is now the current mask");
    await expect.poll(() => p.masks.currentVersion(img.id)!.provenance).toMatchObject({ source: 'edited', method: 'gradcam', thresholds: { bg: 0.3 } });
    await page.getByTestId('undo-adopt').click();
    await expect(page.getByTestId('compare-note')).toContainText('The previous mask is current again');
    await expect.poll(() => p.masks.currentVersion(img.id)!.id).toBe(beforeSecond);

    // approved as generated (the job's rcam mask current again): rcam's card is the
    // reference itself; gradcam is scored against it
    p.maskWrites.restore(img.id, working.id);
    p.setStatus(img.id, 'approved');
    await page.reload();
    await expect(page.getByTestId('compare-reference')).toContainText('the approved mask, made by rcam at layer2 and not edited');
    await expect(card('rcam').locator('.ref')).toHaveText('reference');
    await expect(card('rcam').locator('.iou')).toHaveCount(0);
    await expect(card('gradcam').locator('.iou')).toHaveText(/^IoU \d+\.\d$/);
    await page.screenshot({ path: shot('review-compare-approved', vp) });
    expect(errors).toEqual([]);
  });
}
