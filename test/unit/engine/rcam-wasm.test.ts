// The same acceptance check on the studio's default backend (wasm: XNNPACK convs, the
// polyphase / flipped-kernel transposed convs), including an odd input size.
import { beforeAll, expect, it } from 'vitest';
import { resolveLayer } from '../../../src/engine/layer-names.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { displayMap, meanStdMask } from '../../../src/engine/cams/display.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { naiveRcam, pearson } from './naive/reference.ts';
import { toNT, useBackend } from './setup.ts';

beforeAll(() => useBackend('wasm'));

it.each([
  { depth: 50 as const, width: 4, size: 64, layers: ['layer2', 'layer3'] },
  { depth: 18 as const, width: 8, size: 57, layers: ['layer1', 'layer2', 'layer4'] },
])('wasm R-CAM on ResNet-$depth at $size×$size matches the naive reference', ({ depth, width, size, layers }) => {
  const graph = resnet(depth, { width, size, classes: 20, seed: depth + 7 });
  const input = randomInput([1, size, size, 3], 13);
  const model = new CamModel(graph);
  for (const layer of layers) {
    const ref = naiveRcam(graph, toNT(input, size, size, 3), resolveLayer(graph, layer));
    const m = model.run(input, [size, size], { method: 'rcam', layer }).maps[0];
    expect(pearson(m.data, ref.map)).toBeGreaterThan(0.9999);
    const ours = meanStdMask(displayMap(m.data, m.h, m.w, size, size));
    const theirs = meanStdMask(displayMap(Float32Array.from(ref.map), ref.h, ref.w, size, size));
    expect(Array.from(ours)).toEqual(Array.from(theirs));
  }
  model.dispose();
});
