// CLRP as a method (docs/engine.md §5.1): the relevance itself, summed over channels, at a
// layer and at the input (the walk continued through max-pool and the zᴮ first conv), on
// both executors, against the naive float64 reference written from the spec (r > 0.9999,
// relative error < 1e-4, identical mean+std masks) — on narrow ResNet-18/50 built here and
// on the committed demo net, as ONNX and as the TF.js layers model (whose first conv reads
// a ZeroPadding2D output).
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../src/engine/ir.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { resolveLayer } from '../../../src/engine/layer-names.ts';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import { OrtCamModel } from '../../../src/engine/ort/cam-model.ts';
import { planCamWalk } from '../../../src/engine/cams/walk-cam.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { expectMatchesReference, REFERENCE_NETS } from './naive/check.ts';
import { naiveClrp, naiveForward, naiveRelevance, nt } from './naive/reference.ts';
import { maxAbs, relErr, toNT, useBackend } from './setup.ts';
import { tempDir } from './ort/helpers.ts';

beforeAll(() => useBackend('cpu'));
const cacheDir = tempDir('rs-clrp-');
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const DEMO = path.resolve(import.meta.dirname, '../../../demo/model');

interface Case {
  name: string;
  graph: () => Promise<Graph>;
  size: number;
  layers: string[];
  target?: number;
}

const CASES: Case[] = [
  ...REFERENCE_NETS.map(({ depth, width }) => ({
    name: `ResNet-${depth} (width ${width})`,
    graph: async () => resnet(depth, { width, size: 64, classes: 20, seed: depth + 100 }),
    size: 64,
    layers: ['input', 'layer2', 'layer3', 'layer4'],
  })),
  { name: 'the demo net (classifier.onnx)', graph: () => loadModel(path.join(DEMO, 'classifier.onnx')), size: 128, layers: ['input', 'layer2'], target: 3 },
  { name: 'the demo net as a TF.js layers model (ZeroPadding2D before conv1)', graph: () => loadModel(path.join(DEMO, 'tfjs/model.json')), size: 128, layers: ['input'], target: 3 },
];

describe.each(CASES)('CLRP on $name matches the naive reference', (c) => {
  let graph: Graph;
  let tfjs: CamModel;
  let ort: OrtCamModel;
  const input = randomInput([1, c.size, c.size, 3], 11);
  beforeAll(async () => {
    graph = await c.graph();
    tfjs = new CamModel(graph);
    ort = await OrtCamModel.create(graph, { cacheDir });
  });
  afterAll(async () => {
    tfjs.dispose();
    await ort.dispose();
  });

  it.each(c.layers)('%s, both executors', async (layer) => {
    const ref = naiveClrp(graph, toNT(input, c.size, c.size, 3), resolveLayer(graph, layer), c.target);
    expect(maxAbs(ref.map)).toBeGreaterThan(0);
    const req = { method: 'clrp' as const, layer, targets: c.target === undefined ? undefined : [c.target] };
    const viaTfjs = tfjs.run(input, [c.size, c.size], req).maps[0];
    expectMatchesReference(viaTfjs, ref, c.size);
    const viaOrt = (await ort.run(input, [c.size, c.size], req)).maps[0];
    expectMatchesReference(viaOrt, ref, c.size);
    if (layer === 'input') expect([viaOrt.h, viaOrt.w]).toEqual([c.size, c.size]);
    // the float64 loops through the whole 128-px demo net take ≈ 25 s alone, minutes on a loaded machine
  }, 300_000);
});

describe('CLRP at the input', () => {
  const graph = resnet(18, { width: 4, size: 32, classes: 5, seed: 12 });
  const input = randomInput([1, 32, 32, 3], 4);

  it('the first conv takes zᴮ, every other conv z⁺, the max-pool winner-takes-all', () => {
    const plan = planCamWalk(graph, { method: 'clrp', layerTensor: resolveLayer(graph, 'input'), bias: 'ignore' });
    const rules = new Map(plan.steps.map((s) => [s.node.name, s.rule.name]));
    expect(rules.get('conv1')).toBe('zbox');
    expect(rules.get('layer1.0.conv1')).toBe('zplus(bias=ignore)');
    expect(rules.get('maxpool')).toBe('maxpool-wta');
  });

  it('zᴮ is not z⁺: a z⁺ first conv would give another pixel map', () => {
    const m = new CamModel(graph);
    const ours = m.run(input, [32, 32], { method: 'clrp', layer: 'input' }).maps[0];
    m.dispose();
    const env = naiveForward(graph, toNT(input, 32, 32, 3));
    const k = env.get(graph.output)!.d.length;
    const start = nt(1, 1, k, true, Float64Array.from({ length: k }, (_, j) => (j === ours.target ? 1 : -1 / k)));
    const zplus = naiveRelevance(graph, env, 'input', graph.output, start, 'ignore', false);
    const zplusMap = new Float64Array(32 * 32);
    zplus.d.forEach((v, i) => (zplusMap[Math.floor(i / 3)] += v));
    expect(relErr(ours.data, naiveClrp(graph, toNT(input, 32, 32, 3), 'input', ours.target).map)).toBeLessThan(1e-4);
    expect(relErr(ours.data, zplusMap)).toBeGreaterThan(0.05);
  });

  // conserved up to what z⁺ drops where a denominator is 0 (and zᴮ's 1e-9): here ≈ 0.1 %
  it('relevance is conserved from the logits to the pixels: the map sums to the start row\'s 1 − (C−1)/C', () => {
    const m = new CamModel(graph);
    const r = m.run(input, [32, 32], { method: 'clrp', layer: 'input', targets: [0, 3] });
    m.dispose();
    for (const map of r.maps) {
      const total = map.data.reduce((a, v) => a + v, 0);
      expect(Math.abs(total - 1 / 5)).toBeLessThan(0.01 / 5);
    }
  });
});
