// The Generate panel after a crash: a job whose process died mid-way (one image committed,
// the job still marked running) shows as stopped, with what Start resumes — not as no job.
// Screenshots at 1440×900 and 1024×768 go to test-results/.
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { watchErrors } from './fixture.ts';
import { commitImage } from '../../src/jobs/commit.ts';
import { createOrResume, generationParams } from '../../src/jobs/index.ts';
import { serveProject, type ServedProject } from '../../src/server/session.ts';
import { tempDir } from '../helpers/images.ts';
import { demoProject } from '../integration/jobs/fixture.ts';

let served: ServedProject;
let tmp: ReturnType<typeof tempDir>;
let jobId: number;

test.beforeAll(async () => {
  tmp = tempDir('studio-e2e-stopped-');
  const project = await demoProject(tmp.dir, 4, 'project');
  const { job } = createOrResume(project, generationParams(project, {}));
  jobId = job.id;
  // what a killed run leaves behind
  const first = project.jobItems.list(job.id)[0].imageId;
  commitImage(project, { jobId: job.id, modelHash: 'h', camMethod: 'rcam', layer: 'layer2', thresholds: {} }, { imageId: first, cams: [], storeCams: false, png: null });
  project.jobs.setStatus(job.id, 'running', new Date().toISOString());
  served = await serveProject(project);
});

test.afterAll(async () => {
  await served?.close();
  tmp?.cleanup();
});

for (const [w, h] of [[1440, 900], [1024, 768]] as const) {
  test(`a job stopped by a crash shows as stopped with what Start resumes (${w}×${h})`, async ({ page }) => {
    const errors = watchErrors(page);
    await page.setViewportSize({ width: w, height: h });
    await page.goto(served.server.url);
    await expect(page.getByTestId('image-card')).toHaveCount(4);
    await page.getByTestId('open-generate').click();
    const status = page.getByTestId('job-status');
    await expect(status).toHaveAttribute('data-state', 'paused');
    await expect(status).toContainText('Stopped before it finished');
    await expect(page.getByTestId('job-count')).toHaveText('1 / 4');
    await expect(status).toContainText(`job ${jobId} stopped before it finished; Resume finishes the 3 images left`);
    await expect(page.getByTestId('resume-job')).toHaveText(/Resume \(3\)/);
    await expect(page.getByTestId('start-job')).toBeEnabled();
    await page.screenshot({ path: path.join('test-results', `stopped-job-${w}x${h}.png`) });
    expect(errors).toEqual([]);
  });
}
