// One compiled graph serves every target: several targets of one image run as one batch and
// equal separate runs; "target = argmax" (built in-graph) equals the explicit argmax target.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrtCamModel } from '../../../../src/engine/ort/cam-model.ts';
import { randomInput, resnet } from '../../../helpers/models.ts';
import { relErr, useBackend } from '../setup.ts';
import { SIZE } from './helpers.ts';

beforeAll(() => useBackend('cpu'));

const graph = resnet(18, { width: 4, size: SIZE, classes: 6, seed: 5 });
const input = randomInput([1, SIZE, SIZE, 3], 21);
const layer = 'layer2';

describe('batched targets', () => {
  let model: OrtCamModel;
  beforeAll(async () => {
    model = await OrtCamModel.create(graph, { cacheDir: null });
  });
  afterAll(() => model.dispose());

  it.each(['rcam', 'gradcam', 'gradcampp', 'layercam', 'scorecam', 'clrp'] as const)('%s: targets [1, 4, 5] in one run equal one run each', async (method) => {
    const all = await model.run(input, [SIZE, SIZE], { method, layer, targets: [1, 4, 5], scoreBatch: 7 });
    expect(all.maps.map((m) => m.target)).toEqual([1, 4, 5]);
    for (const [i, t] of [1, 4, 5].entries()) {
      const one = await model.run(input, [SIZE, SIZE], { method, layer, targets: [t], scoreBatch: 7 });
      expect(relErr(all.maps[i].data, one.maps[0].data)).toBeLessThan(1e-5);
    }
    // with one compiled graph per method: no recompiles for new targets
    expect(model.stats.compiled).toBeLessThanOrEqual(7);
  });

  it.each([{ init: 'clrp' as const }, { init: 'onehot' as const }])('rcam init=$init: the in-graph argmax start equals the explicit one', async ({ init }) => {
    const auto = await model.run(input, [SIZE, SIZE], { method: 'rcam', layer, init });
    const t = auto.maps[0].target;
    expect(t).toBe(auto.logits.indexOf(Math.max(...auto.logits)));
    const explicit = await model.run(input, [SIZE, SIZE], { method: 'rcam', layer, init, targets: [t] });
    expect(relErr(auto.maps[0].data, explicit.maps[0].data)).toBeLessThan(1e-6);
  });

  it('errors name the class or layer that is wrong', async () => {
    await expect(model.run(input, [SIZE, SIZE], { method: 'rcam', layer, targets: [6] })).rejects.toThrow(/class 6 is out of range: the model has 6 outputs/);
    await expect(model.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer9' })).rejects.toThrow(/layer "layer9" not found/);
    await expect(model.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'fc' })).rejects.toThrow(/not a spatial feature map/);
  });
});
