// The same weights through the ONNX importer (BN kept, and BN folded into the convs as
// torch.onnx.export does by default) and the TF.js layers importer give the same maps as
// the graph built in code (docs/engine.md §3.1: ignoring the folded bias in z⁺ makes the folded file
// exact when every BN scale is positive).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../src/engine/ir.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { displayMap, meanStdMask } from '../../../src/engine/cams/display.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { graphToKeras, graphToOnnx, saveLayersModel } from '../../helpers/serialize.ts';
import { pearson } from './naive/reference.ts';
import { useBackend } from './setup.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'engine-formats-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(() => useBackend('cpu'));

const SIZE = 64;
const graph = resnet(18, { width: 8, size: SIZE, classes: 10, seed: 77, negativeGammas: 0 });
const input = randomInput([1, SIZE, SIZE, 3], 3);

function maps(g: Graph, layer: string, method: 'rcam' | 'gradcam') {
  const m = new CamModel(g);
  try {
    return m.run(input, [SIZE, SIZE], { method, layer, targets: [3] }).maps[0];
  } finally {
    m.dispose();
  }
}

describe('model formats give the same maps', () => {
  it.each(['layer2', 'layer3'])('rcam at %s: code = ONNX (BN kept) = ONNX (BN folded) = TF.js layers', async (layer) => {
    const kept = path.join(dir, 'kept.onnx');
    const folded = path.join(dir, 'folded.onnx');
    writeFileSync(kept, graphToOnnx(graph));
    writeFileSync(folded, graphToOnnx(graph, { foldBn: true }));
    const tfjsFile = await saveLayersModel(graphToKeras(graph), path.join(dir, 'tfjs'));
    const ref = maps(graph, layer, 'rcam');
    const refMask = meanStdMask(displayMap(ref.data, ref.h, ref.w, SIZE, SIZE));
    for (const file of [kept, folded, tfjsFile]) {
      const g = await loadModel(file);
      expect(g.nodes.some((n) => n.op === 'batchnorm')).toBe(file !== folded);
      const got = maps(g, layer, 'rcam');
      expect(pearson(got.data, ref.data), file).toBeGreaterThan(0.99999);
      expect(Array.from(meanStdMask(displayMap(got.data, got.h, got.w, SIZE, SIZE))), file).toEqual(Array.from(refMask));
    }
  });
});
