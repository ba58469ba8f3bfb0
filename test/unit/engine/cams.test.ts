// The CAM methods end to end on small ResNets: gradient methods against finite differences
// of a float64 forward, Score-CAM against a naive loop, batched targets, R-CAM options,
// tensor hygiene and errors.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveLayer } from '../../../src/engine/layer-names.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { fdLayerGradient, gradientMap, naiveScoreCam } from './naive/cams.ts';
import { naiveForward, naiveRcam, pearson } from './naive/reference.ts';
import { relErr, toNT, useBackend } from './setup.ts';

beforeAll(() => useBackend('cpu'));

const SIZE = 32;
const graph = resnet(18, { width: 4, size: SIZE, classes: 6, seed: 5 });
const input = randomInput([1, SIZE, SIZE, 3], 21);
const layer = 'layer2';
const tensor = resolveLayer(graph, layer);
const env = naiveForward(graph, toNT(input, SIZE, SIZE, 3));
const A = env.get(tensor)!;
const logits = env.get(graph.output)!.d;
const predicted = logits.indexOf(Math.max(...logits));

const grad = fdLayerGradient(graph, env, tensor, predicted);

describe('gradient methods (explicit walk, no autograd) vs finite differences', () => {
  const model = new CamModel(graph);
  it.each(['gradcam', 'gradcampp', 'layercam'] as const)('%s', (method) => {
    const res = model.run(input, [SIZE, SIZE], { method, layer });
    expect(res.maps[0].target).toBe(predicted);
    const ref = gradientMap(method, A, grad);
    expect(Math.max(...ref)).toBeGreaterThan(0);
    expect(relErr(res.maps[0].data, ref)).toBeLessThan(1e-3);
  });
});

describe('Score-CAM', () => {
  it('matches a naive per-channel loop (softmax scores, masks on the normalised input)', () => {
    const model = new CamModel(graph);
    const res = model.run(input, [SIZE, SIZE], { method: 'scorecam', layer, scoreBatch: 3 });
    const ref = naiveScoreCam(graph, input, [SIZE, SIZE], A, predicted);
    expect(res.maps[0].reluAfterResize).toBe(true);
    expect(relErr(res.maps[0].data, ref)).toBeLessThan(1e-4);
    model.dispose();
  });
});

describe('targets and options', () => {
  const model = new CamModel(graph);
  it.each(['rcam', 'gradcam', 'scorecam', 'clrp'] as const)('%s: several targets in one batch equal one run each', (method) => {
    const both = model.run(input, [SIZE, SIZE], { method, layer, targets: [1, 4] });
    for (const [i, t] of [1, 4].entries()) {
      const one = model.run(input, [SIZE, SIZE], { method, layer, targets: [t] });
      expect(both.maps[i].target).toBe(t);
      expect(relErr(both.maps[i].data, one.maps[0].data)).toBeLessThan(1e-5);
    }
  });

  it('rcam init=onehot and bias=official follow the naive reference; relu=true clamps', () => {
    const big = resnet(18, { width: 4, size: SIZE, classes: 6, seed: 8 });
    // give the fc a bias that matters for 'official'
    const m = new CamModel(big);
    for (const opts of [{ init: 'onehot' as const }, { bias: 'official' as const }]) {
      const ref = naiveRcam(big, toNT(input, SIZE, SIZE, 3), resolveLayer(big, 'layer3'), 2, opts);
      const got = m.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer3', targets: [2], ...opts });
      expect(pearson(got.maps[0].data, ref.map)).toBeGreaterThan(0.9999);
    }
    const plain = m.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer3', targets: [2] }).maps[0].data;
    const clamped = m.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer3', targets: [2], relu: true }).maps[0].data;
    expect(Array.from(clamped)).toEqual(Array.from(plain, (v) => Math.max(v, 0)));
    m.dispose();
  });

  it('leaves tf.memory().numTensors unchanged after every method, and frees everything on dispose', () => {
    const before = tf.memory().numTensors;
    const m = new CamModel(graph);
    for (const method of ['rcam', 'gradcam', 'gradcampp', 'layercam', 'scorecam'] as const) m.run(input, [SIZE, SIZE], { method, layer });
    const warm = tf.memory().numTensors;
    for (const method of ['rcam', 'gradcam', 'gradcampp', 'layercam', 'scorecam'] as const) {
      m.run(input, [SIZE, SIZE], { method, layer, targets: [0, 2] });
      expect(tf.memory().numTensors).toBe(warm);
    }
    m.predict(input, [1, SIZE, SIZE, 3]);
    expect(tf.memory().numTensors).toBe(warm);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('errors name the layer / class that is wrong', () => {
    expect(() => model.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer9' })).toThrow(/layer "layer9" not found/);
    expect(() => model.run(input, [SIZE, SIZE], { method: 'rcam', layer, targets: [6] })).toThrow(/class 6 is out of range: the model has 6 outputs/);
    expect(() => model.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'fc' })).toThrow(/not a spatial feature map/);
    expect(() => model.run(input.subarray(1), [SIZE, SIZE], { method: 'rcam', layer })).toThrow(/input has 3071 values/);
  });
});
