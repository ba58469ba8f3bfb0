// TF.js layers importer details, each checked against tf.layers' own predict on a small
// model saved with model.save (the stand-in for tensorflowjs_converter output).
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../../src/contract/errors.ts';
import { loadModel } from '../../../../src/engine/load.ts';
import { saveLayersModel } from '../../../helpers/serialize.ts';
import { forward } from './run.ts';

let dir: string;
let seq = 0;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(os.tmpdir(), 'rs-tfjs-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Randomizes every weight (BN variances positive) so a wrong mapping shows. */
function randomize(model: tf.LayersModel): void {
  let s = 7;
  for (const layer of model.layers) {
    const ws = layer.getWeights().map((w) =>
      tf.tidy(() => {
        const r = tf.randomUniform(w.shape, -1, 1, 'float32', s++);
        return layer.getClassName() === 'BatchNormalization' ? tf.add(tf.abs(r), 0.5) : r;
      }),
    );
    layer.setWeights(ws);
    tf.dispose(ws);
  }
}

async function roundTrip(model: tf.LayersModel, inputShape: number[]) {
  randomize(model);
  const file = await saveLayersModel(model, path.join(dir, `m${seq++}`));
  const graph = await loadModel(file);
  const x = tf.randomNormal([2, ...inputShape] as [number, number, number, number], 0, 1, 'float32', 3) as tf.Tensor4D;
  const predicted = model.predict(x) as tf.Tensor;
  const got = forward(graph, x); // [N, features] even for image-shaped outputs
  const want = tf.reshape(predicted, got.shape);
  predicted.dispose();
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] / tf.max(tf.abs(want)).dataSync()[0]);
  tf.dispose([x, want, got]);
  return { graph, err, file };
}

/** a 1×1 conv 'c' saved as model.json + weights.bin in `name`, and its parsed model.json */
async function savedConv(name: string, shape: [number, number, number], filters: number) {
  const inp = tf.input({ shape });
  const x = sym(tf.layers.conv2d({ filters, kernelSize: 1, name: 'c' }), inp);
  const mdir = path.join(dir, name);
  const file = await saveLayersModel(tf.model({ inputs: inp, outputs: x }), mdir);
  return { file, mdir, json: JSON.parse(await readFile(file, 'utf8')) };
}

function sym(l: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]): tf.SymbolicTensor {
  return l.apply(x) as tf.SymbolicTensor;
}

