// Each R-CAM rule against the naive matrix-form reference (float64 loops written from the
// spec), table-driven on tiny graphs, with two relevance rows at once (batched targets)
// and conservation where the rule conserves.
import { beforeAll, describe, expect, it } from 'vitest';
import { planWalk } from '../../../src/engine/exec/walk.ts';
import { rcamComposite } from '../../../src/engine/rules/composites.ts';
import { GraphBuilder } from '../../helpers/models.ts';
import { naiveRelevance } from './naive/reference.ts';
import { engineRelevance, relErr, useBackend, ruleCase, type RuleCase } from './setup.ts';

beforeAll(() => useBackend('cpu'));

interface Case extends RuleCase {
  bias?: 'ignore' | 'official';
  /** give the convs that read the image the zᴮ rule (the composite built with the graph) */
  zbox?: boolean;
  /** float32 vs float64 tolerance (a signed split near main + short = 0 amplifies rounding) */
  tol?: number;
}

const CASES: Case[] = [
  { name: 'conv 3×3/1 p1 on a ReLU output (z⁺ only)', build: (b) => ({ from: b.unary('relu', 'r', 'x'), out: b.conv('c', 'r', 3, 5, 3, 1, 1) }) },
  { name: 'conv 3×3/2 p1 on a signed input (x⁺W⁺ + x⁻W⁻)', build: (b) => ({ from: 'x', out: b.conv('c', 'x', 3, 5, 3, 2, 1) }), conserves: true },
  { name: 'conv 1×1/2 (downsample)', build: (b) => ({ from: b.unary('relu', 'r', 'x'), out: b.conv('c', 'r', 3, 6, 1, 2, 0) }) },
  { name: 'conv 7×7/2 p3 with bias, bias ignored', build: (b) => ({ from: 'x', out: b.conv('c', 'x', 3, 4, 7, 2, 3, true) }), size: 12, conserves: true },
  { name: 'conv 7×7/2 p3 with bias, official (z⁺ + 2b)', build: (b) => ({ from: 'x', out: b.conv('c', 'x', 3, 4, 7, 2, 3, true) }), size: 12, bias: 'official' },
  { name: 'conv 3×3 dilation 2', build: (b) => ({ from: 'x', out: b.conv('c', 'x', 3, 4, 3, 1, 2, false, 2) }), conserves: true },
  { name: 'dense on a flattened signed input, bias ignored', build: (b) => ({ from: 'x', out: b.dense('d', b.flatten('f', 'x'), 5 * 5 * 3, 7) }), size: 5, conserves: true },
  { name: 'dense, official bias', build: (b) => ({ from: 'x', out: b.dense('d', b.flatten('f', 'x'), 5 * 5 * 3, 7) }), size: 5, bias: 'official' },
  {
    name: 'residual block: signed split + fan-out sum (BN / ReLU identity)',
    build: (b) => {
      const r = b.unary('relu', 'r', 'x');
      const m = b.bn('bn2', b.conv('c2', b.unary('relu', 'r1', b.bn('bn1', b.conv('c1', r, 3, 4, 3, 1, 1), 4)), 4, 6, 3, 1, 1), 6);
      const s = b.bn('bnd', b.conv('cd', r, 3, 6, 1, 1, 0), 6);
      return { from: r, out: b.unary('relu', 'out', b.add('add', m, s)) };
    },
  },
  { name: 'global average pool (keepDims) + flatten + dense', build: (b) => ({ from: b.unary('relu', 'r', 'x'), out: b.dense('fc', b.flatten('f', b.gap('gap', 'r', true)), 3, 5) }) },
  { name: 'global average pool without keepDims', build: (b) => ({ from: 'x', out: b.dense('fc', b.gap('gap', 'x', false), 3, 5, false) }) },
  { name: 'max pool 3×3/2 p1 (winner-take-all)', build: (b) => ({ from: b.unary('relu', 'r', 'x'), out: b.maxpool('mp', 'r', 3, 2, 1) }), conserves: true },
  { name: 'max pool 2×2/2 (VGG) on a signed input', build: (b) => ({ from: 'x', out: b.maxpool('mp', 'x', 2, 2, 0) }), conserves: true },
  { name: 'avg pool 3×3/2 p1 count_include_pad=false', build: (b) => ({ from: b.unary('relu', 'r', 'x'), out: b.avgpool('ap', 'r', 3, 2, 1, false) }), conserves: true },
  {
    name: 'pad + concat',
    build: (b) => {
      const p = b.pad('p', 'x', [1, 0, 2, 1]);
      return { from: 'x', out: b.concat('cat', [b.conv('ca', p, 3, 2, 3, 1, 1), b.conv('cb', p, 3, 3, 1, 1, 0)]) };
    },
  },
  { name: 'first conv 7×7/2 p3 with bias: zᴮ (box of the input, bias ignored)', build: (b) => ({ from: 'x', out: b.conv('c', 'x', 3, 4, 7, 2, 3, true) }), size: 12, zbox: true, conserves: true },
  {
    name: 'zero pad (Keras ZeroPadding2D) + first conv: zᴮ with the padded border outside the box',
    build: (b) => ({ from: 'x', out: b.unary('relu', 'r', b.conv('c', b.pad('p', 'x', [3, 3, 2, 2]), 3, 4, 7, 2, 0)) }),
    size: 12,
    zbox: true,
    conserves: true,
  },
  { name: 'signed add alone conserves (fractions sum to 1)', build: (b) => ({ from: 'x', out: b.add('add', 'x', b.bn('bn', 'x', 3)) }), conserves: true, tol: 2e-3 },
];

