// Calibration through the services, as the Generate panel calls them (dispatch): τ_bg chosen
// per image by default (each mask records its own τ; an explicit τ wins), and learning from
// a person's first fixes — the demo scenes' ground truth saved as the person's masks — with
// the proposal's numbers checked against masks rebuilt here from the stored maps, and the
// re-refine touching exactly the unreviewed images.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import type { EventName, StudioApi, StudioEvents } from '../../../src/contract/api.ts';
import type { FixProposal } from '../../../src/contract/calibration.ts';
import type { GenerationRequest } from '../../../src/contract/generation.ts';
import { ConfusionMatrix } from '../../../src/masks/confusion.ts';
import { DEFAULT_AUTO_BACKGROUND, PRESET_DEEP_LAYERS, REFINE_PRESETS, chainForLayer } from '../../../src/masks/refine/index.ts';
import { recipeSettings } from '../../../src/masks/refine/from-fixes.ts';
import { maskSettings } from '../../../src/masks/cam-mask.ts';
import { decodeImage } from '../../../src/engine/index.ts';
import { readStoredCams } from '../../../src/jobs/stored-cams.ts';
import { maskFromStoredCams, rgbAtMaskSize } from '../../../src/jobs/mask.ts';
import type { Project } from '../../../src/project/index.ts';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import { dispatch } from '../../../src/services/index.ts';
import { DEMO } from '../jobs/fixture.ts';
import { generationServicesEach } from './fixture.ts';

let project: Project;
let api: StudioApi;
let events: { name: EventName; payload: StudioEvents[EventName] }[];

const N = 8;
const REQ: GenerationRequest = { method: 'rcam', layer: 'layer2', mask: { bg: 0.4, bgPerImage: true, ignoreBand: 0, minArea: 0, fillHoles: false }, refine: 'fast', selection: { kind: 'all' } };

// a fresh event list before the services exist (they may report while they start)
beforeEach(() => {
  events = [];
});
generationServicesEach('calibrate-service-', N, (s) => ({ project, api } = s), (e) => events.push(e));

async function call<T>(method: string, ...params: unknown[]): Promise<T> {
  const r = await dispatch(api, method, params);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r.value as T;
}

async function callError(method: string, ...params: unknown[]): Promise<{ code: string; message: string }> {
  const r = await dispatch(api, method, params);
  if (r.ok) throw new Error(`${method} succeeded`);
  return r.error;
}

