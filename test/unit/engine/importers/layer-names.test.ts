// layer1..layer4 resolution for torchvision names (ONNX), Keras names (TF.js layers), and
// files with neither (structure), plus node/tensor names and a clear unknown-layer error.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../../../src/engine/importers/onnx.ts';
import type { Graph } from '../../../../src/engine/ir.ts';
import { describeLayer, resolveLayer, residualGroupNames, structuralGroups } from '../../../../src/engine/layer-names.ts';
import { densenetMini, efficientnetMini, mobilenetMini } from '../../../helpers/cnn-models.ts';
import { StudioError } from '../../../../src/contract/errors.ts';
import { graphToOnnx } from '../../../helpers/serialize.ts';
import { GraphBuilder, resnet, vgg16 } from '../../../helpers/models.ts';

const last = (g: Graph, n: number) => g.nodes.filter((x) => x.name.startsWith(`layer${n}.`)).at(-1)!.output;

describe('resolveLayer', () => {
  it('resolves layer1..4 of a torch export, BN kept and folded, to the last block ReLU', () => {
    for (const foldBn of [false, true]) {
      const g = importOnnx(graphToOnnx(resnet(50), { foldBn }), 'r50.onnx');
      expect(resolveLayer(g, 'layer2')).toBe('/layer2/layer2.3/relu_2/Relu_output_0');
      expect(resolveLayer(g, 'layer4')).toBe('/layer4/layer4.2/relu_2/Relu_output_0');
      expect(residualGroupNames(g)).toEqual(['layer1', 'layer2', 'layer3', 'layer4']);
    }
  });

  it('resolves Keras ResNet names: layer2 of ResNet-50 is conv3_block4_out', () => {
    const g = resnet(50);
    const keras: Graph = {
      ...g,
      nodes: g.nodes.map((n) => {
        const m = /^layer(\d)\.(\d+)\.relu_2$/.exec(n.name);
        const k = m ? `conv${Number(m[1]) + 1}_block${Number(m[2]) + 1}_out` : n.name.replace(/^layer/, 'stage');
        return { ...n, name: k, output: k };
      }),
    };
    // rewire inputs to the renamed tensors
    const rename = new Map(g.nodes.map((n, i) => [n.output, keras.nodes[i].output]));
    keras.nodes = keras.nodes.map((n) => ({ ...n, inputs: n.inputs.map((i) => rename.get(i) ?? i) }));
    expect(resolveLayer(keras, 'layer2')).toBe('conv3_block4_out');
    expect(resolveLayer(keras, 'layer1')).toBe('conv2_block3_out');
    expect(resolveLayer(keras, 'layer4')).toBe('conv5_block3_out');
  });

  it('falls back to the residual structure when names say nothing (old torch: Conv_12)', () => {
    for (const depth of [18, 50] as const) {
      const g = resnet(depth);
      const anon: Graph = { ...g, nodes: g.nodes.map((n, i) => ({ ...n, name: `${n.op}_${i}` })) };
      const want = [1, 2, 3, 4].map((k) => last(g, k));
      expect(structuralGroups(anon)).toEqual(want);
      expect(resolveLayer(anon, 'layer3')).toBe(want[2]);
    }
  });

  it('accepts any node or tensor name', () => {
    const g = importOnnx(graphToOnnx(resnet(18)), 'r18.onnx');
    expect(resolveLayer(g, 'layer2.1.conv1')).toBe('/layer2/layer2.1/conv1/Conv_output_0');
    expect(resolveLayer(g, '/layer3/layer3.0/relu/Relu_output_0')).toBe('/layer3/layer3.0/relu/Relu_output_0');
  });

  it('reports an unknown layer with the candidates', () => {
    const g = importOnnx(graphToOnnx(resnet(18)), 'r18.onnx');
    const err = (() => {
      try {
        resolveLayer(g, 'layer7');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(StudioError);
    expect((err as Error).message).toMatch(/layer "layer7" not found in r18\.onnx; stages: layer1 = layer1\.1\.relu_1 \(stride 4, 16×16×8\), layer2 = layer2\.1\.relu_1 \(stride 8, 8×8×16\), .*; modules: conv1 \(stride 2, 32×32×8\), .*layer4 \(stride 32, 2×2×64\)/);
    const v = importOnnx(graphToOnnx(vgg16()), 'vgg.onnx');
    expect(() => resolveLayer(v, 'block9')).toThrow(/vgg\.onnx; stages: layer1 = features\.15 .*features\.29 \(stride 16/);
  });
});

describe('layer1..layer4 on any CNN: the stride-4/8/16/32 stage ends (docs/engine.md §13)', () => {
  const cases: { name: string; build: () => Graph; want: Record<string, string> }[] = [
    { name: 'VGG-16: the ReLU before each pool', build: () => vgg16({ size: 64 }), want: { layer1: 'features.15', layer2: 'features.22', layer3: 'features.29' } },
    { name: 'DenseNet: the transition conv before its pool', build: () => densenetMini(), want: { layer1: 'features.transition1.conv', layer2: 'features.transition2.conv' } },
    { name: 'MobileNetV2: the last block before the strided one', build: () => mobilenetMini(2), want: { layer1: 'features.3.add' } },
    { name: 'MobileNetV3 (SE vectors do not count as strides)', build: () => mobilenetMini(3), want: { layer1: 'features.3.add' } },
    { name: 'EfficientNet', build: () => efficientnetMini(), want: { layer2: 'features.4.0.add' } },
    { name: 'ResNet-50 without torchvision names: stage ends by structure', build: () => anonymous(resnet(50)), want: { layer2: 'relu_21', layer4: 'relu_48' } },
  ];
  it.each(cases)('$name', ({ build, want }) => {
    const g = importOnnx(graphToOnnx(build()), 'm.onnx');
    for (const [layer, node] of Object.entries(want)) {
      const info = describeLayer(g, layer);
      expect(info.node, layer).toBe(node);
      expect(info.stride).toBe(2 ** (Number(layer.slice(5)) + 1));
    }
  });

  it('a pool written as Pad + AveragePool (torch DenseNet export): the stage ends before the Pad', () => {
    const b = new GraphBuilder({ seed: 2 });
    let x = b.unary('relu', 'relu0', b.conv('conv0', 'input', 3, 4, 4, 4, 0));
    x = b.pad('transition1.pad', b.conv('transition1.conv', x, 4, 4, 1), [0, 0, 0, 0]);
    x = b.unary('relu', 'relu1', b.conv('conv1', b.avgpool('transition1.pool', x, 2, 2, 0), 4, 4, 3, 1, 1));
    const g = b.graph('input', b.dense('fc', b.gap('gap', x, false), 4, 3), [32, 32, 3]);
    expect(describeLayer(g, 'layer1').node).toBe('transition1.conv');
  });

  it('a module name means the output of its last node; a unique tail of a path works too', () => {
    const g = importOnnx(graphToOnnx(densenetMini()), 'densenet.onnx');
    const block = describeLayer(g, 'features.denseblock2');
    expect(block.node).toBe('features.denseblock2.denselayer2.cat');
    expect(block).toMatchObject({ stride: 8, shape: [4, 4, 16] });
    expect(describeLayer(g, 'denseblock1').node).toBe('features.denseblock1.denselayer2.cat');
    expect(() => resolveLayer(g, 'denselayer2')).toThrow(/layer "denselayer2" is ambiguous in densenet\.onnx; it names the modules features\.denseblock1\.denselayer2 \(stride 4, 8×8×16\), features\.denseblock2\.denselayer2 \(stride 8, 4×4×16\)/);
  });
});

/** node names the way torch < 1.13 wrote them (`Relu_53`): no module paths */
function anonymous(g: Graph): Graph {
  const count = new Map<string, number>();
  return {
    ...g,
    nodes: g.nodes.map((n) => {
      const k = count.get(n.op) ?? 0;
      count.set(n.op, k + 1);
      return { ...n, name: `${n.op}_${k}` };
    }),
  };
}
