// The onnxruntime executor gives the TF.js executor's maps for every method, on ResNets
// (BN kept and folded), VGG-16 and a net of the rarer node types: Pearson r > 0.99999 and
// identical mean+std masks.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAM_METHODS } from '../../../../src/engine/cams/methods.ts';
import { randomInput } from '../../../helpers/models.ts';
import { useBackend } from '../setup.ts';
import { SIZE, bothExecutors, compareMaps, tempDir, testNets } from './helpers.ts';

beforeAll(() => useBackend('cpu'));
const cacheDir = tempDir('rs-ort-eq-');
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const input = randomInput([1, SIZE, SIZE, 3], 21);

describe.each(testNets())('$name', ({ graph, layers }) => {
  const ex = bothExecutors(() => graph, cacheDir);

  for (const layer of layers) {
    it.each([...CAM_METHODS])(`%s at ${layer}`, async (method) => {
      const want = ex.tfjs.run(input, [SIZE, SIZE], { method, layer, scoreBatch: 5 });
      const got = await ex.ort.run(input, [SIZE, SIZE], { method, layer, scoreBatch: 5 });
      expect(got.layerTensor).toBe(want.layerTensor);
      expect(got.maps[0].target).toBe(want.maps[0].target);
      expect([got.maps[0].h, got.maps[0].w]).toEqual([want.maps[0].h, want.maps[0].w]);
      expect(got.maps[0].reluAfterResize).toBe(want.maps[0].reluAfterResize);
      // a degenerate (all-zero) map would make r meaningless
      expect(Math.max(...want.maps[0].data.map(Math.abs))).toBeGreaterThan(0);
      const { r, maskDiff } = compareMaps(got.maps[0], want.maps[0]);
      expect(r).toBeGreaterThan(0.99999);
      expect(maskDiff).toBe(0);
      const scale = Math.max(...want.logits.map(Math.abs));
      for (let i = 0; i < want.logits.length; i++) expect(Math.abs(got.logits[i] - want.logits[i]) / scale).toBeLessThan(1e-5);
      expect(got.timings.executor).toBe('onnxruntime');
      expect(got.timings.provider).toBe('cpu');
    });
  }

  it('predict gives the TF.js logits for a batch of images', async () => {
    const batch = randomInput([2, SIZE, SIZE, 3], 4);
    const want = ex.tfjs.predict(batch, [2, SIZE, SIZE, 3]);
    const got = await ex.ort.predict(batch, [2, SIZE, SIZE, 3]);
    expect(got.length).toBe(want.length);
    const scale = Math.max(...want.map(Math.abs));
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]) / scale).toBeLessThan(1e-4);
  });
});