async function finished(jobId: number): Promise<StudioEvents['job.finished']> {
  for (;;) {
    const e = events.find((x) => x.name === 'job.finished' && (x.payload as StudioEvents['job.finished']).jobId === jobId);
    if (e) return e.payload as StudioEvents['job.finished'];
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function generate(req: GenerationRequest): Promise<number> {
  const { jobId } = await call<{ jobId: number }>('startGeneration', req);
  expect((await finished(jobId)).state).toBe('done');
  return jobId;
}

/** the scene's ground truth (demo/dataset/SegmentationClass, label value = project class) as the editor uploads it (grayscale) */
function truthPng(name: string): Uint8Array {
  const t = decodeLabelPng(readFileSync(path.join(DEMO, 'dataset', 'SegmentationClass', `${path.basename(name, '.jpg')}.png`)));
  return encodeLabelPng(t.labels, t.width, t.height);
}

describe('τ_bg chosen per image', () => {
  it('is the panel\'s default: each mask records the τ the rule picked for its image, the τ the preview reports', async () => {
    const status = await call<{ defaults: { mask: GenerationRequest['mask'] } }>('generationStatus');
    expect(status.defaults.mask.bgPerImage).toBe(true);
    const jobId = await generate(REQ);
    const taus: number[] = [];
    for (const img of project.images.all()) {
      const cur = project.masks.current(img.id)!;
      expect(cur.version.provenance.jobId).toBe(jobId);
      expect(cur.version.provenance.thresholds).toMatchObject({ bgAuto: DEFAULT_AUTO_BACKGROUND.factor });
      const tau = await call<number>('autoBackground', { imageId: img.id, method: 'rcam', layer: 'layer2', refine: 'fast' });
      expect(cur.version.provenance.thresholds!.bg).toBe(tau);
      taus.push(tau);
      // the preview with τ per image is the stored mask, byte for byte
      const png = await call<Uint8Array>('previewMask', { imageId: img.id, method: 'rcam', layer: 'layer2', refine: 'fast', bg: 0.4, bgPerImage: true, ignoreBand: 0, minArea: 0, fillHoles: false });
      expect(Buffer.from(png).equals(Buffer.from(cur.png))).toBe(true);
    }
    // the rule reads each image: not one τ for all of them
    expect(new Set(taus).size).toBeGreaterThan(1);
  }, 120_000);

  it('an explicit τ (the slider, bgPerImage off) wins for every image', async () => {
    const jobId = await generate({ ...REQ, mask: { ...REQ.mask, bg: 0.3, bgPerImage: false } });
    for (const img of project.images.all()) {
      const t = project.masks.current(img.id)!.version.provenance.thresholds!;
      expect(project.masks.current(img.id)!.version.provenance.jobId).toBe(jobId);
      expect(t.bg).toBe(0.3);
      expect(t.bgAuto).toBeUndefined();
    }
    expect((await callError('startGeneration', { ...REQ, mask: { ...REQ.mask, bgPerImage: 'yes' } })).message).toMatch(/bgPerImage/);
  }, 120_000);
});

describe('calibration from a person\'s first fixes', () => {
  it('proposes the recipe that reproduces the fixed masks best and re-refines only the unreviewed images', async () => {
    // a job at a poor fixed τ: the person's fixes should pull the recipe away from it
    const jobId = await generate({ ...REQ, mask: { ...REQ.mask, bg: 0.15, bgPerImage: false }, refine: 'none' });
    const none = await call<FixProposal>('proposeFromFixes', null);
    expect(none).toMatchObject({ jobId, fixed: 0, best: null, gain: 0, required: 1, recommended: false, unreviewed: N });

    const images = [...project.images.all()];
    const fixed = images.slice(0, 4);
    for (const img of fixed) await call('saveMask', img.id, truthPng(img.name));
    // approved masks count too: an edited one approved, and a generated one the person accepted as it is
    await call('setStatus', [images[3].id, images[4].id], 'approved');
    const human = new Map(images.slice(0, 5).map((img) => [img.id, Buffer.from(project.masks.current(img.id)!.png)]));

    const p = await call<FixProposal>('proposeFromFixes', jobId);
    expect(p).toMatchObject({ jobId, fixed: 5, unreviewed: N - 5, current: { refine: 'none', background: { kind: 'fixed', bg: 0.15 } } });
    expect(p.best).not.toBeNull();

    // the numbers, recomputed here: the job's stored masks and the best recipe's masks against the person's
    const params = project.jobs.get(jobId).params as { modelHash: string; mask: Parameters<typeof maskSettings>[0] };
    const truth = (id: number) => decodeLabelPng(project.masks.current(id)!.png).labels;
    const own = new ConfusionMatrix(11);
    const best = new ConfusionMatrix(11);
    for (const id of human.keys()) {
      const img = project.images.get(id);
      own.add(truth(id), decodeLabelPng(project.masks.png(project.jobItems.get(jobId, id)!.maskId!)).labels);
      const item = project.jobItems.get(jobId, id)!;
      const { cams, deep } = readStoredCams(project, { modelHash: params.modelHash, camMethod: 'rcam', layer: 'layer2' }, img.id, item.classes, PRESET_DEEP_LAYERS, img.name);
      const rgb = rgbAtMaskSize(await decodeImage(project.imagePath(id)), img.width, img.height);
      const chain = chainForLayer(structuredClone(REFINE_PRESETS[p.best!.refine as 'none' | 'fast' | 'best']), 'layer2');
      const made = maskFromStoredCams({ width: img.width, height: img.height, cams, deep, rgb }, recipeSettings(maskSettings(params.mask), p.best!.background), chain);
      best.add(truth(id), decodeLabelPng(made.png).labels);
    }
    expect(p.current.miou).toBeCloseTo(own.miou(), 12);
    expect(p.best!.miou).toBeCloseTo(best.miou(), 12);
    expect(p.gain).toBeCloseTo(p.best!.miou - p.current.miou, 12);
    // five fixes ask for a gain of 0.16/√5 before the studio recommends a change
    expect(p.required).toBeCloseTo(0.16 / Math.sqrt(5), 12);
    expect(p.gain).toBeGreaterThan(p.required);
    expect(p.recommended).toBe(true);

    // one click: a re-threshold job over exactly the unreviewed images, recording the proposal
    const applied = await call<{ jobId: number; images: number }>('applyFixProposal', { jobId, refine: p.best!.refine, background: p.best!.background });
    expect(applied.images).toBe(N - 5);
    expect((await finished(applied.jobId)).state).toBe('done');
    const job = project.jobs.get(applied.jobId);
    expect(job.params).toMatchObject({ sourceJob: jobId, only: 'unreviewed', fromFixes: { fixed: 5 } });
    for (const img of images) {
      const cur = project.masks.current(img.id)!;
      if (human.has(img.id)) expect(Buffer.from(cur.png).equals(human.get(img.id)!)).toBe(true);
      else expect(cur.version.provenance.jobId).toBe(applied.jobId);
    }
    expect(project.jobItems.list(applied.jobId).map((i) => i.imageId).sort()).toEqual(images.slice(5).map((i) => i.id).sort());
  }, 180_000);

  it('refuses bad requests with the field named', async () => {
    expect((await callError('proposeFromFixes', null)).message).toMatch(/no finished generation job/);
    expect((await callError('applyFixProposal', { jobId: 1, refine: 'fast', background: { kind: 'auto', bg: 0.3 } })).message).toMatch(/background 'auto' takes factor/);
    expect((await callError('applyFixProposal', { jobId: 1, refine: 'sharp', background: { kind: 'fixed', bg: 0.3 } })).message).toMatch(/refine/);
    expect((await callError('autoBackground', { imageId: 1, method: 'rcam', layer: 'layer9' })).message).toMatch(/layer/);
  });
});
