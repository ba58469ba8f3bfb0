// The engine's reference check, unchanged, with the onnxruntime executor: R-CAM vs the
// naive float64 reference of the spec on narrow ResNet-18 / ResNet-50 at layers 2–4
// (Pearson r > 0.9999, relative error < 1e-4, identical mean+std masks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveLayer } from '../../../../src/engine/layer-names.ts';
import { OrtCamModel } from '../../../../src/engine/ort/cam-model.ts';
import { displayMap, meanStdMask } from '../../../../src/engine/cams/display.ts';
import { randomInput, resnet } from '../../../helpers/models.ts';
import { naiveRcam, pearson } from '../naive/reference.ts';
import { relErr, toNT } from '../setup.ts';

const SIZE = 64;

describe.each([
  { depth: 18 as const, width: 8 },
  { depth: 50 as const, width: 4 },
])('onnxruntime R-CAM on ResNet-$depth (width $width) matches the naive reference', ({ depth, width }) => {
  const graph = resnet(depth, { width, size: SIZE, classes: 20, seed: depth + 100 });
  const input = randomInput([1, SIZE, SIZE, 3], 11);
  let model: OrtCamModel;
  beforeAll(async () => {
    model = await OrtCamModel.create(graph, { cacheDir: null });
  });
  afterAll(() => model.dispose());

  it.each(['layer2', 'layer3', 'layer4'])('%s', async (layer) => {
    const ref = naiveRcam(graph, toNT(input, SIZE, SIZE, 3), resolveLayer(graph, layer));
    const m = (await model.run(input, [SIZE, SIZE], { method: 'rcam', layer })).maps[0];
    expect(m.target).toBe(ref.target);
    expect([m.h, m.w]).toEqual([ref.h, ref.w]);
    expect(pearson(m.data, ref.map)).toBeGreaterThan(0.9999);
    expect(relErr(m.data, ref.map)).toBeLessThan(1e-4);
    const ours = meanStdMask(displayMap(m.data, m.h, m.w, SIZE, SIZE));
    const theirs = meanStdMask(displayMap(Float32Array.from(ref.map), ref.h, ref.w, SIZE, SIZE));
    expect(Array.from(ours)).toEqual(Array.from(theirs));
  });
});
