// Jobs in the Generate panel, items 5 and 8 of the review issue, at 1440×900 and 1024×768
// on the demo scenes and the demo classifier: Cancel takes effect while the workers start,
// Resume finishes exactly the images the cancelled job did not do (one mask each, nothing
// redone), the job list shows the job and rolls it back. The panel's settings are the
// services' defaults (generationStatus) and its progress is the job's own record.
import { expect, test } from '@playwright/test';
import type { GenerationStatus } from '../../src/contract/generation.ts';
import type { Result } from '../../src/contract/api.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';
import { demoProject } from '../integration/jobs/fixture.ts';
import { watchErrors } from './fixture.ts';
import { shot, VIEWPORTS } from './review-fixture.ts';

const N = 6;
let served: ServedProject;
let tmp: ReturnType<typeof tempDir>;

test.beforeAll(async () => {
  tmp = tempDir('studio-e2e-review-jobs-');
  served = await serveProject(await demoProject(tmp.dir, N, 'project'));
});

test.afterAll(async () => {
  await served?.close();
  tmp?.cleanup();
});

for (const vp of VIEWPORTS) {
  test(`items 5 and 8: cancel while starting, resume exactly the rest, the job list and its rollback (${vp.width}×${vp.height})`, async ({ page }) => {
    test.setTimeout(240_000);
    const errors = watchErrors(page);
    const p = served.project;
    await page.setViewportSize(vp);
    await page.goto(served.server.url);
    await page.getByTestId('image-card').first().click();
    await page.getByTestId('open-generate').click();
    const panel = page.getByTestId('generate-panel');
    await expect(panel.getByTestId('model-select')).toContainText('tfjs/model.json');

    // item 8: the panel starts from the services' defaults, written nowhere else
    const res = await page.request.post(`${served.server.origin}/api/generationStatus?token=${served.server.token}`, { data: [] });
    const status = ((await res.json()) as Result<GenerationStatus>) as { ok: true; value: GenerationStatus };
    await expect(panel.getByTestId('bg-slider')).toHaveValue(String(status.value.defaults.mask.bg));
    await expect(panel.getByTestId('refine-select').getByRole('button', { pressed: true })).toHaveText(new RegExp(status.value.defaults.refine, 'i'));

    // Start, then Cancel at once: the job stops before its workers are up
    await panel.getByTestId('start-job').click();
    await panel.getByTestId('cancel-job').click();
    const state = panel.getByTestId('job-status');
    await expect(state).toHaveAttribute('data-state', 'cancelled', { timeout: 60_000 });
    const jobId = p.jobs.list().at(-1)!.id;
    const doneAtCancel = p.jobItems.counts(jobId).done;
    expect(doneAtCancel).toBeLessThan(N);
    const resume = panel.getByTestId('resume-job');
    await expect(resume).toHaveText(`Resume (${N - doneAtCancel})`);
    await page.screenshot({ path: shot('review-jobs-cancelled', vp) });

    // Resume: exactly the images left, with the job's own settings
    await resume.click();
    await expect(state).toHaveAttribute('data-state', 'done', { timeout: 180_000 });
    await expect(panel.getByTestId('job-count')).toHaveText(`${N} / ${N}`);
    // the progress bar is the job's record: done of total
    const bar = state.getByRole('progressbar');
    await expect(bar).toHaveAttribute('aria-valuenow', String(N));
    await expect(bar).toHaveAttribute('aria-valuemax', String(N));
    for (const img of p.images.all()) {
      const mine = p.masks.versions(img.id).filter((v) => v.provenance.jobId === jobId);
      expect(mine, img.name).toHaveLength(1);
    }

    // the job list: this job, done; roll it back from there
    const row = panel.locator(`[data-testid="job-row"][data-job="${jobId}"]`);
    await row.scrollIntoViewIfNeeded();
    await expect(row).toHaveAttribute('data-status', 'done');
    await expect(row).toContainText(`${N}/${N}`);
    await expect(row).toContainText('rcam @ layer2 τ_bg auto (×1.05), refine fast');
    await page.screenshot({ path: shot('review-jobs-list', vp) });
    await row.getByTestId('job-rollback').click();
    await row.getByTestId('confirm-rollback').click();
    await expect(row).toHaveAttribute('data-status', 'rolled-back');
    await expect(page.getByTestId('toast')).toContainText(`Rolled back job ${jobId}: ${N} masks removed`);
    for (const img of p.images.all()) expect(p.masks.currentVersion(img.id)).toBeNull();
    expect(errors).toEqual([]);
  });
}
