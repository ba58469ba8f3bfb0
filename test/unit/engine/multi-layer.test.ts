// Several layers from one walk: the maps a request returns for its further layers
// (CamRequest.deepLayers) equal the maps of separate single-layer requests, on both
// executors, for the committed demo model and a test-built ResNet; the TF.js executor keeps
// tf.memory() flat; a layer off the walk, and Score-CAM, are refused with a clear message.
import { rmSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../src/engine/ir.ts';
import { loadModel } from '../../../src/engine/load.ts';
import type { CamRequest, CamResult, WalkMethod } from '../../../src/engine/cams/methods.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { maxAbs, relErr, useBackend } from './setup.ts';
import { bothExecutors, tempDir } from './ort/helpers.ts';

beforeAll(() => useBackend('cpu'));
const cacheDir = tempDir('rs-multi-layer-');
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const METHODS: WalkMethod[] = ['rcam', 'gradcam', 'gradcampp', 'layercam'];
const DEMO = path.resolve(import.meta.dirname, '../../../demo/model/classifier.onnx');

interface Executor {
  run(input: Float32Array, hw: [number, number], req: CamRequest): Promise<CamResult> | CamResult;
}

/** the further layers' maps equal single-layer runs at those layers, target by target */
async function expectSameAsSingle(ex: Executor, input: Float32Array, hw: [number, number], req: CamRequest): Promise<void> {
  const multi = await ex.run(input, hw, req);
  const alone = await ex.run(input, hw, { ...req, deepLayers: undefined });
  expect(multi.layerTensor).toBe(alone.layerTensor);
  expect(multi.maps.map((m) => m.target)).toEqual(alone.maps.map((m) => m.target));
  multi.maps.forEach((m, b) => expect(relErr(m.data, alone.maps[b].data)).toBeLessThan(1e-6));
  expect(multi.deep.map((d) => d.layer)).toEqual(req.deepLayers);
  for (const d of multi.deep) {
    const single = await ex.run(input, hw, { ...req, layer: d.layer, deepLayers: undefined });
    expect(d.layerTensor).toBe(single.layerTensor);
    expect(d.maps.map((m) => m.target)).toEqual(single.maps.map((m) => m.target));
    d.maps.forEach((m, b) => {
      const want = single.maps[b];
      expect([m.h, m.w]).toEqual([want.h, want.w]);
      expect(m.reluAfterResize).toBe(false);
      // a degenerate (all-zero) map would make the comparison empty
      if (req.method === 'rcam') expect(maxAbs(want.data)).toBeGreaterThan(0);
      expect(relErr(m.data, want.data)).toBeLessThan(1e-5);
    });
  }
}

interface Case {
  name: string;
  graph: () => Promise<Graph>;
  size: number;
  targets: number[] | undefined;
}

const cases: Case[] = [
  { name: 'demo model (classifier.onnx)', graph: () => loadModel(DEMO), size: 128, targets: undefined },
  { name: 'ResNet-18 built in the test', graph: async () => resnet(18, { width: 4, size: 64, classes: 6, seed: 5 }), size: 64, targets: [1, 4] },
];

describe.each(cases)('$name', ({ graph: load, size, targets }) => {
  const ex = bothExecutors(load, cacheDir);
  const input = randomInput([1, size, size, 3], 33);

  it.each(METHODS)('%s at layer2 + layer3, layer4: TF.js', async (method) => {
    await expectSameAsSingle(ex.tfjs, input, [size, size], { method, layer: 'layer2', deepLayers: ['layer3', 'layer4'], targets });
  });

  it.each(METHODS)('%s at layer2 + layer4, layer3: onnxruntime', async (method) => {
    await expectSameAsSingle(ex.ort, input, [size, size], { method, layer: 'layer2', deepLayers: ['layer4', 'layer3'], targets });
  });

  it('both executors give the same deep maps', async () => {
    const req: CamRequest = { method: 'rcam', layer: 'layer2', deepLayers: ['layer3', 'layer4'], targets };
    const a = ex.tfjs.run(input, [size, size], req);
    const b = await ex.ort.run(input, [size, size], req);
    a.deep.forEach((d, i) => d.maps.forEach((m, t) => expect(relErr(b.deep[i].maps[t].data, m.data)).toBeLessThan(1e-4)));
  });
});

describe('requests the walk cannot serve', () => {
  const graph = resnet(18, { width: 4, size: 32, classes: 6, seed: 5 });
  const input = randomInput([1, 32, 32, 3], 3);
  const ex = bothExecutors(() => graph, cacheDir);

  it('a layer shallower than the primary one is not on its walk', async () => {
    const req: CamRequest = { method: 'rcam', layer: 'layer3', deepLayers: ['layer2'] };
    expect(() => ex.tfjs.run(input, [32, 32], req)).toThrow(/deepLayers: layer "layer2" \(.*\) is not on the walk from the logits down to "layer3"/);
    await expect(ex.ort.run(input, [32, 32], req)).rejects.toThrow(/is not on the walk/);
  });

  it('Score-CAM takes one layer per request', async () => {
    const req: CamRequest = { method: 'scorecam', layer: 'layer2', deepLayers: ['layer3'] };
    expect(() => ex.tfjs.run(input, [32, 32], req)).toThrow(/scorecam has no backward walk/);
    await expect(ex.ort.run(input, [32, 32], req)).rejects.toThrow(/scorecam has no backward walk/);
  });

  it('keeps tf.memory().numTensors flat across repeated multi-layer requests', () => {
    const req: CamRequest = { method: 'rcam', layer: 'layer2', deepLayers: ['layer3', 'layer4'], targets: [0, 2] };
    ex.tfjs.run(input, [32, 32], req);
    ex.tfjs.run(input, [32, 32], { ...req, method: 'gradcampp' });
    const warm = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      ex.tfjs.run(input, [32, 32], req);
      ex.tfjs.run(input, [32, 32], { ...req, method: 'gradcampp' });
      ex.tfjs.run(input, [32, 32], { ...req, targets: undefined });
      expect(tf.memory().numTensors).toBe(warm);
    }
  });
});
