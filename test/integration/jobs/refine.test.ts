// The refinement chain in the batch pipeline: the deeper layers' CAMs are stored with the
// job, the mask's provenance names the chain and what each step did, and re-refining a
// finished job from its stored maps gives the bytes a fresh generation with that chain
// gives — without the model file.
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Project } from '../../../src/project/index.ts';
import { registerModel, rethresholdJob, startJob } from '../../../src/jobs/index.ts';
import { REFINE_PRESETS } from '../../../src/masks/refine/index.ts';
import { readStoredCams } from '../../../src/jobs/stored-cams.ts';
import { copyProject, currentMasks, DEMO, demoProject } from './fixture.ts';
import { closedAfterEach, scratchEach } from '../../helpers/scratch.ts';

const tmp = scratchEach('rs-refine-');
const open = closedAfterEach<Project>();

describe('refinement in the batch pipeline', () => {
  it('stores the deeper layers’ CAMs and the chain’s provenance; raw and refined masks differ', async () => {
    const p = await demoProject(tmp.dir, 4);
    open.push(p);
    const refined = await startJob(p, { refine: 'fast' }, { workers: 0 }).done;
    expect(refined).toMatchObject({ state: 'done', done: 4, failed: 0 });
    const withChain = currentMasks(p);
    for (const img of p.images.all()) {
      const cur = p.masks.current(img.id)!;
      expect(cur.version.provenance.refine).toEqual({ settings: REFINE_PRESETS.fast, steps: [{ step: 'gate', ran: true }, { step: 'par', ran: true }] });
      for (const layer of ['layer2', 'layer3', 'layer4']) {
        for (const c of p.images.tags(img.id)) {
          const rec = p.cams.get({ imageId: img.id, classIndex: c, modelHash: p.models.list()[0].hash, method: 'rcam', layer });
          expect(rec, `${img.name} ${layer} class ${c}`).toBeTruthy();
        }
      }
    }
    await startJob(p, { refine: 'none' }, { workers: 0 }).done;
    const raw = currentMasks(p);
    expect(raw).not.toEqual(withChain);
    for (const img of p.images.all()) expect(p.masks.current(img.id)!.version.provenance.refine).toBeUndefined();
  });

  it('re-refining a finished job from its stored maps equals a fresh generation with that chain, and needs no model file', async () => {
    const modelDir = path.join(tmp.dir, 'model');
    const copyModel = () => cpSync(path.join(DEMO, 'model'), modelDir, { recursive: true });
    copyModel();
    const p = await demoProject(tmp.dir, 5, 'proj', { model: false });
    await registerModel(p, path.join(modelDir, 'tfjs', 'model.json'));
    p.close();
    const q = copyProject(path.join(tmp.dir, 'proj'), path.join(tmp.dir, 'q'));
    const r = copyProject(path.join(tmp.dir, 'proj'), path.join(tmp.dir, 'r'));
    open.push(q, r);
    const first = await startJob(q, { refine: 'fast', mask: { bg: 0.35 } }, { workers: 0 }).done;
    const fastMasks = currentMasks(q);
    for (const [refine, mask] of [['best', { bg: 0.4 }], ['none', { bg: 0.3, fillHoles: true }]] as const) {
      await startJob(r, { refine, mask, fresh: true }, { workers: 0 }).done;
      const fresh = currentMasks(r);
      rmSync(modelDir, { recursive: true, force: true });
      const re = await rethresholdJob(q, first.jobId, mask, { refine });
      expect(re).toMatchObject({ kind: 'rethreshold', state: 'done', done: 5, failed: 0 });
      expect(currentMasks(q)).toEqual(fresh);
      copyModel();
    }
    // the job's own settings and chain reproduce its masks exactly
    rmSync(modelDir, { recursive: true, force: true });
    await rethresholdJob(q, first.jobId, { bg: 0.35 });
    expect(currentMasks(q)).toEqual(fastMasks);
  });

  it('the one reader of stored maps: a deep layer keeps the classes it has; a map missing at the job’s layer fails that image, naming it', async () => {
    const p = await demoProject(tmp.dir, 3);
    open.push(p);
    const first = await startJob(p, { refine: 'fast' }, { workers: 0 }).done;
    const img = [...p.images.all()].find((i) => p.images.tags(i.id).length >= 2)!;
    const [lost, ...kept] = p.images.tags(img.id);
    p.db.prepare("DELETE FROM cams WHERE image_id = ? AND class_idx = ? AND layer = 'layer3'").run(img.id, lost);
    const key = { modelHash: p.models.list()[0].hash, camMethod: 'rcam', layer: 'layer2' };
    const stored = readStoredCams(p, key, img.id, p.images.tags(img.id), ['layer3', 'layer4'], img.name);
    expect(stored.cams.map((c) => c.classIndex)).toEqual([lost, ...kept].sort((a, b) => a - b));
    expect(stored.deep.layer3.map((c) => c.classIndex)).toEqual(kept);
    expect(stored.deep.layer4).toHaveLength(kept.length + 1);
    // a missing map at the job's own layer is an error naming the image and the class
    p.db.prepare("DELETE FROM cams WHERE image_id = ? AND class_idx = ? AND layer = 'layer2'").run(img.id, kept[0]);
    expect(() => readStoredCams(p, key, img.id, p.images.tags(img.id), [], img.name)).toThrow(new RegExp(`${img.name}: the stored layer2 CAM of class ${kept[0]} is missing`));

    const re = await rethresholdJob(p, first.jobId, { bg: 0.3 }, { refine: 'fast', workers: 0 });
    expect(re).toMatchObject({ state: 'done', done: 2, failed: 1 });
    expect(re.errors[0]).toMatchObject({ imageId: img.id, message: expect.stringMatching(/layer2 CAM of class/) });
    for (const other of p.images.all()) {
      if (other.id === img.id) continue;
      expect(p.masks.current(other.id)!.version.provenance.refine?.steps).toEqual([{ step: 'gate', ran: true }, { step: 'par', ran: true }]);
    }
  });

  it('a gate that lacks one class’s deep map does not run, and says which class; PAR still runs', async () => {
    const p = await demoProject(tmp.dir, 3);
    open.push(p);
    const first = await startJob(p, { refine: 'fast' }, { workers: 0 }).done;
    const img = [...p.images.all()].find((i) => p.images.tags(i.id).length >= 2)!;
    const lost = p.images.tags(img.id)[1];
    p.db.prepare("DELETE FROM cams WHERE image_id = ? AND class_idx = ? AND layer = 'layer4'").run(img.id, lost);
    const re = await rethresholdJob(p, first.jobId, { bg: 0.3 }, { refine: 'fast', workers: 0 });
    expect(re).toMatchObject({ state: 'done', done: 3, failed: 0 });
    expect(p.masks.current(img.id)!.version.provenance.refine?.steps).toEqual([
      { step: 'gate', ran: false, reason: `no layer4 map for class ${lost}` },
      { step: 'par', ran: true },
    ]);
  });

  it('refuses an unknown preset naming the choices', async () => {
    const p = await demoProject(tmp.dir, 1);
    open.push(p);
    expect(() => startJob(p, { refine: 'fancy' }, { workers: 0 })).toThrow(/unknown refinement preset 'fancy' \(none, fast, best\)/);
  });
});
