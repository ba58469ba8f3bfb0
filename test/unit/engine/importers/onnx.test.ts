// ONNX importer details against onnxruntime (the reference for ONNX semantics), plus the
// errors a user sees for files the engine can't take.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../../src/contract/errors.ts';
import { importOnnx } from '../../../../src/engine/importers/onnx.ts';
import { irNodeNames, modulePath } from '../../../../src/engine/importers/onnx/names.ts';
import { loadModel } from '../../../../src/engine/load.ts';
import { buildModelBytes, floatTensor, int64Tensor, makeNode, tensorValueInfo } from '../../../../src/engine/onnx/build.ts';
import type { NodeProto, TensorProto } from '../../../../src/engine/onnx/proto.ts';
import { graphToOnnx } from '../../../helpers/serialize.ts';
import { resnet } from '../../../helpers/models.ts';
import { convnextMini, efficientnetMini, mobilenetMini, resnextMini, shufflenetMini } from '../../../helpers/cnn-models.ts';
import { expectSameAsOrt, onnxModel, randomWeight, useCpuAndScratch } from './fixture.ts';

const scratch = useCpuAndScratch('rs-onnx-');
const w = randomWeight;
const model = onnxModel;

describe('ONNX importer', () => {
  it('matches onnxruntime on auto_pad, ceil_mode, count_include_pad, Pad, Concat, Dropout, Reshape, MatMul+Add, Gemm, Sigmoid, Softmax', async () => {
    const nodes = [
      makeNode('Conv', ['x', 'c1.w', 'c1.b'], ['c1'], '/c1/Conv', { auto_pad: 'SAME_UPPER', strides: [2, 2], kernel_shape: [3, 3] }),
      makeNode('Relu', ['c1'], ['r1'], '/r1/Relu'),
      makeNode('MaxPool', ['r1'], ['mp'], '/mp/MaxPool', { kernel_shape: [3, 3], strides: [2, 2], ceil_mode: 1 }),
      makeNode('AveragePool', ['mp'], ['ap'], '/ap/AveragePool', { kernel_shape: [2, 2], pads: [1, 1, 0, 0], count_include_pad: 1 }),
      makeNode('AveragePool', ['ap'], ['ap2'], '/ap2/AveragePool', { kernel_shape: [2, 2], pads: [0, 0, 1, 1] }),
      makeNode('Constant', [], ['padval'], '/Constant', { value: floatTensor('v', [], Float32Array.of(0.5)) }),
      makeNode('Pad', ['ap2', 'pads', 'padval'], ['pd'], '/Pad', { mode: 'constant' }),
      makeNode('Conv', ['pd', 'c2.w'], ['c2'], '/c2/Conv', { kernel_shape: [1, 1] }),
      makeNode('Concat', ['pd', 'c2'], ['cat'], '/Concat', { axis: 1 }),
      makeNode('Identity', ['cat'], ['id'], '/Identity'),
      makeNode('Add', ['cat', 'id'], ['sum'], '/Add'),
      makeNode('Dropout', ['sum'], ['dr', 'mask'], '/drop/Dropout'),
      makeNode('Constant', [], ['shape'], '/Constant_1', { value: int64Tensor('s', [0, -1]) }),
      makeNode('Reshape', ['dr', 'shape'], ['flat'], '/Reshape'),
      makeNode('MatMul', ['flat', 'fc1.w'], ['mm'], '/fc1/MatMul'),
      makeNode('Add', ['mm', 'fc1.b'], ['fc1'], '/fc1/Add'),
      makeNode('Sigmoid', ['fc1'], ['sg'], '/Sigmoid'),
      makeNode('Gemm', ['sg', 'fc2.w', 'fc2.b'], ['fc2'], '/fc2/Gemm', { alpha: { float: 0.5 }, beta: { float: 2 } }),
      makeNode('Softmax', ['fc2'], ['prob'], '/Softmax', { axis: 1 }),
    ];
    // 12 → conv s2 SAME (pads 0,0,1,1) → 6 → maxpool ceil → 3 → avg (pad 1 tl) → 3 → avg (pad 1 br) → 3 → pad → 4
    const inits = [w('c1.w', [4, 3, 3, 3]), w('c1.b', [4]), int64Tensor('pads', [0, 0, 1, 0, 0, 0, 0, 1]), w('c2.w', [4, 4, 1, 1]), w('fc1.w', [128, 5]), w('fc1.b', [5]), w('fc2.w', [5, 3]), w('fc2.b', [3])];
    const g = await expectSameAsOrt(model(nodes, inits, [1, 3, 12, 12], 'prob', ['N', 3]), [1, 3, 12, 12]);
    expect(g.nodes.find((n) => n.name === 'c1')).toMatchObject({ op: 'conv2d', pads: [0, 0, 1, 1] });
    expect(g.nodes.find((n) => n.name === 'mp')).toMatchObject({ op: 'maxpool', pads: [0, 0, 2, 2] });
    expect(g.nodes.find((n) => n.name === 'fc1')).toMatchObject({ op: 'dense', bias: 'fc1.bias' });
  });

  it.each([
    ['ResNeXt (grouped conv)', () => resnextMini(), {}],
    ['MobileNetV3 (depthwise, HardSigmoid·x, SE gate first)', () => mobilenetMini(3), {}],
    ['MobileNetV2, BN folded (Clip with bound inputs)', () => mobilenetMini(2, { negativeGammas: 0 }), { foldBn: true }],
    ['EfficientNet (Sigmoid·x, sigmoid SE)', () => efficientnetMini(), {}],
    ['ShuffleNetV2 (Slice, Shape/Gather/Concat reshapes, Transpose 1↔2)', () => shufflenetMini(), {}],
    ['ConvNeXt (NHWC Transposes, opset-13 LayerNorm, MatMul + Add, Erf GELU, layer scale)', () => convnextMini(), { pointwiseAsMatMul: true }],
  ] as const)('matches onnxruntime on the torch export of a %s miniature', async (_label, build, opts) => {
    await expectSameAsOrt(graphToOnnx(build(), opts), [1, 3, 32, 32]);
  });

  it('reads a LayerNorm whose exponent and ε are Constant nodes after its ReduceMean (as torch writes them), and Split along channels', async () => {
    const c = (name: string, v: number) => makeNode('Constant', [], [name], `/ln/${name}`, { value: floatTensor(`${name}.v`, [], Float32Array.of(v)) });
    const nodes = [
      makeNode('Conv', ['x', 'c.w'], ['c'], '/c/Conv', { kernel_shape: [1, 1] }),
      makeNode('Transpose', ['c'], ['t'], '/ln/Transpose', { perm: [0, 2, 3, 1] }),
      makeNode('ReduceMean', ['t'], ['mu'], '/ln/ReduceMean', { axes: [-1] }),
      makeNode('Sub', ['t', 'mu'], ['d'], '/ln/Sub'),
      c('two', 2),
      makeNode('Pow', ['d', 'two'], ['p'], '/ln/Pow'),
      makeNode('ReduceMean', ['p'], ['var'], '/ln/ReduceMean_1', { axes: [-1] }),
      c('eps', 1e-6),
      makeNode('Add', ['var', 'eps'], ['ve'], '/ln/Add'),
      makeNode('Sqrt', ['ve'], ['sd'], '/ln/Sqrt'),
      makeNode('Div', ['d', 'sd'], ['n'], '/ln/Div'),
      makeNode('Transpose', ['n'], ['nc'], '/ln/Transpose_1', { perm: [0, 3, 1, 2] }),
      makeNode('Split', ['nc', 'sizes'], ['a', 'b'], '/Split', { axis: 1 }),
      makeNode('Relu', ['b'], ['rb'], '/Relu'),
      makeNode('Concat', ['rb', 'a'], ['cat'], '/Concat', { axis: 1 }),
      makeNode('ReduceMean', ['cat'], ['y'], '/gap/ReduceMean', { axes: [2, 3], keepdims: 0 }),
    ];
    const g = await expectSameAsOrt(model(nodes, [w('c.w', [6, 2, 1, 1]), int64Tensor('sizes', [2, 4])], [1, 2, 4, 4], 'y', ['N', 6]), [1, 2, 4, 4]);
    expect(g.nodes.map((n) => n.op)).toEqual(['conv2d', 'layernorm', 'slice', 'slice', 'relu', 'concat', 'globalavgpool']);
    expect((g.nodes[1] as { epsilon: number }).epsilon).toBeCloseTo(1e-6, 12);
  });

  it('matches onnxruntime on a Flatten of a 2×2 map feeding Gemm (C,H,W → H,W,C weight rows)', async () => {
    const nodes = [
      makeNode('Conv', ['x', 'c.w'], ['c'], '/c/Conv', { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }),
      makeNode('Flatten', ['c'], ['f'], '/Flatten', { axis: 1 }),
      makeNode('Gemm', ['f', 'fc.w', 'fc.b'], ['y'], '/fc/Gemm', { transB: 1 }),
    ];
    await expectSameAsOrt(model(nodes, [w('c.w', [3, 2, 3, 3]), w('fc.w', [4, 12]), w('fc.b', [4])], [1, 2, 4, 4], 'y', ['N', 4]), [1, 2, 4, 4]);
  });

  it('takes an Identity over an initializer (torch.onnx.export shares equal parameters that way)', async () => {
    const nodes = [
      makeNode('Identity', ['bn.b'], ['bn2.b'], 'Identity_0'),
      makeNode('BatchNormalization', ['x', 'bn.s', 'bn.b', 'bn.m', 'bn.v'], ['b1'], '/bn/BatchNormalization'),
      makeNode('BatchNormalization', ['b1', 'bn.s', 'bn2.b', 'bn.m', 'bn.v'], ['b2'], '/bn2/BatchNormalization'),
      makeNode('GlobalAveragePool', ['b2'], ['gp'], '/GlobalAveragePool'),
      makeNode('Flatten', ['gp'], ['y'], '/Flatten', { axis: 1 }),
    ];
    const v = floatTensor('bn.v', [2], Float32Array.of(0.5, 2));
    const g = await expectSameAsOrt(model(nodes, [w('bn.s', [2]), w('bn.b', [2]), w('bn.m', [2]), v], [1, 2, 4, 4], 'y', ['N', 2]), [1, 2, 4, 4]);
    expect(g.nodes.map((n) => n.op)).toEqual(['batchnorm', 'batchnorm', 'globalavgpool', 'flatten']);
  });

  const bad = (node: NodeProto, inits: TensorProto[] = []) =>
    buildModelBytes({ nodes: [node], initializers: inits, inputs: [tensorValueInfo('x', ['N', 2, 4, 4])], outputs: [tensorValueInfo('y', ['N', 2, 4, 4])] });

  it('names the node, its op type and the supported types for an unsupported node (attention)', async () => {
    const file = path.join(scratch(), 'attn.onnx');
    await writeFile(file, bad(makeNode('Attention', ['x'], ['y'], '/blocks.0/attn/Attention')));
    const err = await loadModel(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as Error).message).toMatch(/attn\.onnx: node "\/blocks\.0\/attn\/Attention" \(Attention\): unsupported op type Attention \(supported: Conv, .*HardSwish.*Mul/);
  });

  it('refuses mismatched grouped convs, training-mode BatchNorm and non-flatten reshapes clearly', () => {
    expect(() => importOnnx(bad(makeNode('Conv', ['x', 'w'], ['y'], '/dw/Conv', { group: 2 }), [w('w', [2, 2, 3, 3])]), 'g.onnx')).toThrow(/g\.onnx: node "\/dw\/Conv" \(Conv\): weight expects 4 input channels \(2 per group × 2\), the input has 2/);
    expect(() => importOnnx(bad(makeNode('Conv', ['x', 'w'], ['y'], '/dw/Conv', { group: 2 }), [w('w', [3, 1, 3, 3])]), 'g.onnx')).toThrow(/group=2 does not divide the 3 output channels/);
    const bn = makeNode('BatchNormalization', ['x', 's', 'b', 'm', 'v'], ['y', 'rm', 'rv'], '/bn/BatchNormalization', { training_mode: 1 });
    expect(() => importOnnx(bad(bn, ['s', 'b', 'm', 'v'].map((k) => w(k, [2]))), 'bn.onnx')).toThrow(/training mode.*TrainingMode\.PRESERVE/);
    const rs = makeNode('Reshape', ['x', 'shape'], ['y'], '/Reshape');
    expect(() => importOnnx(bad(rs, [int64Tensor('shape', [0, 2, 16])]), 'r.onnx')).toThrow(/r\.onnx: node "\/Reshape" \(Reshape\): only reshapes to \[N, -1\]/);
  });

  it('reports a truncated or non-ONNX file by name', async () => {
    const bytes = graphToOnnx(resnet(18, { size: 32 }));
    for (const cut of [bytes.length >> 1, 100, 7]) {
      const file = path.join(scratch(), `cut${cut}.onnx`);
      await writeFile(file, bytes.subarray(0, cut));
      const err = await loadModel(file).catch((e: unknown) => e);
      expect(err, `cut at ${cut}`).toBeInstanceOf(StudioError);
      expect((err as Error).message).toMatch(new RegExp(`cut${cut}\\.onnx: .*(truncated|damaged)`));
    }
    const junk = path.join(scratch(), 'junk.bin');
    await writeFile(junk, new TextEncoder().encode('hello, not a model'));
    await expect(loadModel(junk)).rejects.toThrow(/junk\.bin: /);
  });
});

