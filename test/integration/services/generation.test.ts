// The Generate panel's and Export dialog's services over a real project (demo scenes and
// the demo classifier's TF.js copy, in a temp folder), called through dispatch as the
// transports call them: models, preview = stored mask bytes, one job at a time with
// progress events, cancel, exports into a checked folder.
import { DEFAULT_REFINE_PRESET, REFINE_PRESETS } from '../../../src/masks/refine/index.ts';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, StudioApi, StudioEvents } from '../../../src/contract/api.ts';
import type { GenerationRequest, GenerationStatus, ModelSummary, PreviewRequest } from '../../../src/contract/generation.ts';
import type { Project } from '../../../src/project/index.ts';
import { closeGenerationServices } from '../../../src/services/generation.ts';
import { dispatchCalls } from '../../helpers/dispatch-calls.ts';
import { generationServicesEach } from './fixture.ts';

let project: Project;
let api: StudioApi;
let events: { name: EventName; payload: StudioEvents[EventName] }[];

const REQ: GenerationRequest = {
  method: 'rcam',
  layer: 'layer2',
  mask: { bg: 0.2, ignoreBand: 0, minArea: 0, fillHoles: false },
  selection: { kind: 'all' },
};

// a fresh event list before the services exist (they may report while they start)
beforeEach(() => {
  events = [];
});
const tmp = generationServicesEach('gen-service-', 4, (s) => ({ project, api } = s), (e) => events.push(e));

const { call, refused: callError } = dispatchCalls(() => api);

