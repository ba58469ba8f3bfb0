// Acceptance of the engine's R-CAM (docs/engine.md §3–§6) vs a naive float64 reference of the same math,
// on narrow ResNet-18 and ResNet-50 layouts at layers 2–4: Pearson r > 0.9999 and identical
// mean+std masks on the normalised, upsampled map.
import { beforeAll, describe, it } from 'vitest';
import { resolveLayer } from '../../../src/engine/layer-names.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { expectMatchesReference, REFERENCE_NETS } from './naive/check.ts';
import { naiveRcam } from './naive/reference.ts';
import { toNT, useBackend } from './setup.ts';

const SIZE = 64;

beforeAll(() => useBackend('cpu'));

describe.each(REFERENCE_NETS)('R-CAM on ResNet-$depth (width $width) matches the naive reference', ({ depth, width }) => {
  const graph = resnet(depth, { width, size: SIZE, classes: 20, seed: depth + 100 });
  const input = randomInput([1, SIZE, SIZE, 3], 11);
  const model = new CamModel(graph);

  it.each(['layer2', 'layer3', 'layer4'])('%s', (layer) => {
    const ref = naiveRcam(graph, toNT(input, SIZE, SIZE, 3), resolveLayer(graph, layer));
    const res = model.run(input, [SIZE, SIZE], { method: 'rcam', layer });
    const m = res.maps[0];
    expectMatchesReference(m, ref, SIZE);
  });
});
