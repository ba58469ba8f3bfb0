// The compiled-graph disk cache: a second model object reads the compiled graph instead of
// compiling, and a changed model file (new weights) gives a new entry whose maps follow the
// new weights.
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../../../src/engine/load.ts';
import { OrtCamModel } from '../../../../src/engine/ort/cam-model.ts';
import { CamModel } from '../../../../src/engine/tfjs/cam-model.ts';
import { randomInput, resnet } from '../../../helpers/models.ts';
import { graphToOnnx } from '../../../helpers/serialize.ts';
import { pearson } from '../naive/reference.ts';
import { useBackend } from '../setup.ts';
import { SIZE, tempDir } from './helpers.ts';

beforeAll(() => useBackend('cpu'));
const dir = tempDir('rs-ort-cache-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const input = randomInput([1, SIZE, SIZE, 3], 3);
const req = { method: 'rcam' as const, layer: 'layer2', targets: [2] };

describe('compiled-graph cache', () => {
  const file = path.join(dir, 'model.onnx');
  const cacheDir = path.join(dir, 'cache');

  it('compiles once, then reads the cached graph; a changed model file compiles anew', async () => {
    writeFileSync(file, graphToOnnx(resnet(18, { width: 4, size: SIZE, classes: 5, seed: 1 })));
    const first = await OrtCamModel.create(await loadModel(file), { cacheDir });
    const a = await first.run(input, [SIZE, SIZE], req);
    expect(first.stats).toEqual({ compiled: 1, cacheHits: 0 });
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.onnx'))).toHaveLength(1);
    await first.dispose();

    const again = await OrtCamModel.create(await loadModel(file), { cacheDir });
    const b = await again.run(input, [SIZE, SIZE], req);
    expect(again.stats).toEqual({ compiled: 0, cacheHits: 1 });
    expect(Array.from(b.maps[0].data)).toEqual(Array.from(a.maps[0].data));
    // another layer is another graph
    await again.run(input, [SIZE, SIZE], { ...req, layer: 'layer3' });
    expect(again.stats).toEqual({ compiled: 1, cacheHits: 1 });
    await again.dispose();

    // the user retrains: same file name, new weights
    writeFileSync(file, graphToOnnx(resnet(18, { width: 4, size: SIZE, classes: 5, seed: 2 })));
    const graph = await loadModel(file);
    const changed = await OrtCamModel.create(graph, { cacheDir });
    const c = await changed.run(input, [SIZE, SIZE], req);
    expect(changed.stats).toEqual({ compiled: 1, cacheHits: 0 });
    expect(readdirSync(cacheDir).filter((f) => f.endsWith('.onnx'))).toHaveLength(3);
    const tfjs = new CamModel(graph);
    const want = tfjs.run(input, [SIZE, SIZE], req);
    expect(pearson(c.maps[0].data, want.maps[0].data)).toBeGreaterThan(0.99999);
    expect(pearson(c.maps[0].data, a.maps[0].data)).toBeLessThan(0.999);
    tfjs.dispose();
    await changed.dispose();
  });

  it('a cache folder that cannot be written only costs the caching', async () => {
    const blocker = path.join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const m = await OrtCamModel.create(resnet(18, { width: 4, size: SIZE, classes: 5, seed: 1 }), { cacheDir: path.join(blocker, 'cache') });
    const r = await m.run(input, [SIZE, SIZE], req);
    expect(r.maps[0].data.length).toBe(r.maps[0].h * r.maps[0].w);
    expect(m.stats.compiled).toBe(1);
    await m.dispose();
  });
});