async function finished(jobId: number): Promise<StudioEvents['job.finished']> {
  for (;;) {
    const e = events.find((x) => x.name === 'job.finished' && (x.payload as StudioEvents['job.finished']).jobId === jobId);
    if (e) return e.payload as StudioEvents['job.finished'];
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('generation services', () => {
  it('lists the registered model with its classes and input size', async () => {
    const models = await call<ModelSummary[]>('listModels');
    expect(models).toHaveLength(1);
    expect(models[0]).toMatchObject({ id: 1, name: 'tfjs/model.json', format: 'tfjs-layers' });
    expect(models[0].classNames).toHaveLength(10);
    expect(models[0].classNames[0]).toBe('T-shirt/top');
    expect(models[0].inputSize).toEqual([expect.any(Number), expect.any(Number)]);
    // what layer1..layer4 resolved to at registration: strides 4..32 of the 128-px input
    expect(models[0].layers.map((l) => [l.name, l.shape[0], l.shape[1]])).toEqual([['layer1', 32, 32], ['layer2', 16, 16], ['layer3', 8, 8], ['layer4', 4, 4]]);
    expect(models[0].layers.every((l) => l.tensor.length > 0 && l.shape[2] > 0)).toBe(true);
  });

  it('previews exactly the mask a job with the same settings stores, and follows the threshold', async () => {
    const img = [...project.images.all()][0];
    const preview = (bg: number) => call<Uint8Array>('previewMask', { imageId: img.id, method: 'rcam', layer: 'layer2', bg, ignoreBand: 0, minArea: 0, fillHoles: false } satisfies PreviewRequest);
    const at02 = await preview(0.2);
    const at06 = await preview(0.6);
    expect(Buffer.from(at02.subarray(1, 4)).toString()).toBe('PNG');
    expect(Buffer.from(at06).equals(Buffer.from(at02))).toBe(false);

    const { jobId } = await call<{ jobId: number; resumed: boolean }>('startGeneration', REQ);
    const end = await finished(jobId);
    expect(end).toMatchObject({ state: 'done', total: 4, done: 4, failed: 0 });
    expect(Buffer.from(project.masks.current(img.id)!.png).equals(Buffer.from(at02))).toBe(true);
  });

  it('generates with CLRP like any method: the job stores the previewed mask, which is not R-CAM\'s', async () => {
    const img = [...project.images.all()][2];
    const at = { imageId: img.id, layer: 'layer2', bg: 0.3, ignoreBand: 0, minArea: 0, fillHoles: false, refine: 'none' } as const;
    const clrp = await call<Uint8Array>('previewMask', { ...at, method: 'clrp' } satisfies PreviewRequest);
    const rcam = await call<Uint8Array>('previewMask', { ...at, method: 'rcam' } satisfies PreviewRequest);
    expect(Buffer.from(clrp).equals(Buffer.from(rcam))).toBe(false);
    const { jobId } = await call<{ jobId: number; resumed: boolean }>('startGeneration', { ...REQ, method: 'clrp', mask: { ...REQ.mask, bg: 0.3 }, refine: 'none' });
    expect(await finished(jobId)).toMatchObject({ state: 'done', done: 4, failed: 0 });
    const stored = project.masks.current(img.id)!;
    expect(stored.version.provenance.method).toBe('clrp');
    expect(Buffer.from(stored.png).equals(Buffer.from(clrp))).toBe(true);
  });

  it('previews each refinement chain from the same CAMs; a job with that chain stores the previewed bytes', async () => {
    const img = [...project.images.all()][1];
    const preview = (refine?: string) => call<Uint8Array>('previewMask', { imageId: img.id, method: 'rcam', layer: 'layer2', bg: 0.4, ignoreBand: 0, minArea: 0, fillHoles: false, ...(refine ? { refine } : {}) });
    const byChain = new Map<string, string>();
    for (const r of ['none', 'fast', 'best']) byChain.set(r, Buffer.from(await preview(r)).toString('base64'));
    expect(new Set(byChain.values()).size).toBe(3);
    // absent = the default chain
    expect(Buffer.from(await preview()).toString('base64')).toBe(byChain.get('fast'));
    const { jobId } = await call<{ jobId: number; resumed: boolean }>('startGeneration', { ...REQ, mask: { ...REQ.mask, bg: 0.4 }, refine: 'best' });
    expect(await finished(jobId)).toMatchObject({ state: 'done', done: 4 });
    expect(Buffer.from(project.masks.current(img.id)!.png).toString('base64')).toBe(byChain.get('best'));
    expect(project.masks.current(img.id)!.version.provenance.refine?.settings).toEqual(REFINE_PRESETS.best);
  });

  it('runs one job at a time, reports progress with rate and errors, and a finished state', async () => {
    const { jobId, resumed } = await call<{ jobId: number; resumed: boolean }>('startGeneration', REQ);
    expect(resumed).toBe(false);
    const second = await callError('startGeneration', { ...REQ, method: 'gradcam' });
    expect(second.code).toBe('BAD_REQUEST');
    expect(second.message).toMatch(new RegExp(`job ${jobId}\\) is already running`));
    const running = await call<GenerationStatus>('generationStatus');
    expect(running.running).toBe(true);
    expect(running.defaults).toEqual({ method: 'rcam', layer: 'layer2', mask: { bg: 0.4, bgPerImage: true, ignoreBand: 0, minArea: 0, fillHoles: false }, refine: DEFAULT_REFINE_PRESET });

    const end = await finished(jobId);
    expect(end).toMatchObject({ jobId, state: 'done', total: 4, done: 4, errorCount: 0 });
    expect(end.seconds).toBeGreaterThan(0);
    const progress = events.filter((e) => e.name === 'job.progress').map((e) => e.payload as StudioEvents['job.progress']);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ jobId, done: 4, total: 4, errors: [], errorCount: 0 });
    expect(typeof progress.at(-1)!.imagesPerSec).toBe('number');
    const after = await call<GenerationStatus>('generationStatus');
    expect(after.running).toBe(false);
    expect(after.job).toMatchObject({ jobId, state: 'done', done: 4 });
    for (const img of project.images.all()) expect(project.masks.current(img.id)).toBeTruthy();

    // the same parameters again: a new job (the finished one has nothing left to do)
    const again = await call<{ jobId: number; resumed: boolean }>('startGeneration', REQ);
    expect(again.jobId).not.toBe(jobId);
    await finished(again.jobId);
    expect(await call<boolean>('cancelGeneration', again.jobId)).toBe(false);
  });

  it('closing the services stops a running job (resumable) before the project closes', async () => {
    const { jobId } = await call<{ jobId: number }>('startGeneration', REQ);
    await closeGenerationServices(project);
    const end = await finished(jobId);
    expect(['cancelled', 'done']).toContain(end.state);
    expect(project.jobs.get(jobId).status).not.toBe('running');
    expect((await call<GenerationStatus>('generationStatus')).running).toBe(false);
  });

  it('counts the images of a selection whose mask a run keeps, by the rule the run applies', async () => {
    const ids = project.allImages().map((i) => i.id);
    expect(ids.length).toBe(4);
    const [a, b, c, d] = ids;
    const blank = (id: number) => {
      const { width, height } = project.getImage(id);
      return { labels: new Uint8Array(width * height), width, height };
    };
    expect(await call('humanMasks', ids)).toEqual({ approved: 0, edited: 0 });
    project.maskWrites.edited(a, blank(a));
    project.maskWrites.setStatus(b, 'approved');
    project.maskWrites.imported(c, blank(c));
    // a generated current mask is what a run replaces: not counted
    project.maskWrites.generated(d, blank(d), { method: 'rcam' });
    expect(await call('humanMasks', [...ids, a])).toEqual({ approved: 1, edited: 2 });
    expect(await call('humanMasks', [d])).toEqual({ approved: 0, edited: 0 });
    expect((await callError('humanMasks', [999])).code).toBe('NOT_FOUND');
    expect((await callError('humanMasks', 'x')).message).toMatch(/humanMasks/);
  });

  it('refuses bad requests with the field named', async () => {
    expect((await callError('startGeneration', { ...REQ, method: 'magic' })).message).toMatch(/method must be one of rcam/);
    expect((await callError('startGeneration', { ...REQ, mask: { ...REQ.mask, bg: 2 } })).message).toMatch(/bg must be a number in 0\.\.1/);
    expect((await callError('startGeneration', { ...REQ, selection: { kind: 'some' } })).message).toMatch(/selection\.kind/);
    expect((await callError('startGeneration', { ...REQ, refine: 'max' })).message).toMatch(/refine must be one of none, fast, best/);
    expect((await callError('previewMask', { imageId: 1, method: 'rcam', layer: 'layer2', bg: 0.2, ignoreBand: 0, minArea: 0, fillHoles: false, refine: 3 })).message).toMatch(/refine must be one of/);
    expect((await callError('previewMask', { imageId: 999, method: 'rcam', layer: 'layer2', bg: 0.2, ignoreBand: 0, minArea: 0, fillHoles: false })).code).toBe('NOT_FOUND');
    expect((await callError('startGeneration', { ...REQ, modelId: 7 })).message).toMatch(/model 7 is not registered/);
  });
});

