import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { canonize } from '../../../src/engine/canonizers/canonizer.ts';
import { foldBatchNorm } from '../../../src/engine/canonizers/fold-batchnorm.ts';
import { forward } from '../../../src/engine/tfjs/forward.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { relErr, useBackend } from './setup.ts';

beforeAll(() => useBackend('cpu'));

it('fold-batchnorm keeps the function, the tensor names and the gradient maps; the original is untouched', () => {
  const graph = resnet(50, { width: 4, size: 48, classes: 8, seed: 3 });
  const before = JSON.stringify(graph.nodes);
  const folded = canonize(graph, [foldBatchNorm]);
  expect(JSON.stringify(graph.nodes)).toBe(before);
  expect(folded.nodes.some((n) => n.op === 'batchnorm')).toBe(false);
  expect(folded.nodes.length).toBe(graph.nodes.filter((n) => n.op !== 'batchnorm').length);
  const data = randomInput([1, 48, 48, 3], 2);
  const x = tf.tensor4d(data, [1, 48, 48, 3]);
  const [a, b] = [forward(graph, x), forward(folded, x)];
  expect(relErr(b.dataSync(), a.dataSync())).toBeLessThan(1e-4);
  tf.dispose([x, a, b]);
  for (const method of ['gradcam', 'layercam'] as const) {
    const [m1, m2] = [new CamModel(graph), new CamModel(folded)];
    const r1 = m1.run(data, [48, 48], { method, layer: 'layer3', targets: [2] }).maps[0].data;
    const r2 = m2.run(data, [48, 48], { method, layer: 'layer3', targets: [2] }).maps[0].data;
    expect(relErr(r2, r1)).toBeLessThan(1e-3);
    m1.dispose();
    m2.dispose();
  }
});
