// The Generate panel's calibration card in browser mode, on a real project: 8 demo scenes,
// the demo classifier, a finished job at a poor fixed τ and three masks a person fixed (the
// scenes' ground truth). τ per image is the default and shows the previewed image's τ; the
// slider sets one τ for all; "Propose" finds a better recipe from the fixes and the
// re-refine rebuilds only the unreviewed masks. Screenshots at 1440×900 and 1024×768.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { servedDemoProject, watchErrors } from './fixture.ts';
import { startJob } from '../../src/jobs/index.ts';
import { decodeLabelPng, encodeLabelPng } from '../../src/project/png.ts';
import { DEMO } from '../integration/jobs/fixture.ts';

const N = 8;
const FIXED = 3;
let human: Map<number, Buffer>;

const spec = servedDemoProject(N, 'studio-e2e-calibrate-', async (project) => {
  const s = await startJob(project, { mask: { bg: 0.15 }, refine: 'none' }, { workers: 1 }).done;
  if (s.state !== 'done') throw new Error(`fixture job: ${JSON.stringify(s)}`);
  human = new Map();
  for (const img of [...project.images.all()].slice(0, FIXED)) {
    const t = decodeLabelPng(readFileSync(path.join(DEMO, 'dataset', 'SegmentationClass', `${path.basename(img.name, '.jpg')}.png`)));
    project.maskWrites.edited(img.id, encodeLabelPng(t.labels, t.width, t.height));
    human.set(img.id, Buffer.from(project.masks.current(img.id)!.png));
  }
});

test('τ per image by default; learn from the fixes and re-refine the unreviewed masks', async ({ page }) => {
  test.setTimeout(180_000);
  const errors = watchErrors(page);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(spec.served.server.url);
  await expect(page.getByTestId('image-card')).toHaveCount(N);
  await page.getByTestId('image-card').nth(4).click();
  await page.getByTestId('open-generate').click();
  const panel = page.getByTestId('generate-panel');
  const card = panel.getByTestId('calibrate-card');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('bg-per-image')).toHaveAttribute('aria-pressed', 'true');
  // the rule's τ for the previewed image, also on the slider
  await expect(card.getByTestId('bg-mode-note')).toContainText(/τ 0\.\d\d on the previewed image/, { timeout: 60_000 });
  const shown = (await card.getByTestId('bg-mode-note').innerText()).match(/τ (0\.\d\d)/)![1];
  await expect(panel.getByTestId('bg-slider')).toHaveValue(String(Number(shown)));

  await card.getByTestId('propose-fixes').click();
  const result = card.getByTestId('fixes-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result).toContainText(`Job 1 · ${FIXED} fixed masks`);
  await expect(result).toContainText('now Raw CAM · τ 0.15');
  await expect(card.getByTestId('fixes-gain')).toContainText(/mIoU 0\.\d\d → 0\.\d\d \(\+0\.\d\d\)/);
  await card.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/calibrate-1440.png', animations: 'disabled' });
  await page.setViewportSize({ width: 1024, height: 768 });
  await card.getByTestId('apply-fixes').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/calibrate-1024.png', animations: 'disabled' });

  await card.getByTestId('apply-fixes').click();
  await expect(card.getByTestId('fixes-applied')).toContainText(`re-refines ${N - FIXED} images`);
  await expect(panel.getByTestId('job-status')).toHaveAttribute('data-state', 'done', { timeout: 120_000 });
  const { project } = spec.made;
  for (const img of project.images.all()) {
    const cur = project.masks.current(img.id)!;
    if (human.has(img.id)) expect(Buffer.from(cur.png).equals(human.get(img.id)!)).toBe(true);
    else expect(cur.version.provenance.jobId).toBe(2);
  }

  // moving the slider by hand sets one τ for every image
  await panel.getByTestId('bg-slider').fill('0.5');
  await expect(card.getByTestId('bg-fixed')).toHaveAttribute('aria-pressed', 'true');
  await expect(card.getByTestId('bg-mode-note')).toContainText('Every image is cut at the slider’s τ (0.50)');
  expect(errors).toEqual([]);
});
