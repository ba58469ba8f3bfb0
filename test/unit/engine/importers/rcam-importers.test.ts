// The same weights through the ONNX importer (BN kept, and BN folded as torch's default
// export does) and through the TF.js layers importer give the same Relevance-CAM maps.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../../src/engine/ir.ts';
import { loadModel } from '../../../../src/engine/load.ts';
import { CamModel } from '../../../../src/engine/tfjs/cam-model.ts';
import { displayMap, meanStdMask } from '../../../../src/engine/cams/display.ts';
import { randomInput, resnet } from '../../../helpers/models.ts';
import { graphToKeras, graphToOnnx, saveLayersModel } from '../../../helpers/serialize.ts';
import { pearson } from '../naive/reference.ts';
import { useBackend } from '../setup.ts';

const SIZE = 64;
let dir: string;
beforeAll(async () => {
  await useBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'rs-rcam-imp-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function viaOnnx(g: Graph, name: string, foldBn: boolean): Promise<Graph> {
  const file = path.join(dir, `${name}.onnx`);
  await writeFile(file, graphToOnnx(g, { foldBn }));
  return loadModel(file);
}

async function viaTfjs(g: Graph, name: string): Promise<Graph> {
  const model = graphToKeras(g);
  const file = await saveLayersModel(model, path.join(dir, name));
  model.dispose();
  return loadModel(file);
}

function maps(g: Graph, input: Float32Array, layers: string[]) {
  const m = new CamModel(g);
  try {
    return layers.map((layer) => m.run(input, [SIZE, SIZE], { method: 'rcam', layer }).maps[0]);
  } finally {
    m.dispose();
  }
}

function expectSameMaps(a: ReturnType<typeof maps>, b: ReturnType<typeof maps>): void {
  a.forEach((x, i) => {
    const y = b[i];
    expect(y.target).toBe(x.target);
    expect([y.h, y.w]).toEqual([x.h, x.w]);
    expect(pearson(y.data, x.data)).toBeGreaterThan(0.9999);
    const mx = meanStdMask(displayMap(x.data, x.h, x.w, SIZE, SIZE));
    const my = meanStdMask(displayMap(y.data, y.h, y.w, SIZE, SIZE));
    expect(Array.from(my)).toEqual(Array.from(mx));
  });
}

const LAYERS = ['layer2', 'layer3', 'layer4'];

describe.each([
  { depth: 18 as const, width: 8 },
  { depth: 50 as const, width: 4 },
])('ResNet-$depth: R-CAM maps through both importers', ({ depth, width }) => {
  const input = randomInput([1, SIZE, SIZE, 3], 21);

  it('ONNX (BN kept) and TF.js layers (Keras names) give the original graph’s maps', async () => {
    // BN with negative gammas too: both files keep BN, so nothing may change
    const g = resnet(depth, { width, size: SIZE, classes: 12, seed: depth + 7 });
    const want = maps(g, input, LAYERS);
    expectSameMaps(want, maps(await viaOnnx(g, `r${depth}-bn`, false), input, LAYERS));
    expectSameMaps(want, maps(await viaTfjs(g, `r${depth}-tfjs`), input, LAYERS));
  });

  it('the BN-folded ONNX export gives the unfolded maps when every BN scale is positive', async () => {
    const g = resnet(depth, { width, size: SIZE, classes: 12, seed: depth + 8, negativeGammas: 0 });
    const folded = await viaOnnx(g, `r${depth}-folded`, true);
    expect(folded.nodes.some((n) => n.op === 'batchnorm')).toBe(false);
    expectSameMaps(maps(g, input, LAYERS), maps(folded, input, LAYERS));
  });
});