describe('TF.js layers importer', () => {
  it("computes 'same' padding the TF way (extra pixel bottom/right) for strided convs and pools", async () => {
    const inp = tf.input({ shape: [8, 8, 3] });
    let x = sym(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', name: 'c1' }), inp);
    x = sym(tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same', name: 'p1' }), x);
    x = sym(tf.layers.averagePooling2d({ poolSize: 2, strides: 1, padding: 'same', name: 'p2' }), x);
    const { graph, err } = await roundTrip(tf.model({ inputs: inp, outputs: x }), [8, 8, 3]);
    expect(err).toBeLessThan(1e-5);
    const conv = graph.nodes.find((n) => n.name === 'c1');
    expect(conv).toMatchObject({ op: 'conv2d', pads: [0, 0, 1, 1], strides: [2, 2] });
    expect(graph.nodes.find((n) => n.name === 'p2')).toMatchObject({ op: 'avgpool', pads: [0, 0, 1, 1], countIncludePad: false });
  });

  it('splits fused activations into their own node and keeps the layer name on the activation output', async () => {
    const inp = tf.input({ shape: [6, 6, 2] });
    let x = sym(tf.layers.conv2d({ filters: 3, kernelSize: 3, activation: 'relu', dilationRate: 2, padding: 'same', name: 'block1_conv1' }), inp);
    x = sym(tf.layers.flatten({ name: 'flatten' }), x);
    x = sym(tf.layers.dense({ units: 5, activation: 'softmax', name: 'predictions' }), x);
    const { graph, err } = await roundTrip(tf.model({ inputs: inp, outputs: x }), [6, 6, 2]);
    expect(err).toBeLessThan(1e-5);
    expect(graph.nodes.map((n) => [n.name, n.op, n.output]), JSON.stringify(graph.nodes.map((n) => [n.name, n.op, n.output]))).toEqual([
      ['block1_conv1', 'conv2d', 'block1_conv1/preact'],
      ['block1_conv1/relu', 'relu', 'block1_conv1'],
      ['flatten', 'flatten', 'flatten'],
      ['predictions', 'dense', 'predictions/preact'],
      ['predictions/softmax', 'softmax', 'predictions'],
    ]);
    expect(graph.output).toBe('predictions');
  });

  it('reads BatchNormalization epsilon and fills gamma/beta when scale/center are off', async () => {
    const inp = tf.input({ shape: [4, 4, 3] });
    let x = sym(tf.layers.batchNormalization({ epsilon: 0.25, scale: false, center: false, name: 'bn_a' }), inp);
    x = sym(tf.layers.batchNormalization({ epsilon: 1e-3, name: 'bn_b' }), x);
    x = sym(tf.layers.globalAveragePooling2d({ name: 'gap' }), x);
    const { graph, err } = await roundTrip(tf.model({ inputs: inp, outputs: x }), [4, 4, 3]);
    expect(err).toBeLessThan(1e-5);
    expect(graph.nodes[0]).toMatchObject({ op: 'batchnorm', epsilon: 0.25 });
    expect(Array.from(graph.params['bn_a/gamma'].data)).toEqual([1, 1, 1]);
  });

  it('reads a Sequential model with ZeroPadding2D, Dropout, ReLU, Concatenate-free chains and Reshape to flat', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.zeroPadding2d({ inputShape: [5, 5, 2], padding: [[1, 2], [0, 1]], name: 'pad' }),
        tf.layers.conv2d({ filters: 3, kernelSize: 2, useBias: false, name: 'conv' }),
        tf.layers.reLU({ name: 'relu' }),
        tf.layers.dropout({ rate: 0.5, name: 'drop' }),
        tf.layers.reshape({ targetShape: [7 * 5 * 3], name: 'reshape' }),
        tf.layers.dense({ units: 4, activation: 'sigmoid', name: 'out' }),
      ],
    });
    const { graph, err } = await roundTrip(model, [5, 5, 2]);
    expect(err).toBeLessThan(1e-5);
    expect(graph.nodes.find((n) => n.name === 'pad')).toMatchObject({ op: 'pad', pads: [1, 0, 2, 1] });
    expect(graph.nodes.find((n) => n.name === 'conv')).toMatchObject({ bias: undefined });
  });

  it('reads Concatenate, multi-input Add, softmax Activation and nested models', async () => {
    const innerIn = tf.input({ shape: [6, 6, 3] });
    const innerOut = sym(tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'inner_conv' }), innerIn);
    const inner = tf.model({ inputs: innerIn, outputs: innerOut, name: 'backbone' });
    const inp = tf.input({ shape: [6, 6, 3] });
    const a = sym(inner, inp);
    const b = sym(tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', name: 'b' }), inp);
    const c = sym(tf.layers.conv2d({ filters: 4, kernelSize: 1, name: 'c' }), inp);
    const s = sym(tf.layers.add({ name: 'sum3' }), [a, b, c]);
    const cat = sym(tf.layers.concatenate({ name: 'cat' }), [s, a]);
    let x = sym(tf.layers.globalAveragePooling2d({ name: 'gap' }), cat);
    x = sym(tf.layers.dense({ units: 3, name: 'logits' }), x);
    x = sym(tf.layers.activation({ activation: 'softmax', name: 'probs' }), x);
    const { graph, err } = await roundTrip(tf.model({ inputs: inp, outputs: x }), [6, 6, 3]);
    expect(err).toBeLessThan(1e-5);
    expect(graph.nodes.filter((n) => n.op === 'add')).toHaveLength(2);
    expect(graph.nodes.find((n) => n.name === 'inner_conv')).toBeDefined();
  });

  it('rejects an unsupported layer class naming the layer and class', async () => {
    const inp = tf.input({ shape: [6, 6, 3] });
    const x = sym(tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, name: 'up1' }), inp);
    const file = await saveLayersModel(tf.model({ inputs: inp, outputs: x }), path.join(dir, 'up'));
    await expect(loadModel(file)).rejects.toThrow(/model\.json: layer "up1" \(Conv2DTranspose\): unsupported layer class Conv2DTranspose \(supported: InputLayer, Conv2D, DepthwiseConv2D, /);
  });

  it('rejects an unsupported activation naming the layer', async () => {
    const inp = tf.input({ shape: [6, 6, 3] });
    const x = sym(tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'softsign', name: 'c_softsign' }), inp);
    const file = await saveLayersModel(tf.model({ inputs: inp, outputs: x }), path.join(dir, 'softsign'));
    await expect(loadModel(file)).rejects.toThrow(/layer "c_softsign" \(Conv2D\): activation "softsign" is not supported \(relu, relu6, sigmoid/);
  });

  it('reports a missing weight shard, bad JSON, a missing file and a graph model by file name', async () => {
    const { file, mdir } = await savedConv('broken', [4, 4, 1], 1);
    const json = await readFile(file, 'utf8');
    await unlink(path.join(mdir, 'weights.bin'));
    const err = await loadModel(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).message).toMatch(/broken\/model\.json: weight shard weights\.bin is missing/);
    await writeFile(path.join(mdir, 'weights.bin'), new Uint8Array(2));
    await expect(loadModel(file)).rejects.toThrow(/model\.json: weight shards .* hold 2 bytes.*truncated shard/);
    await writeFile(file, json.slice(0, 40));
    await expect(loadModel(file)).rejects.toThrow(/broken\/model\.json: not valid JSON/);
    await expect(loadModel(path.join(mdir, 'nope.json'))).rejects.toThrow(/nope\.json: model file not found/);
    await writeFile(file, JSON.stringify({ format: 'graph-model', modelTopology: { node: [] } }));
    await expect(loadModel(mdir)).rejects.toThrow(/model\.json: a TF\.js graph model/);
  });

  it('refuses non-float32 weights by name', async () => {
    const { file, json } = await savedConv('int', [4, 4, 1], 1);
    json.weightsManifest[0].weights[0].dtype = 'int32';
    await writeFile(file, JSON.stringify(json));
    await expect(loadModel(file)).rejects.toThrow(/weight c\/kernel has dtype int32; only float32/);
  });

  it('dequantizes float16 and uint8 weights written by tensorflowjs_converter --quantize', async () => {
    const { file, json, mdir } = await savedConv('quant', [2, 2, 1], 2);
    json.weightsManifest[0].weights[0].quantization = { dtype: 'float16' };
    json.weightsManifest[0].weights[1].quantization = { dtype: 'uint8', scale: 0.5, min: -1 };
    await writeFile(file, JSON.stringify(json));
    // kernel [1,1,1,2] as float16 1.5, -2; bias [2] as uint8 0, 6 → -1, 2
    await writeFile(path.join(mdir, 'weights.bin'), Uint8Array.of(0x00, 0x3e, 0x00, 0xc0, 0, 6));
    const g = await loadModel(file);
    expect(Array.from(g.params['c/kernel'].data)).toEqual([1.5, -2]);
    expect(Array.from(g.params['c/bias'].data)).toEqual([-1, 2]);
  });
});
