// The Generate panel after a crash, and beside another studio: a job stopped mid-way (its
// process killed) shows as stopped with what Start would resume, not as no job at all; and
// Start while another process runs a job of the project is refused at once with that
// process named, never answered "resumed" for a job that then fails.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { GenerationRequest, GenerationStatus } from '../../../src/contract/generation.ts';
import { commitImage } from '../../../src/jobs/commit.ts';
import { createOrResume, generationParams } from '../../../src/jobs/index.ts';
import type { Project } from '../../../src/project/index.ts';
import { closeGenerationServices, createGenerationService } from '../../../src/services/generation.ts';
import { dispatch } from '../../../src/services/index.ts';
import { ROOT, demoProject } from '../jobs/fixture.ts';
import { killedAfterEach, scratchEach } from '../../helpers/scratch.ts';

const REQ: GenerationRequest = { method: 'rcam', layer: 'layer2', mask: { bg: 0.2, ignoreBand: 0, minArea: 0, fillHoles: false }, selection: { kind: 'all' } };

let p: Project;
scratchEach('gen-unfinished-', async (dir) => {
  p = await demoProject(dir, 3);
  return async () => {
    await closeGenerationServices(p);
    p.close();
  };
});
const children = killedAfterEach();

describe('the Generate panel', () => {
  it('shows a job whose process died mid-way as stopped, with the images Start resumes', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    // what a killed run leaves: one image committed, the job still marked running
    const first = p.jobItems.list(job.id)[0].imageId;
    commitImage(p, { jobId: job.id, modelHash: 'h', camMethod: 'rcam', layer: 'layer2', thresholds: {} }, { imageId: first, cams: [], storeCams: false, png: null });
    p.jobs.setStatus(job.id, 'running', new Date().toISOString());
    const api = createGenerationService(p, undefined, { workers: 0 });
    const r = await dispatch(api as never, 'generationStatus', []);
    expect(r.ok).toBe(true);
    const status = (r as { value: GenerationStatus }).value;
    expect(status.running).toBe(false);
    expect(status.job).toMatchObject({ jobId: job.id, state: 'paused', total: 3, done: 1, failed: 0, message: `job ${job.id} stopped before it finished; Resume finishes the 2 images left` });
  });

  it('Start while another process runs a job of the project: refused at once, naming it', async () => {
    const { job } = createOrResume(p, generationParams(p, {}));
    const holder = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'test/helpers/hold-run-lock.ts'), p.dir, String(job.id)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(holder);
    await new Promise<void>((resolve) => holder.stdout!.on('data', (d: Buffer) => d.toString().includes('held') && resolve()));
    const api = createGenerationService(p, undefined, { workers: 0 });
    const r = await dispatch(api as never, 'startGeneration', [REQ]);
    expect(r).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(new RegExp(`: job ${job.id} \\(generate\\) is running in another process: pid ${holder.pid} on .+; wait for it to finish or stop it, then run this again$`)) },
    });
    expect(p.jobs.list().map((j) => j.id)).toEqual([job.id]); // no job created or touched
    expect(p.jobItems.counts(job.id)).toMatchObject({ pending: 3, done: 0 });
    const status = ((await dispatch(api as never, 'generationStatus', [])) as { value: GenerationStatus }).value;
    expect(status.job).toMatchObject({ jobId: job.id, state: 'paused', message: expect.stringMatching(new RegExp(`^job ${job.id} \\(generate\\) is running in another process: pid ${holder.pid} `)) });
  });
});
