// Shared fixtures of the onnxruntime executor tests: the test networks (ResNet-style with
// BatchNorm kept and folded, VGG-style, and a net of the less common node types), and the
// comparison of two maps as the acceptance bar states it (Pearson r and the mean+std mask).
import { mkdtempSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import type { Graph } from '../../../../src/engine/ir.ts';
import { importOnnx } from '../../../../src/engine/importers/onnx.ts';
import { CamModel } from '../../../../src/engine/tfjs/cam-model.ts';
import { OrtCamModel } from '../../../../src/engine/ort/cam-model.ts';
import { displayMap, meanStdMask } from '../../../../src/engine/cams/display.ts';
import type { TargetMap } from '../../../../src/engine/cams/methods.ts';
import { GraphBuilder, resnet, vgg16 } from '../../../helpers/models.ts';
import { graphToOnnx } from '../../../helpers/serialize.ts';
import { pearson } from '../naive/reference.ts';

export const SIZE = 32;

/** a network of the node types ResNets and VGGs lack: pad, avgpool without padded cells, concat, sigmoid head */
export function mixedNet(): Graph {
  const b = new GraphBuilder({ seed: 77 });
  let x = b.unary('relu', 'r0', b.conv('c0', 'input', 3, 6, 3, 1, 1, true));
  x = b.pad('pad', x, [1, 0, 2, 1]);
  x = b.avgpool('avg', x, 3, 2, 1, false);
  x = b.unary('relu', 'r1', b.bn('bn1', b.conv('c1', x, 6, 8, 3, 1, 1), 8));
  const left = b.unary('relu', 'ra', b.conv('ca', x, 8, 4, 1));
  const right = b.unary('relu', 'rb', b.conv('cb', x, 8, 4, 3, 1, 2, false, 2));
  x = b.concat('cat', [left, right]);
  x = b.maxpool('mp', x, 3, 2, 1);
  x = b.unary('relu', 'target', b.conv('c2', x, 8, 8, 3, 1, 1, true));
  x = b.unary('relu', 'r3', b.conv('c3', x, 8, 8, 3, 2, 1));
  x = b.gap('gap', x, false);
  const out = b.unary('sigmoid', 'sigmoid', b.dense('fc', x, 8, 5));
  return b.graph('input', out, [SIZE, SIZE, 3]);
}

export interface Net {
  name: string;
  graph: Graph;
  layers: string[];
}

export function testNets(): Net[] {
  const r18 = resnet(18, { width: 4, size: SIZE, classes: 6, seed: 5 });
  const r50 = resnet(50, { width: 4, size: SIZE, classes: 7, seed: 9 });
  const folded = importOnnx(graphToOnnx(resnet(18, { width: 4, size: SIZE, classes: 6, seed: 6, negativeGammas: 0 }), { foldBn: true }), 'resnet18-folded.onnx');
  return [
    { name: 'ResNet-18, BN kept', graph: r18, layers: ['layer2', 'layer3'] },
    { name: 'ResNet-50 (bottleneck), BN kept', graph: r50, layers: ['layer2'] },
    { name: 'ResNet-18, BN folded (torch eval export)', graph: folded, layers: ['layer2'] },
    { name: 'VGG-16', graph: vgg16({ size: SIZE }), layers: ['features.15'] },
    { name: 'pad/avgpool/concat/sigmoid net', graph: mixedNet(), layers: ['target'] },
  ];
}

/**
 * r and how many pixels of the mean+std masks of the display maps (at input size) differ.
 * `tieTol` > 0 ignores pixels where either display map lies within tieTol of its own
 * threshold (on the [0, 1] scale): there two float32 executors may round either way.
 */
export function compareMaps(a: TargetMap, b: TargetMap, tieTol = 0): { r: number; maskDiff: number } {
  const ma = displayMap(a.data, a.h, a.w, SIZE, SIZE, a.reluAfterResize);
  const mb = displayMap(b.data, b.h, b.w, SIZE, SIZE, b.reluAfterResize);
  const [da, db] = [meanStdMask(ma), meanStdMask(mb)];
  const [ta, tb] = [threshold(ma), threshold(mb)];
  let maskDiff = 0;
  for (let i = 0; i < da.length; i++) {
    if (da[i] === db[i]) continue;
    if (tieTol > 0 && (Math.abs(ma[i] - ta) < tieTol || Math.abs(mb[i] - tb) < tieTol)) continue;
    maskDiff++;
  }
  return { r: pearson(a.data, b.data), maskDiff };
}

/** mean + population std, the mean+std mask's threshold */
function threshold(m: Float32Array): number {
  let s = 0;
  for (const v of m) s += v;
  const mean = s / m.length;
  let q = 0;
  for (const v of m) q += (v - mean) ** 2;
  return mean + Math.sqrt(q / m.length);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Both executors of one graph for the tests of a describe block (created before them, released after). */
export function bothExecutors(graph: () => Graph | Promise<Graph>, cacheDir: string): { tfjs: CamModel; ort: OrtCamModel } {
  const ex = {} as { tfjs: CamModel; ort: OrtCamModel };
  beforeAll(async () => {
    const g = await graph();
    ex.tfjs = new CamModel(g);
    ex.ort = await OrtCamModel.create(g, { cacheDir });
  });
  afterAll(async () => {
    ex.tfjs.dispose();
    await ex.ort.dispose();
  });
  return ex;
}
