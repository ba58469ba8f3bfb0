// The rules of the CNN blocks beyond ResNet (docs/engine.md §13), table-driven on tiny graphs:
// relevance against the naive float64 reference (written from the spec) and the gradient
// walk against central differences of the naive float64 forward, two start rows at once.
import { beforeAll, describe, expect, it } from 'vitest';
import type { ActivationFn } from '../../../src/engine/ir.ts';
import { gradientComposite, rcamComposite } from '../../../src/engine/rules/composites.ts';
import { naiveForward, naiveRelevance, type NT } from './naive/reference.ts';
import { engineRelevance, relErr, useBackend, ruleCase, type RuleCase } from './setup.ts';

beforeAll(() => useBackend('cpu'));

type Case = RuleCase;

/** conv → activation → conv, so the activation's input is signed and its output feeds z⁺ */
const activationCase = (fn: ActivationFn, alpha?: number, beta?: number): Case => ({
  name: `${fn}${alpha !== undefined ? `(${alpha}, ${beta})` : ''} between two convs`,
  build: (b) => {
    const a = b.act(fn, 'act', b.conv('c1', 'x', 3, 6, 3, 1, 1, true), alpha, beta);
    return { from: 'x', out: b.conv('c2', a, 6, 4, 3, 1, 1) };
  },
});

const CASES: Case[] = [
  { name: 'grouped conv 3×3/1 p1, 2 groups (ResNeXt)', build: (b) => ({ from: b.conv('c0', 'x', 3, 4, 1), out: b.groupConv('g', 'c0', 4, 6, 3, 2, 1, 1) }), conserves: true },
  { name: 'grouped conv 3×3/2 p1, 4 groups of 2', build: (b) => ({ from: b.unary('relu', 'r', b.conv('c0', 'x', 3, 8, 1)), out: b.groupConv('g', 'r', 8, 8, 3, 4, 2, 1) }) },
  { name: 'depthwise conv 3×3/1 p1', build: (b) => ({ from: b.conv('c0', 'x', 3, 5, 1), out: b.groupConv('dw', 'c0', 5, 5, 3, 5, 1, 1) }) },
  { name: 'depthwise conv 5×5/2 p2, multiplier 2', build: (b) => ({ from: b.conv('c0', 'x', 3, 4, 1), out: b.groupConv('dw', 'c0', 4, 8, 5, 4, 2, 2, true) }), size: 9, conserves: true },
  activationCase('clip', 0, 6),
  activationCase('leakyrelu', 0.1),
  activationCase('elu', 1),
  activationCase('hardsigmoid', 1 / 6, 0.5),
  activationCase('hardswish'),
  activationCase('silu'),
  activationCase('gelu'),
  activationCase('gelu-tanh'),
  activationCase('mish'),
  activationCase('tanh'),
  activationCase('softplus'),
  activationCase('erf'),
  {
    name: 'squeeze-excitation gate (signal takes all)',
    build: (b) => {
      const x = b.unary('relu', 'r', b.conv('c0', 'x', 3, 6, 3, 1, 1));
      const s = b.act('hardsigmoid', 'hs', b.conv('fc2', b.unary('relu', 'sr', b.conv('fc1', b.gap('sq', x, true), 6, 3, 1, 1, 0, true)), 3, 6, 1, 1, 0, true), 1 / 6, 0.5);
      return { from: x, out: b.conv('c1', b.mul('se', x, s), 6, 4, 1) };
    },
  },
  { name: 'x·σ(x) as a gate', build: (b) => { const c = b.conv('c0', 'x', 3, 5, 3, 1, 1); return { from: 'x', out: b.conv('c1', b.mul('m', c, b.unary('sigmoid', 's', c)), 5, 4, 1) }; } },
  { name: 'layer scale + shift (affine)', build: (b) => ({ from: 'x', out: b.conv('c1', b.affine('ls', b.conv('c0', 'x', 3, 5, 3, 1, 1), 5, true, true), 5, 4, 1) }) },
  { name: 'LayerNorm over channels', build: (b) => ({ from: 'x', out: b.conv('c1', b.layernorm('ln', b.conv('c0', 'x', 3, 6, 3, 1, 1), 6), 6, 4, 1) }) },
  { name: 'GroupNorm, 3 groups', build: (b) => ({ from: 'x', out: b.conv('c1', b.groupnorm('gn', b.conv('c0', 'x', 3, 6, 3, 1, 1), 6, 3), 6, 4, 1) }) },
  {
    name: 'channel split + shuffle (ShuffleNet unit)',
    build: (b) => {
      const c = b.unary('relu', 'r', b.conv('c0', 'x', 3, 8, 1));
      const left = b.slice('s1', c, 0, 4);
      const right = b.unary('relu', 'br', b.conv('bc', b.slice('s2', c, 4, 4), 4, 4, 3, 1, 1));
      return { from: c, out: b.conv('c1', b.shuffle('sh', b.concat('cat', [left, right]), 8, 2), 8, 3, 1) };
    },
  },
  { name: 'reshape [C] → [1, 1, C] (a squeeze-excitation vector)', build: (b) => ({ from: 'x', out: b.dense('d', b.flatten('f', b.reshape('rs', b.gap('g', 'x', false), [1, 1, 3])), 3, 4) }) },
  {
    name: 'dense block: concat of growing features, avgpool transition',
    build: (b) => {
      const x0 = b.unary('relu', 'r0', b.conv('c0', 'x', 3, 4, 3, 1, 1));
      const l1 = b.conv('l1', b.unary('relu', 'n1', b.bn('bn1', x0, 4)), 4, 2, 3, 1, 1);
      const c1 = b.concat('cat1', [x0, l1]);
      const l2 = b.conv('l2', b.unary('relu', 'n2', b.bn('bn2', c1, 6)), 6, 2, 3, 1, 1);
      const c2 = b.concat('cat2', [c1, l2]);
      return { from: x0, out: b.avgpool('pool', b.conv('t', b.unary('relu', 'tr', b.bn('tbn', c2, 8)), 8, 4, 1), 2, 2, 0) };
    },
  },
];

