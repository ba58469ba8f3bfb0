// Generation jobs in-process (workers: 0) and on the engine's worker threads, on real demo
// scenes and the demo classifier: masks + CAMs per image, progress, resume, failures,
// the never-replace-human-work rule, re-thresholding, rollback, cancel.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import type { Project } from '../../../src/project/index.ts';
import {
  cancelJob,
  createPreviewer,
  forceRollback,
  onProgress,
  rethresholdJob,
  rollbackJob,
  startJob,
  type JobProgress,
} from '../../../src/jobs/index.ts';
import { AUTO_BG_RANGE, DEFAULT_AUTO_BACKGROUND } from '../../../src/masks/refine/index.ts';
import { chooseExecutor } from '../../../src/engine/executor.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { preprocessFile, readPreprocessFor } from '../../../src/engine/preprocess.ts';
import { initBackend } from '../../../src/engine/tfjs/backend.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { copyProject, currentMasks, DEMO_MODEL, demoProject } from './fixture.ts';
import { closedAfterEach, scratchEach } from '../../helpers/scratch.ts';

const tmp = scratchEach('jobs-test-');
const open = closedAfterEach<Project>();

async function project(n: number, name = 'proj'): Promise<Project> {
  const p = await demoProject(tmp.dir, n, name);
  open.push(p);
  return p;
}

/** copies of one demo project of `n` images (closed once copied), one per folder name, opened */
async function copies(n: number, names: string[]): Promise<Project[]> {
  (await demoProject(tmp.dir, n)).close();
  const made = names.map((d) => copyProject(path.join(tmp.dir, 'proj'), path.join(tmp.dir, d)));
  open.push(...made);
  return made;
}

