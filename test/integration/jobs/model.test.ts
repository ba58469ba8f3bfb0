// Model registration: the demo classifier (TF.js layers copy) with its classes.txt and
// preprocess.json found one folder up; refusals for a class list that doesn't fit and a
// layer that doesn't resolve.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createProject, type Project } from '../../../src/project/index.ts';
import { findModel, modelInfo, registerModel } from '../../../src/jobs/index.ts';
import { DEMO, DEMO_MODEL } from './fixture.ts';
import { closedAfterEach, scratchEach } from '../../helpers/scratch.ts';

let p: Project;
const tmp = scratchEach('jobs-model-', (dir) => {
  p = createProject(path.join(dir, 'proj'));
  return () => p.close();
});

/** the demo TF.js model copied to a folder of its own with the given classes.txt */
function modelCopy(classes: string[]): string {
  const dir = path.join(tmp.dir, 'm');
  mkdirSync(dir, { recursive: true });
  for (const f of ['model.json', 'weights.bin']) copyFileSync(path.join(DEMO, 'model', 'tfjs', f), path.join(dir, f));
  writeFileSync(path.join(dir, 'classes.txt'), classes.join('\n') + '\n');
  return path.join(dir, 'model.json');
}

describe('model registration', () => {
  it('registers the demo model: classes by name (missing ones created), preprocess.json, layer2 checked', async () => {
    p.addClass('Bag');
    const r = await registerModel(p, DEMO_MODEL);
    expect(r.added).toBe(true);
    expect(r.createdClasses).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Ankle boot']);
    // Bag existed as class 1; the others follow in model order
    expect(r.model.classMap).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 1, 10]);
    expect(r.preprocess).toMatchObject({ size: [128, 128], channels: 'RGB', output: 'sigmoid', mean: [0.4817, 0.4797, 0.4906] });
    expect(r.preprocessSource).toBe(path.join(DEMO, 'model', 'preprocess.json'));
    expect(r).toMatchObject({ layer: 'layer2', layerTensor: 'conv3_block2_out', layerShape: [16, 16, 32] });
    expect(r.model.format).toBe('tfjs-layers');
    expect(modelInfo(r.model).classNames[8]).toBe('Bag');
    const again = await registerModel(p, DEMO_MODEL);
    expect(again.added).toBe(false);
    expect(again.model.id).toBe(r.model.id);
    expect(findModel(p).id).toBe(r.model.id);
    expect(findModel(p, String(r.model.id)).id).toBe(r.model.id);
    expect(findModel(p, DEMO_MODEL).id).toBe(r.model.id);
  });

  it('refuses a class list whose length is not the output size, naming both', async () => {
    const file = modelCopy(['a', 'b', 'c']);
    await expect(registerModel(p, file)).rejects.toThrow(/classes\.txt: 3 class names for a model with 10 outputs/);
    const bg = modelCopy(['background', ...'abcdefghij'.split('')]);
    await expect(registerModel(p, bg)).rejects.toThrow(/line 1 is 'background'/);
    expect(p.models.list()).toHaveLength(0);
    expect(p.listClasses()).toHaveLength(0);
  });

  it('refuses a layer that does not resolve, and a missing class list', async () => {
    await expect(registerModel(p, DEMO_MODEL, { layer: 'layer9' })).rejects.toThrow(/layer "layer9" not found/);
    await expect(registerModel(p, DEMO_MODEL, { layer: 'predictions' })).rejects.toThrow(/not a spatial feature map/);
    const dir = path.join(tmp.dir, 'bare');
    mkdirSync(dir);
    for (const f of ['model.json', 'weights.bin']) copyFileSync(path.join(DEMO, 'model', 'tfjs', f), path.join(dir, f));
    await expect(registerModel(p, path.join(dir, 'model.json'))).rejects.toThrow(/no class list/);
  });

  it('flags override preprocess.json; an explicit --classes file is used', async () => {
    const classes = path.join(tmp.dir, 'names.txt');
    writeFileSync(classes, 'c0\nc1\nc2\nc3\nc4\nc5\nc6\nc7\nc8\nc9\n');
    const r = await registerModel(p, DEMO_MODEL, { classesFile: classes, preprocess: { channels: 'BGR', output: 'softmax' } });
    expect(r.preprocess).toMatchObject({ channels: 'BGR', output: 'softmax', size: [128, 128] });
    expect(r.createdClasses).toHaveLength(10);
    await expect(registerModel(createProjectIn('p2'), DEMO_MODEL, { preprocess: { channels: 'GRAY' as const, mean: [0.5], std: [0.25] } })).rejects.toThrow(/3 input channels/);
  });
});

const extra = closedAfterEach<Project>();
function createProjectIn(name: string): Project {
  const q = createProject(path.join(tmp.dir, name));
  extra.push(q);
  return q;
}
