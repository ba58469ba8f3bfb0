// layer1..layer4 resolution for torchvision names (ONNX), Keras names (TF.js layers), and
// files with neither (structure), plus node/tensor names and a clear unknown-layer error.
import { describe, expect, it } from 'vitest';
import { importOnnx } from '../../../../src/engine/importers/onnx.ts';
import type { Graph } from '../../../../src/engine/ir.ts';
import { resolveLayer, residualGroupNames, structuralGroups } from '../../../../src/engine/layer-names.ts';
import { StudioError } from '../../../../src/contract/errors.ts';
import { graphToOnnx } from '../../../helpers/serialize.ts';
import { resnet, vgg16 } from '../../../helpers/models.ts';

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
    expect((err as Error).message).toMatch(/layer "layer7" not found in r18\.onnx; groups: layer1, layer2, layer3, layer4; nodes: .*layer4\.1\.relu_1, avgpool, flatten, fc/);
    const v = importOnnx(graphToOnnx(vgg16()), 'vgg.onnx');
    expect(() => resolveLayer(v, 'layer2')).toThrow(/vgg\.onnx; the model has no residual groups .*features\.29/);
  });
});