describe('R-CAM rules vs the naive matrix-form reference', () => {
  it.each(CASES)('$name', (c) => {
    const { size, graph, from, out, input, env, batch, start, row: startRow } = ruleCase(c);
    const got = engineRelevance(graph, input, [size, size], from, start, batch, rcamComposite({ bias: c.bias, graph: c.zbox ? graph : undefined }));
    const n = env.get(from)!.d.length;
    expect(got.length).toBe(batch * n);
    for (let k = 0; k < batch; k++) {
      const s = startRow(k);
      const ref = naiveRelevance(graph, env, from, out, s, c.bias, c.zbox);
      const row = got.subarray(k * n, (k + 1) * n);
      expect(relErr(row, ref.d)).toBeLessThan(c.tol ?? 1e-4);
      if (c.conserves) {
        const sumIn = row.reduce((a, v) => a + v, 0);
        const sumOut = s.d.reduce((a, v) => a + v, 0);
        expect(Math.abs(sumIn - sumOut)).toBeLessThan((c.tol ?? 1e-4) * Math.max(1, Math.abs(sumOut)));
      }
    }
  });

  it('an unknown / unsupported node type names the node and its type', () => {
    const b = new GraphBuilder();
    const out = b.unary('softmax', 'gate', b.conv('c', 'x', 3, 2, 3, 1, 1));
    const graph = b.graph('x', b.dense('fc', b.flatten('f', out), 4 * 4 * 2, 3), [4, 4, 3]);
    expect(() => planWalk(graph, 'x', 'fc', rcamComposite())).toThrow(/node "gate" of type "softmax" has no rule in the rcam composite/);
  });

  it('a composite entry naming a node overrides the type rule', () => {
    const b = new GraphBuilder();
    const out = b.unary('sigmoid', 'gate', b.conv('c', 'x', 3, 2, 3, 1, 1));
    const graph = b.graph('x', out, [4, 4, 3]);
    const comp = rcamComposite().with([{ match: { name: 'gate' }, rule: rcamComposite().ruleFor(graph.nodes[0]) }]);
    expect(planWalk(graph, 'x', 'gate', comp).steps.map((s) => s.rule.name)).toEqual(['zplus(bias=ignore)', 'zplus(bias=ignore)']);
  });
});