describe('generation job', () => {
  it('makes a mask and CAMs per image, in one job with progress events, and reports "done"', async () => {
    const p = await project(6);
    const events: JobProgress[] = [];
    const off = onProgress((e) => events.push(e));
    const h = startJob(p, {}, { workers: 0 });
    const s = await h.done;
    off();
    // the executor the engine picks here (onnxruntime when it loads, else TF.js on wasm)
    const backend = (await chooseExecutor()) === 'onnxruntime' ? 'onnxruntime-cpu' : 'tfjs-wasm';
    expect(s).toMatchObject({ state: 'done', total: 6, done: 6, failed: 0, processed: 6, resumed: false, backend });
    expect(p.jobs.get(h.jobId).status).toBe('done');
    const running = events.filter((e) => e.state === 'running');
    expect(running.map((e) => e.done)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.at(-1)).toMatchObject({ state: 'done', done: 6, total: 6, errorCount: 0 });
    expect(running.at(-1)!.imagesPerSec).toBeGreaterThan(0);
    for (const img of p.images.all()) {
      const cur = p.masks.current(img.id)!;
      // no τ_bg given: chosen per image (the rule's factor and this image's τ_bg are recorded)
      expect(cur.version.provenance).toMatchObject({ source: 'generated', method: 'rcam', layer: 'layer2', jobId: h.jobId, thresholds: { bgAuto: DEFAULT_AUTO_BACKGROUND.factor } });
      const bg = cur.version.provenance.thresholds!.bg;
      expect(bg).toBeGreaterThanOrEqual(AUTO_BG_RANGE[0]);
      expect(bg).toBeLessThanOrEqual(AUTO_BG_RANGE[1]);
      const m = decodeLabelPng(cur.png);
      expect([m.width, m.height]).toEqual([img.width, img.height]);
      const tags = p.images.tags(img.id);
      // every label is background, ignore or one of the image's tags; at least one tag shows up
      const present = new Set(m.labels);
      for (const v of present) expect(v === 0 || v === 255 || tags.includes(v)).toBe(true);
      expect(tags.some((t) => present.has(t))).toBe(true);
      for (const t of tags) {
        const cam = p.cams.get({ imageId: img.id, classIndex: t, modelHash: p.models.list()[0].hash, method: 'rcam', layer: 'layer2' });
        expect(cam).toMatchObject({ h: 16, w: 16 });
      }
      expect(p.images.get(img.id).status).toBe('generated');
      expect(p.jobItems.get(h.jobId, img.id)).toMatchObject({ state: 'done', classes: tags });
    }
  });

  it('a second start with the same parameters resumes the job (nothing twice); --new-style fresh starts another', async () => {
    const p = await project(3);
    const a = await startJob(p, { mask: { bg: 0.25 } }, { workers: 0 }).done;
    const b = startJob(p, { mask: { bg: 0.25 } }, { workers: 0 });
    expect(b.jobId).toBe(a.jobId);
    expect(await b.done).toMatchObject({ resumed: true, processed: 0, done: 3, state: 'done' });
    for (const img of p.images.all()) expect(p.masks.versions(img.id)).toHaveLength(1);
    const c = await startJob(p, { mask: { bg: 0.25 }, fresh: true }, { workers: 0 }).done;
    expect(c.jobId).not.toBe(a.jobId);
    expect(c.processed).toBe(3);
  });

  it('results do not depend on the number of workers: in-process, one and two worker threads give the same mask and map bytes', async () => {
    const [q, r, t] = await copies(8, ['copy0', 'copy1', 'copy2']);
    // the default chain (gate + PAR): each worker runs an image's whole pipeline
    expect((await startJob(q, {}, { workers: 0 }).done).done).toBe(8);
    expect(await startJob(r, {}, { workers: 1 }).done).toMatchObject({ done: 8, workers: 1 });
    expect(await startJob(t, {}, { workers: 2 }).done).toMatchObject({ done: 8, workers: 2 });
    const maps = (x: Project) =>
      [...x.images.all()].flatMap((img) =>
        x.images.tags(img.id).flatMap((c) => ['layer2', 'layer3', 'layer4'].map((layer) => Buffer.from(x.cams.get({ imageId: img.id, classIndex: c, modelHash: x.models.list()[0].hash, method: 'rcam', layer })!.data).toString('base64'))),
      );
    expect(currentMasks(r)).toEqual(currentMasks(q));
    expect(currentMasks(t)).toEqual(currentMasks(q));
    expect(maps(r)).toEqual(maps(q));
    expect(maps(t)).toEqual(maps(q));
    for (const x of [q, r, t]) for (const img of x.images.all()) expect(x.masks.current(img.id)!.version.provenance.refine?.steps).toEqual([{ step: 'gate', ran: true }, { step: 'par', ran: true }]);
  });

  it('a corrupt image is recorded and the job goes on; it is retried only with retryFailed', async () => {
    const p = await project(5);
    const bad = [...p.images.all()][2];
    const file = p.imagePath(bad.id);
    const good = readFileSync(file);
    writeFileSync(file, Buffer.from('this is no JPEG'));
    const s = await startJob(p, {}, { workers: 0 }).done;
    expect(s).toMatchObject({ state: 'done', done: 4, failed: 1 });
    expect(s.errors).toHaveLength(1);
    expect(s.errors[0]).toMatchObject({ imageId: bad.id, name: bad.name });
    expect(s.errors[0].message).toContain(file);
    // decoded in a worker thread, the same one-line message comes back
    const w = await startJob(p, { fresh: true }, { workers: 1 }).done;
    expect(w).toMatchObject({ state: 'done', done: 4, failed: 1, workers: 1 });
    expect(w.errors[0]).toMatchObject({ imageId: bad.id, message: s.errors[0].message });
    expect(w.errors[0].message).not.toContain('\n');
    expect(p.jobItems.get(s.jobId, bad.id)).toMatchObject({ state: 'failed' });
    expect(p.masks.current(bad.id)).toBeNull();
    writeFileSync(file, good);
    expect(await startJob(p, {}, { workers: 0 }).done).toMatchObject({ processed: 0, failed: 1 });
    expect(await startJob(p, {}, { workers: 0, retryFailed: true }).done).toMatchObject({ processed: 1, done: 5, failed: 0 });
    expect(p.masks.current(bad.id)).not.toBeNull();
  });

  it('a model that fails to load fails the job cleanly (status, message naming the file, no image touched)', async () => {
    const p = await project(3);
    const m = p.models.list()[0];
    // the registered file breaks after registration
    const broken = path.join(tmp.dir, 'broken', 'model.json');
    mkdirSync(path.dirname(broken), { recursive: true });
    writeFileSync(broken, '{"modelTopology": {"class_name": "Nope"}, "weightsManifest": []}');
    p.db.prepare('UPDATE models SET file = ? WHERE id = ?').run(broken, m.id);
    const s = await startJob(p, {}, { workers: 0 }).done;
    expect(s.state).toBe('failed');
    expect(s.message).toContain(broken);
    expect(p.jobs.get(s.jobId)).toMatchObject({ status: 'failed' });
    expect(p.jobs.get(s.jobId).error).toContain(broken);
    expect(p.jobItems.counts(s.jobId)).toMatchObject({ pending: 3, done: 0 });
    for (const img of p.images.all()) expect(p.masks.current(img.id)).toBeNull();
  });

  it('never replaces a mask a person edited, imported or approved: the result is a non-current version', async () => {
    const p = await project(4);
    const [a, b, c] = [...p.images.all()];
    const human = encodeLabelPng(new Uint8Array(a.width * a.height).fill(1), a.width, a.height);
    p.saveMask(a.id, human, { source: 'edited' });
    p.saveMask(b.id, encodeLabelPng(new Uint8Array(b.width * b.height).fill(2), b.width, b.height), { source: 'imported' });
    const s0 = await startJob(p, { mask: { bg: 0.3 } }, { workers: 0 }).done;
    p.setStatus(c.id, 'approved');
    const cBefore = p.masks.current(c.id)!;
    const s = await startJob(p, {}, { workers: 0 }).done;
    expect(s0.keptHuman).toBe(2);
    expect(s.keptHuman).toBe(3);
    expect(Buffer.from(p.masks.current(a.id)!.png)).toEqual(Buffer.from(human));
    expect(p.masks.current(b.id)!.version.provenance.source).toBe('imported');
    expect(p.masks.current(c.id)!.version.id).toBe(cBefore.version.id);
    expect(p.images.get(c.id).status).toBe('approved');
    for (const img of [a, b, c]) {
      const v = p.masks.versions(img.id).filter((x) => x.provenance.jobId === s.jobId);
      expect(v).toHaveLength(1);
      expect(v[0].current).toBe(false);
    }
  });

  it('re-thresholding a finished job from its stored CAMs gives the bytes a fresh generation gives', async () => {
    const [q, r] = await copies(6, ['q', 'r']);
    const first = await startJob(q, { mask: { bg: 0.2 } }, { workers: 0 }).done;
    const before = currentMasks(q);
    const re = await rethresholdJob(q, first.jobId, { bg: 0.45, ignoreBand: 0.05 });
    expect(re).toMatchObject({ kind: 'rethreshold', state: 'done', done: 6, failed: 0 });
    await startJob(r, { mask: { bg: 0.45, ignoreBand: 0.05 } }, { workers: 0 }).done;
    const after = currentMasks(q);
    expect(after).toEqual(currentMasks(r));
    expect(after).not.toEqual(before);
    // the same settings as the job itself reproduce its masks exactly
    await rethresholdJob(q, first.jobId, { bg: 0.2 });
    expect(currentMasks(q)).toEqual(before);
  });

  it('rollback removes a job\'s versions and brings back the previous current masks and statuses', async () => {
    const p = await project(4);
    const [a] = [...p.images.all()];
    const j1 = await startJob(p, { mask: { bg: 0.2 } }, { workers: 0 }).done;
    const after1 = currentMasks(p);
    const j2 = await startJob(p, { mask: { bg: 0.4 } }, { workers: 0 }).done;
    expect(currentMasks(p)).not.toEqual(after1);
    // a person edits image a after job 2: rollback of job 2 must keep that edit current
    const edit = encodeLabelPng(new Uint8Array(a.width * a.height).fill(3), a.width, a.height);
    p.saveMask(a.id, edit, { source: 'edited' });
    expect(rollbackJob(p, j2.jobId)).toMatchObject({ removed: 4, restored: 3, keptApproved: 0 });
    const now = currentMasks(p);
    expect(Buffer.from(p.masks.current(a.id)!.png)).toEqual(Buffer.from(edit));
    for (const [name, png] of after1) if (name !== a.name) expect(now.get(name)).toBe(png);
    expect(() => rollbackJob(p, j2.jobId)).toThrow(/already rolled back/);
    expect(rollbackJob(p, j1.jobId)).toMatchObject({ removed: 4, restored: 3 });
    for (const img of p.images.all()) {
      if (img.id === a.id) continue;
      expect(p.masks.current(img.id)).toBeNull();
      expect(img.status).toBe('unreviewed');
    }
    expect(p.masks.versions(a.id).map((v) => v.provenance.source)).toEqual(['edited']);
    expect(forceRollback).toBeTypeOf('function');
  });

  it('cancel stops within one image per worker; resuming finishes exactly the rest, same masks as an uninterrupted run', async () => {
    const [q, r] = await copies(10, ['q', 'r']);
    const h = startJob(q, {}, {
      workers: 0,
      onProgress: (e) => {
        if (e.state === 'running' && e.done === 3) cancelJob(h.jobId);
      },
    });
    const s = await h.done;
    expect(s.state).toBe('cancelled');
    expect(s.done).toBeGreaterThanOrEqual(3);
    expect(s.done).toBeLessThanOrEqual(4);
    expect(q.jobs.get(h.jobId).status).toBe('cancelled');
    const rest = await startJob(q, {}, { workers: 0 }).done;
    expect(rest).toMatchObject({ jobId: h.jobId, resumed: true, processed: 10 - s.done, done: 10 });
    await startJob(r, {}, { workers: 0 }).done;
    expect(currentMasks(q)).toEqual(currentMasks(r));
    for (const img of q.images.all()) expect(q.masks.versions(img.id)).toHaveLength(1);
  });

  it('multi-scale + flip (off by default) stores the summed maps under their own CAM key', async () => {
    const p = await project(2);
    const single = await startJob(p, {}, { workers: 0 }).done;
    const ms = await startJob(p, { multiScale: true }, { workers: 0 }).done;
    expect(ms).toMatchObject({ done: 2, failed: 0 });
    expect(ms.jobId).not.toBe(single.jobId);
    const img = [...p.images.all()][0];
    const t = p.images.tags(img.id)[0];
    const key = { imageId: img.id, classIndex: t, modelHash: p.models.list()[0].hash, layer: 'layer2' };
    const a = p.cams.get({ ...key, method: 'rcam' })!;
    const b = p.cams.get({ ...key, method: 'rcam@ms0.5,1,1.5,2+flip' })!;
    expect([b.h, b.w]).toEqual([a.h, a.w]);
    expect(Buffer.from(b.data)).not.toEqual(Buffer.from(a.data));
    expect(p.masks.current(img.id)!.version.provenance.method).toBe('rcam@ms0.5,1,1.5,2+flip');
  });

  it('predicted classes: CAMs for the model outputs whose probability passes the threshold, tags ignored', async () => {
    const p = await project(4);
    const min = 0.4;
    const s = await startJob(p, { classes: { kind: 'predicted', minProbability: min } }, { workers: 0 }).done;
    expect(s).toMatchObject({ done: 4, failed: 0 });
    // the expected classes from the engine directly: sigmoid (the demo's preprocess output) of its logits
    await initBackend();
    const model = new CamModel(await loadModel(DEMO_MODEL));
    const cfg = await readPreprocessFor(DEMO_MODEL);
    const classMap = p.models.list()[0].classMap;
    for (const img of p.images.all()) {
      const x = await preprocessFile(p.imagePath(img.id), cfg);
      const logits = model.predict(x.data, [1, 128, 128, 3]);
      const want = [...logits].flatMap((l, k) => (1 / (1 + Math.exp(-l)) >= min ? [classMap[k]] : [])).sort((a, b) => a - b);
      expect(p.jobItems.get(s.jobId, img.id)!.classes).toEqual(want);
      const m = decodeLabelPng(p.masks.current(img.id)!.png);
      for (const v of new Set(m.labels)) expect(v === 0 || v === 255 || want.includes(v)).toBe(true);
    }
    model.dispose();
  });
});

describe('threshold preview', () => {
  it('previews a mask from one image\'s cached CAMs: the bytes a job with those settings stores', async () => {
    const p = await project(3);
    const prev = await createPreviewer(p, { workers: 0 });
    const img = [...p.images.all()][1];
    const a = await prev.mask(img.id, { bg: 0.35 });
    const b = await prev.mask(img.id, { bg: 0.1 });
    expect(Buffer.from(a)).not.toEqual(Buffer.from(b));
    expect((await prev.cams(img.id)).cams.map((c) => c.classIndex)).toEqual(p.images.tags(img.id));
    await prev.close();
    await startJob(p, { mask: { bg: 0.35 } }, { workers: 0 }).done;
    expect(Buffer.from(p.masks.current(img.id)!.png)).toEqual(Buffer.from(a));
  });
});