describe('export services', () => {
  it('exports VOC into a new folder with progress, and guards the folder', async () => {
    const { jobId } = await call<{ jobId: number }>('startGeneration', REQ);
    await finished(jobId);

    const suggested = await call<string>('defaultExportFolder', 'voc');
    expect(suggested.startsWith(path.join(project.dir, 'exports', 'voc-'))).toBe(true);

    expect((await callError('exportProject', { format: 'voc', out: 'relative/out', approvedOnly: false, split: null, overwrite: false, copyImages: false, minArea: 0 })).message).toMatch(/absolute path/);
    const busy = path.join(tmp.dir, 'busy');
    mkdirSync(busy);
    writeFileSync(path.join(busy, 'keep.txt'), 'x');
    expect((await callError('exportProject', { format: 'voc', out: busy, approvedOnly: false, split: null, overwrite: false, copyImages: false, minArea: 0 })).message).toMatch(/is not empty; tick "Overwrite"/);

    const out = path.join(tmp.dir, 'voc-out');
    const r = await call<{ out: string; images: number; files: number; skipped: unknown[] }>('exportProject', { format: 'voc', out, approvedOnly: false, split: { val: 0.25, seed: 1 }, overwrite: false, copyImages: false, minArea: 0 });
    expect(r).toMatchObject({ out, images: 4, skipped: [] });
    expect(readdirSync(path.join(out, 'SegmentationClass'))).toHaveLength(4);
    expect(existsSync(path.join(out, 'ImageSets', 'Segmentation', 'val.txt'))).toBe(true);
    const progress = events.filter((e) => e.name === 'export.progress').map((e) => e.payload as StudioEvents['export.progress']);
    expect(progress.at(-1)).toEqual({ done: 4, total: 4 });

    // the same folder again needs "overwrite"; with it, the export is rewritten
    expect((await callError('exportProject', { format: 'voc', out, approvedOnly: false, split: null, overwrite: false, copyImages: false, minArea: 0 })).code).toBe('BAD_REQUEST');
    expect((await call<{ images: number }>('exportProject', { format: 'voc', out, approvedOnly: false, split: null, overwrite: true, copyImages: false, minArea: 0 })).images).toBe(4);
    // nothing approved: an approved-only export is refused, saying why, and writes nothing
    const plan = await call<{ images: number; leftOut: { reason: string; count: number }[] }>('exportPlan', { format: 'coco', approvedOnly: true });
    expect(plan).toMatchObject({ images: 0, leftOut: [{ reason: 'not-approved', count: 4 }] });
    const refused = await callError('exportProject', { format: 'coco', out: path.join(tmp.dir, 'coco'), approvedOnly: true, split: null, overwrite: false, copyImages: false, minArea: 30 });
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', message: 'export: nothing to write: every image is left out (4 not approved)' });
    expect(existsSync(path.join(tmp.dir, 'coco'))).toBe(false);
  });
});

