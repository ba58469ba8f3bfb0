// ResNet-18/34/50/101/152 and VGG-16 layouts (narrow, tiny inputs) written as torch-style
// ONNX (BN kept and BN folded) and as TF.js layers models with Keras names, loaded back
// through loadModel: logits and layer1..4 activations must match the original graph and
// tf.layers' own predict.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../../../src/engine/ir.ts';
import { loadModel } from '../../../../src/engine/load.ts';
import { logitsTensor } from '../../../../src/engine/exec/forward.ts';
import { resolveLayer } from '../../../../src/engine/layer-names.ts';
import { graphToKeras, graphToOnnx, saveLayersModel } from '../../../helpers/serialize.ts';
import { resnet, vgg16, type ResNetDepth } from '../../../helpers/models.ts';
import { forward, relErr, tensorValue } from './run.ts';
import { useCpuAndScratch } from './fixture.ts';
import { runOrt } from './ort-oracle.ts';

const scratch = useCpuAndScratch('rs-importers-');

function image(size: number, seed = 1): tf.Tensor4D {
  return tf.randomNormal([2, size, size, 3], 0, 1, 'float32', seed) as tf.Tensor4D;
}

/** torchvision group output tensor of the original graph: the last node named layerN.* */
function groupTensor(g: Graph, n: number): string {
  const nodes = g.nodes.filter((x) => x.name.startsWith(`layer${n}.`));
  return nodes[nodes.length - 1].output;
}

const NETS: { name: string; build: () => Graph; groups: number }[] = [
  ...([18, 34, 50, 101, 152] as ResNetDepth[]).map((d) => ({
    name: `ResNet-${d}`,
    build: () => resnet(d, { width: 4, size: d === 18 || d === 50 ? 64 : 32 }),
    groups: 4,
  })),
  { name: 'VGG-16', build: () => vgg16({ size: 64 }), groups: 0 },
];

describe.each(NETS)('$name', ({ name, build, groups }) => {
  const g = build();
  const size = g.input.shape[0] as number;

  it.each([false, true])('loads from torch-style ONNX (BN folded: %s) with the same logits', async (foldBn) => {
    const file = path.join(scratch(), `${name}-${foldBn ? 'folded' : 'bn'}.onnx`);
    const bytes = graphToOnnx(g, { foldBn });
    await writeFile(file, bytes);
    const loaded = await loadModel(file);
    expect(loaded.source).toEqual({ format: 'onnx', file });
    expect(loaded.nodes.some((n) => n.op === 'batchnorm')).toBe(!foldBn && name !== 'VGG-16');
    const x = image(size);
    const want = forward(g, x);
    const got = forward(loaded, x);
    expect(got.shape).toEqual(want.shape);
    expect(relErr(got, want)).toBeLessThan(1e-4);
    // the fixture is a valid ONNX model computing the same function (onnxruntime agrees)
    const ortOut = await runOrt(bytes, x);
    expect(relErr(ortOut, want)).toBeLessThan(1e-4);
    ortOut.dispose();
    for (let k = 1; k <= groups; k++) {
      const t = resolveLayer(loaded, `layer${k}`);
      expect(relErr(tensorValue(loaded, x, t), tensorValue(g, x, groupTensor(g, k)))).toBeLessThan(1e-4);
    }
    tf.dispose([x, want, got]);
  });

  it('loads from a TF.js layers model with Keras names, matching model.predict', async () => {
    const model = graphToKeras(g);
    const names = model.layers.map((l) => l.name);
    if (groups > 0) expect(names).toEqual(expect.arrayContaining(['conv1_pad', 'conv1_conv', 'conv1_bn', 'conv1_relu', 'pool1_pad', 'pool1_pool', 'conv2_block1_1_conv', 'conv2_block2_out', 'conv3_block1_0_conv', 'conv3_block1_0_bn', 'conv3_block1_add', 'avg_pool', 'predictions']));
    else expect(names).toEqual(expect.arrayContaining(['block1_conv1', 'block5_conv3', 'block5_pool', 'flatten', 'fc1', 'fc2', 'predictions']));
    const x = image(size, 2);
    const predicted = model.predict(x) as tf.Tensor;
    const orig = forward(g, x);
    expect(relErr(predicted, orig)).toBeLessThan(1e-4); // the fixture computes the same function
    const file = await saveLayersModel(model, path.join(scratch(), `${name}-tfjs`));
    const loaded = await loadModel(file);
    expect(loaded.source.format).toBe('tfjs-layers');
    const got = forward(loaded, x);
    expect(relErr(got, predicted)).toBeLessThan(1e-4);
    for (let k = 1; k <= groups; k++) {
      const t = resolveLayer(loaded, `layer${k}`);
      expect(t).toMatch(new RegExp(`^conv${k + 1}_block\\d+_out$`));
      expect(relErr(tensorValue(loaded, x, t), tensorValue(g, x, groupTensor(g, k)))).toBeLessThan(1e-4);
    }
    model.dispose();
    tf.dispose([x, predicted, orig, got]);
  });
});

