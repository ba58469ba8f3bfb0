// The realistic benchmark classifier (test/helpers/realistic-model.ts; outside the
// repository, so this suite runs only as `npm run test:models`, which stops with one line
// when the model folder is missing): the engine's executors give the logits PyTorch stored
// for the scenes expected-logits.json names, and layer1..layer4 resolve as on torchvision.
import { describe, expect, it } from 'vitest';
import { concreteShapes, loadModel, resolveLayer } from '../../src/engine/index.ts';
import { requireRealisticModel } from '../helpers/realistic-model.ts';
import { checkRealisticLogits, LOGIT_TOLERANCE } from '../helpers/realistic-logits.ts';
import { requireFashionMnist } from '../helpers/system-data.ts';

requireFashionMnist();
const MODEL = requireRealisticModel();

describe('the realistic ResNet-18 (224 px)', () => {
  for (const executor of ['onnxruntime', 'tfjs'] as const) {
    it(`${executor}: the logits PyTorch stored, on the regenerated scenes`, async () => {
      const c = await checkRealisticLogits(MODEL, executor);
      expect(c.executor.startsWith(executor)).toBe(true);
      expect(c.scenes).toBeGreaterThanOrEqual(8);
      expect(c.sceneMismatches).toEqual([]);
      expect(c.maxAbsDiff).toBeLessThan(LOGIT_TOLERANCE);
    }, 300_000);
  }

  it('layer1..layer4 resolve to the torchvision stages at strides 4, 8, 16, 32', async () => {
    const graph = await loadModel(MODEL);
    const shapes = concreteShapes(graph, [224, 224]);
    const got = ['layer1', 'layer2', 'layer3', 'layer4'].map((l) => {
      const t = resolveLayer(graph, l);
      return [t, shapes.get(t)];
    });
    expect(got.map(([, s]) => s)).toEqual([
      [56, 56, 64],
      [28, 28, 128],
      [14, 14, 256],
      [7, 7, 512],
    ]);
    expect(String(got[1][0])).toMatch(/layer2\.1/);
  });
});