describe('jobs in the Generate panel', () => {
  it('cancels at once while the workers start; Resume then does every image exactly once', async () => {
    const started = await call<{ jobId: number; job: StudioEvents['job.progress'] }>('startGeneration', REQ);
    // the first record comes with the answer: the renderer never writes one of its own
    expect(started.job).toMatchObject({ jobId: started.jobId, state: 'starting', total: 4, done: 0, failed: 0 });
    expect(await call<boolean>('cancelGeneration', started.jobId)).toBe(true);
    const stopped = await finished(started.jobId);
    expect(stopped).toMatchObject({ state: 'cancelled', done: 0, total: 4 });
    expect(project.jobs.get(started.jobId).status).toBe('cancelled');

    // resume; cancel it again after its first image
    const off = { on: true };
    const again = await call<{ jobId: number; resumed: boolean }>('resumeGeneration', started.jobId);
    expect(again).toMatchObject({ jobId: started.jobId, resumed: true });
    for (;;) {
      const p = events.filter((e) => e.name === 'job.progress').map((e) => e.payload as StudioEvents['job.progress']).find((x) => x.jobId === started.jobId && x.done >= 1);
      if (p && off.on) {
        off.on = false;
        await call<boolean>('cancelGeneration', started.jobId);
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    events = events.filter((e) => e.name !== 'job.finished');
    const partial = await finished(started.jobId);
    expect(partial.state).toBe('cancelled');
    expect(partial.done).toBeGreaterThanOrEqual(1);
    expect(partial.done).toBeLessThan(4);
    const jobs = await call<{ id: number; status: string; done: number; pending: number }[]>('listJobs');
    expect(jobs[0]).toMatchObject({ id: started.jobId, status: 'cancelled', done: partial.done, pending: 4 - partial.done });

    events = events.filter((e) => e.name !== 'job.finished');
    await call('resumeGeneration', started.jobId);
    expect(await finished(started.jobId)).toMatchObject({ state: 'done', done: 4, total: 4 });
    // exactly one version per image from this job: nothing redone
    for (const img of project.images.all()) {
      const mine = project.masks.versions(img.id).filter((v) => v.provenance.jobId === started.jobId);
      expect(mine, img.name).toHaveLength(1);
      expect(mine[0].current).toBe(true);
    }
    expect((await callError('resumeGeneration', started.jobId)).message).toBe(`job ${started.jobId} has nothing left to do: its 4 images are done`);
  });

  it('lists the jobs newest first and rolls one back: the masks before it are current again', async () => {
    const first = await call<{ jobId: number }>('startGeneration', REQ);
    await finished(first.jobId);
    const before = new Map(project.allImages().map((i) => [i.id, project.masks.currentVersion(i.id)!.id]));
    const second = await call<{ jobId: number }>('startGeneration', { ...REQ, mask: { ...REQ.mask, bg: 0.5 } });
    await finished(second.jobId);
    const jobs = await call<{ id: number; what: string; done: number; active: boolean; rolledBackAt: string | null }[]>('listJobs');
    expect(jobs.map((j) => j.id)).toEqual([second.jobId, first.jobId]);
    expect(jobs[0]).toMatchObject({ done: 4, active: false, rolledBackAt: null });
    expect(jobs[0].what).toMatch(/rcam @ layer2 τ_bg 0\.5, refine fast$/);

    const report = await call<{ removed: number; restored: number }>('rollbackJob', second.jobId);
    expect(report).toMatchObject({ jobId: second.jobId, removed: 4, restored: 4, keptApproved: 0 });
    for (const [id, mask] of before) expect(project.masks.currentVersion(id)!.id).toBe(mask);
    expect((await call<{ rolledBackAt: string | null }[]>('listJobs'))[0].rolledBackAt).not.toBeNull();
    expect((await callError('rollbackJob', second.jobId)).message).toMatch(/already rolled back/);
    expect((await callError('rollbackJob', 99)).code).toBe('NOT_FOUND');
  });

  it('a keepCurrent job (the compare view) stores CAMs and versions and leaves every current mask', async () => {
    const first = await call<{ jobId: number }>('startGeneration', REQ);
    await finished(first.jobId);
    const img = project.allImages()[0];
    const cur = project.masks.currentVersion(img.id)!;
    const status = project.getImage(img.id).status;
    const side = await call<{ jobId: number }>('startGeneration', { ...REQ, method: 'gradcam', selection: { kind: 'ids', ids: [img.id] }, keepCurrent: true });
    expect(await finished(side.jobId)).toMatchObject({ state: 'done', done: 1 });
    expect(project.masks.currentVersion(img.id)!.id).toBe(cur.id);
    expect(project.getImage(img.id).status).toBe(status);
    const added = project.masks.versions(img.id).find((v) => v.provenance.jobId === side.jobId)!;
    expect(added).toMatchObject({ current: false, provenance: { source: 'generated', method: 'gradcam' } });
    expect(project.cams.forImage(img.id).some((c) => c.method === 'gradcam')).toBe(true);
  });
});