describe('ONNX node names', () => {
  it('rebuilds torchvision module paths from torch.onnx.export names', () => {
    expect(modulePath('/layer2/layer2.3/conv1/Conv', 'Conv')).toBe('layer2.3.conv1');
    expect(modulePath('/layer1/layer1.0/downsample/downsample.0/Conv', 'Conv')).toBe('layer1.0.downsample.0');
    expect(modulePath('/layer1/layer1.0/relu_1/Relu', 'Relu')).toBe('layer1.0.relu_1');
    expect(modulePath('/features/features.28/Conv', 'Conv')).toBe('features.28');
    expect(modulePath('/fc/Gemm', 'Gemm')).toBe('fc');
    expect(modulePath('Conv_12', 'Conv')).toBe('Conv_12');
    expect(modulePath('', 'Conv')).toBeNull();
  });

  it('names a container-level functional op after the op and keeps names unique', () => {
    expect(
      irNodeNames([
        { name: '/layer1/layer1.0/conv1/Conv', opType: 'Conv' },
        { name: '/layer1/layer1.0/Add', opType: 'Add' },
        { name: '/layer1/layer1.0/relu/Relu', opType: 'Relu' },
        { name: '/layer1/layer1.0/relu/Relu_1', opType: 'Relu' },
        { name: '', opType: 'Flatten' },
      ]),
    ).toEqual(['layer1.0.conv1', 'layer1.0.add', 'layer1.0.relu', 'layer1.0.relu_2', 'Flatten_4']);
  });
});