describe('§13 relevance rules vs the naive reference', () => {
  it.each(CASES)('$name', (c) => {
    const { size, graph, from, out, input, env, batch, start, row } = ruleCase(c);
    const got = engineRelevance(graph, input, [size, size], from, start, batch, rcamComposite());
    const n = env.get(from)!.d.length;
    expect(got.length).toBe(batch * n);
    for (let k = 0; k < batch; k++) {
      const ref = naiveRelevance(graph, env, from, out, row(k));
      const rowGot = got.subarray(k * n, (k + 1) * n);
      expect(Math.max(...ref.d.map(Math.abs))).toBeGreaterThan(0);
      expect(relErr(rowGot, ref.d)).toBeLessThan(1e-4);
      if (c.conserves) {
        const sumIn = rowGot.reduce((a, v) => a + v, 0);
        const sumOut = row(k).d.reduce((a, v) => a + v, 0);
        expect(Math.abs(sumIn - sumOut)).toBeLessThan(1e-4 * Math.max(1, Math.abs(sumOut)));
      }
    }
  });
});

/** ∂(start · out)/∂from by central differences of the float64 forward */
function fdGradient(graph: ReturnType<typeof ruleCase>['graph'], env: Map<string, NT>, from: string, out: string, s: NT): Float64Array {
  const a = env.get(from)!;
  const g = new Float64Array(a.d.length);
  const eps = 1e-6;
  const f = (t: NT) => {
    const o = naiveForward(graph, env.get(graph.input.name)!, new Map([[from, t]])).get(out)!;
    return o.d.reduce((acc, v, i) => acc + v * s.d[i], 0);
  };
  for (let i = 0; i < a.d.length; i++) {
    const plus: NT = { ...a, d: a.d.slice() };
    const minus: NT = { ...a, d: a.d.slice() };
    plus.d[i] += eps;
    minus.d[i] -= eps;
    g[i] = (f(plus) - f(minus)) / (2 * eps);
  }
  return g;
}

describe('§13 gradient rules vs finite differences', () => {
  it.each(CASES)('$name', (c) => {
    const { size, graph, from, out, input, env, batch, start, row } = ruleCase(c);
    const got = engineRelevance(graph, input, [size, size], from, start, batch, gradientComposite());
    const n = env.get(from)!.d.length;
    for (let k = 0; k < batch; k++) {
      const ref = fdGradient(graph, env, from, out, row(k));
      expect(relErr(got.subarray(k * n, (k + 1) * n), ref)).toBeLessThan(1e-3);
    }
  });
});