describe('free input size', () => {
  it('loads a torch export with dynamic height/width and runs it at two sizes', async () => {
    const g = resnet(18, { size: 32 });
    const dyn: Graph = { ...g, input: { ...g.input, shape: [null, null, 3] } };
    const file = path.join(scratch(), 'dynamic.onnx');
    await writeFile(file, graphToOnnx(dyn));
    const loaded = await loadModel(file);
    expect(loaded.input.shape).toEqual([null, null, 3]);
    for (const size of [32, 48]) {
      const x = image(size, size);
      expect(relErr(forward(loaded, x), forward(g, x))).toBeLessThan(1e-4);
      x.dispose();
    }
  });
});

describe('Keras 3 topology format', () => {
  it('reads inbound nodes written as args with keras_history and batch_shape inputs', async () => {
    const g = resnet(18, { size: 32 });
    const model = graphToKeras(g);
    const file = await saveLayersModel(model, path.join(scratch(), 'keras3'));
    const { readFile } = await import('node:fs/promises');
    const json = JSON.parse(await readFile(file, 'utf8'));
    const t = (r: unknown[]) => ({ class_name: '__keras_tensor__', config: { shape: null, dtype: 'float32', keras_history: r.slice(0, 3) } });
    json.modelTopology.class_name = 'Functional';
    for (const l of json.modelTopology.config.layers) {
      if (l.class_name === 'InputLayer') {
        l.config.batch_shape = l.config.batch_input_shape;
        delete l.config.batch_input_shape;
      }
      l.inbound_nodes = l.inbound_nodes.map((call: unknown[][]) => ({ args: call.length === 1 ? [t(call[0])] : [call.map(t)], kwargs: {} }));
    }
    await writeFile(file, JSON.stringify(json));
    const loaded = await loadModel(file);
    const x = image(32, 9);
    const want = model.predict(x) as tf.Tensor;
    expect(relErr(forward(loaded, x), want)).toBeLessThan(1e-4);
    expect(resolveLayer(loaded, 'layer3')).toBe('conv4_block2_out');
    model.dispose();
    tf.dispose([x, want]);
  });
});

describe('Keras classifier with a softmax output', () => {
  it('splits the fused softmax of `predictions`; the logits are its pre-activation', async () => {
    const g = resnet(50, { width: 4, size: 32, outputActivation: 'softmax' });
    const model = graphToKeras(g);
    expect(model.getLayer('predictions').getConfig().activation).toBe('softmax');
    const loaded = await loadModel(await saveLayersModel(model, path.join(scratch(), 'softmax')));
    expect(logitsTensor(loaded)).toEqual({ logits: 'predictions/preact', activation: 'softmax' });
    const x = image(32, 4);
    const want = model.predict(x) as tf.Tensor;
    const got = forward(loaded, x);
    expect(relErr(got, want)).toBeLessThan(1e-4);
    const logits = tensorValue(loaded, x, 'predictions/preact');
    expect(relErr(logits, tensorValue(g, x, 'fc'))).toBeLessThan(1e-4);
    model.dispose();
    tf.dispose([x, want, got, logits]);
  });
});
