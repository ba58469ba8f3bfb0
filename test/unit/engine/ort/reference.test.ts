// The engine's reference check, unchanged, with the onnxruntime executor: R-CAM vs the
// naive float64 reference of the spec on narrow ResNet-18 / ResNet-50 at layers 2–4
// (Pearson r > 0.9999, relative error < 1e-4, identical mean+std masks).
import { afterAll, beforeAll, describe, it } from 'vitest';
import { resolveLayer } from '../../../../src/engine/layer-names.ts';
import { OrtCamModel } from '../../../../src/engine/ort/cam-model.ts';
import { randomInput, resnet } from '../../../helpers/models.ts';
import { expectMatchesReference, REFERENCE_NETS } from '../naive/check.ts';
import { naiveRcam } from '../naive/reference.ts';
import { toNT } from '../setup.ts';

const SIZE = 64;

describe.each(REFERENCE_NETS)('onnxruntime R-CAM on ResNet-$depth (width $width) matches the naive reference', ({ depth, width }) => {
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
    expectMatchesReference(m, ref, SIZE);
  });
});
