// GroupNorm as torch.onnx.export writes it (Reshape → InstanceNormalization → Reshape → Mul →
// Add) becomes one IR groupnorm node computing what onnxruntime computes.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../../../../src/engine/importers/onnx.ts';
import type { GroupNormNode } from '../../../../../src/engine/ir.ts';
import { floatTensor, int64Tensor, makeNode } from '../../../../../src/engine/onnx/build.ts';
import type { NodeProto, TensorProto } from '../../../../../src/engine/onnx/proto.ts';
import { expectSameAsOrt, onnxModel, randomWeight, useCpuAndScratch } from '../fixture.ts';

useCpuAndScratch('rs-onnx-gn-');

const IN = [1, 3, 8, 8];
const C = 6;
const G = 3;

/** conv → GroupNorm(3 groups over 6 channels, as torch writes it) → relu → pooled logits */
function torchGroupNorm(opts: { backTo: 'Shape' | 'constant'; affine: boolean }): { nodes: NodeProto[]; inits: TensorProto[] } {
  const nodes = [
    makeNode('Conv', ['x', 'c.w', 'c.b'], ['c'], '/c/Conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }),
    makeNode('Constant', [], ['grouping'], '/gn/Constant', { value: int64Tensor('grouping.v', [0, G, -1]) }),
    makeNode('Reshape', ['c', 'grouping'], ['r'], '/gn/Reshape'),
    makeNode('Constant', [], ['ones'], '/gn/Constant_1', { value: floatTensor('ones.v', [G], new Float32Array(G).fill(1)) }),
    makeNode('Constant', [], ['zeros'], '/gn/Constant_2', { value: floatTensor('zeros.v', [G], new Float32Array(G)) }),
    makeNode('InstanceNormalization', ['r', 'ones', 'zeros'], ['in'], '/gn/InstanceNormalization', { epsilon: { float: 1e-3 } }),
    ...(opts.backTo === 'Shape' ? [makeNode('Shape', ['c'], ['cshape'], '/gn/Shape')] : []),
    makeNode('Reshape', ['in', 'cshape'], ['back'], '/gn/Reshape_1'),
    makeNode('Mul', ['back', 'gamma'], ['scaled'], '/gn/Mul'),
    makeNode('Add', ['scaled', 'beta'], ['gn'], '/gn/Add'),
    makeNode('Relu', ['gn'], ['r2'], '/relu/Relu'),
    makeNode('GlobalAveragePool', ['r2'], ['gp'], '/gap/GlobalAveragePool'),
    makeNode('Flatten', ['gp'], ['y'], '/Flatten', { axis: 1 }),
  ];
  const perChannel = (name: string, lo: number) => floatTensor(name, [C, 1, 1], Float32Array.from({ length: C }, (_, k) => lo + 0.25 * k));
  const inits = [
    randomWeight('c.w', [C, 3, 3, 3]),
    randomWeight('c.b', [C]),
    opts.affine ? perChannel('gamma', 0.5) : floatTensor('gamma', [1, 1, 1], Float32Array.of(1)),
    opts.affine ? perChannel('beta', -0.5) : floatTensor('beta', [1, 1, 1], Float32Array.of(0)),
    ...(opts.backTo === 'constant' ? [int64Tensor('cshape', [2, C, 8, 8])] : []),
  ];
  return { nodes, inits };
}

describe('ONNX GroupNorm (InstanceNormalization as torch writes it)', () => {
  it.each([
    ['Reshape back by Shape(x), per-channel γ and β', { backTo: 'Shape', affine: true }],
    ['Reshape back by a constant shape, affine=False', { backTo: 'constant', affine: false }],
  ] as const)('matches onnxruntime: %s', async (_label, opts) => {
    const { nodes, inits } = torchGroupNorm(opts);
    const g = await expectSameAsOrt(onnxModel(nodes, inits, IN, 'y', ['N', C]), IN);
    expect(g.nodes.map((n) => n.op)).toEqual(['conv2d', 'groupnorm', 'relu', 'globalavgpool', 'flatten']);
    const gn = g.nodes[1] as GroupNormNode;
    // named after the torch module (its Constants, in the same scope, are named first)
    expect(gn.name).toMatch(/^gn(_\d+)?$/);
    expect(gn).toMatchObject({ groups: G, inputs: ['c'], output: 'gn', gamma: `${gn.name}.weight`, beta: `${gn.name}.bias` });
    expect(gn.epsilon).toBeCloseTo(1e-3, 9);
    expect(Array.from(g.params[gn.gamma!].data)).toEqual(opts.affine ? [0.5, 0.75, 1, 1.25, 1.5, 1.75] : [1, 1, 1, 1, 1, 1]);
    expect(Array.from(g.params[gn.beta!].data)).toEqual(opts.affine ? [-0.5, -0.25, 0, 0.25, 0.5, 0.75] : [0, 0, 0, 0, 0, 0]);
  });

  it('refuses InstanceNormalization on its own, and a grouping that does not divide the channels, naming the node', () => {
    const alone = onnxModel(
      [makeNode('InstanceNormalization', ['x', 's', 'b'], ['y'], '/in/InstanceNormalization')],
      [randomWeight('s', [3]), randomWeight('b', [3])], IN, 'y', ['N', 3, 8, 8],
    );
    expect(() => importOnnx(alone, 'in.onnx')).toThrow(/^in\.onnx: node "\/in\/InstanceNormalization" \(InstanceNormalization\): InstanceNormalization is supported only as torch writes GroupNorm/);
    const { nodes, inits } = torchGroupNorm({ backTo: 'Shape', affine: true });
    nodes[1] = makeNode('Constant', [], ['grouping'], '/gn/Constant', { value: int64Tensor('grouping.v', [0, 4, -1]) });
    expect(() => importOnnx(onnxModel(nodes, inits, IN, 'y', ['N', C]), 'gn.onnx')).toThrow(
      /^gn\.onnx: node "\/gn\/InstanceNormalization" \(InstanceNormalization\): reads a Reshape to \[0, 4, -1\]; .*G dividing the 6 channels/,
    );
  });
});
