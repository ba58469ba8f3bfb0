// Strides, dilations, kernels and pads are checked at import (both importers): a stride or
// dilation of 0 or less, or a 1e9 pad, used to import and print layer shapes of Infinity;
// now the file is refused naming itself, the node or layer, and the attribute.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../../src/contract/errors.ts';
import { loadModel } from '../../../../src/engine/load.ts';
import { int64Tensor, makeNode } from '../../../../src/engine/onnx/build.ts';
import type { AttrValue } from '../../../../src/engine/onnx/build.ts';
import { saveLayersModel } from '../../../helpers/serialize.ts';
import { onnxModel, randomWeight, useCpuAndScratch } from './fixture.ts';

const scratch = useCpuAndScratch('rs-window-');

async function loadError(file: string): Promise<string> {
  const err = await loadModel(file).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StudioError);
  return (err as Error).message;
}

describe('ONNX window attributes', () => {
  async function convFile(name: string, attrs: Record<string, AttrValue>): Promise<string> {
    const nodes = [
      makeNode('Conv', ['x', 'c.w'], ['c'], '/c1/Conv', { kernel_shape: [3, 3], ...attrs }),
      makeNode('MaxPool', ['c'], ['y'], '/pool/MaxPool', { kernel_shape: [2, 2] }),
    ];
    const file = path.join(scratch(), name);
    await writeFile(file, onnxModel(nodes, [randomWeight('c.w', [2, 3, 3, 3])], [1, 3, 16, 16], 'y', ['N', 2, 7, 7]));
    return file;
  }

  it('imports sane strides, dilations and pads', async () => {
    const g = await loadModel(await convFile('ok.onnx', { strides: [2, 2], dilations: [1, 1], pads: [1, 1, 1, 1] }));
    expect(g.nodes.find((n) => n.name === 'c1')).toMatchObject({ strides: [2, 2], pads: [1, 1, 1, 1] });
  });

  it.each([
    ['a stride of 0', { strides: [0, 0] }, /strides \[0, 0\] must be whole numbers from 1 to 4096/],
    ['a negative dilation', { dilations: [-1, 1] }, /dilations \[-1, 1\] must be whole numbers from 1 to 4096/],
    ['a 1e9 pad', { pads: [1e9, 0, 0, 0] }, /pads \[1000000000, 0, 0, 0\] must be whole numbers from 0 to 4096/],
    ['a negative pad', { pads: [-2, 0, 0, 0] }, /pads \[-2, 0, 0, 0\] must be whole numbers from 0 to 4096/],
  ])('refuses a Conv with %s, naming the file and the node', async (_label, attrs, problem) => {
    const file = await convFile('bad.onnx', attrs);
    const message = await loadError(file);
    expect(message.startsWith(`${file}: node "/c1/Conv" (Conv): `)).toBe(true);
    expect(message).toMatch(problem);
  });

  it('refuses a pool with a stride of 0 and a Pad of 1e9 pixels', async () => {
    const pool = path.join(scratch(), 'pool.onnx');
    await writeFile(pool, onnxModel([makeNode('MaxPool', ['x'], ['y'], '/p/MaxPool', { kernel_shape: [2, 2], strides: [0, 2] })], [], [1, 3, 8, 8], 'y', ['N', 3, 4, 4]));
    expect(await loadError(pool)).toMatch(/pool\.onnx: node "\/p\/MaxPool" \(MaxPool\): strides \[0, 2\] must be whole numbers from 1 to 4096$/);
    const pad = path.join(scratch(), 'pad.onnx');
    const pads = int64Tensor('pads', [0, 0, 1e9, 0, 0, 0, 0, 0]);
    await writeFile(pad, onnxModel([makeNode('Pad', ['x', 'pads'], ['y'], '/pad/Pad', { mode: 'constant' })], [pads], [1, 3, 8, 8], 'y', ['N', 3, 8, 8]));
    expect(await loadError(pad)).toMatch(/pad\.onnx: node "\/pad\/Pad" \(Pad\): pads \[0, 0, 1000000000, 0, 0, 0, 0, 0\] must be whole numbers from 0 to 4096$/);
  });
});

describe('TF.js layers window attributes', () => {
  /** a conv → pool → zero-padding model saved by TF.js, its config then edited by `edit` */
  async function kerasFile(name: string, edit: (layers: { class_name: string; config: Record<string, unknown> }[]) => void): Promise<string> {
    const inp = tf.input({ shape: [16, 16, 3] });
    let x = tf.layers.conv2d({ filters: 2, kernelSize: 3, name: 'c1' }).apply(inp) as tf.SymbolicTensor;
    x = tf.layers.maxPooling2d({ poolSize: 2, name: 'p1' }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.zeroPadding2d({ padding: 1, name: 'z1' }).apply(x) as tf.SymbolicTensor;
    const file = await saveLayersModel(tf.model({ inputs: inp, outputs: x }), path.join(scratch(), name));
    const json = JSON.parse(await readFile(file, 'utf8'));
    edit((json.modelTopology.model_config ?? json.modelTopology).config.layers);
    await writeFile(file, JSON.stringify(json));
    return file;
  }

  it('imports the saved model unedited', async () => {
    const g = await loadModel(await kerasFile('ok', () => {}));
    expect(g.nodes.map((n) => n.op)).toEqual(['conv2d', 'maxpool', 'pad']);
  });

  it.each([
    ['Conv2D', 'strides', [0, 0], /layer "c1" \(Conv2D\): strides \[0, 0\] must be whole numbers from 1 to 4096$/],
    ['Conv2D', 'dilation_rate', [-1, -1], /layer "c1" \(Conv2D\): dilation_rate \[-1, -1\] must be whole numbers from 1 to 4096$/],
    ['MaxPooling2D', 'strides', [0, 0], /layer "p1" \(MaxPooling2D\): strides \[0, 0\] must be whole numbers from 1 to 4096$/],
    ['MaxPooling2D', 'pool_size', [0, 2], /layer "p1" \(MaxPooling2D\): pool_size \[0, 2\] must be whole numbers from 1 to 4096$/],
    ['ZeroPadding2D', 'padding', [[1e9, 1e9], [0, 0]], /layer "z1" \(ZeroPadding2D\): padding \[1000000000, 1000000000, 0, 0\] must be whole numbers from 0 to 4096$/],
  ])('refuses a %s with %s %j, naming the file and the layer', async (cls, attr, value, problem) => {
    const file = await kerasFile(`${cls}-${attr}`, (layers) => {
      layers.find((l) => l.class_name === cls)!.config[attr] = value;
    });
    const message = await loadError(file);
    expect(message.startsWith(`${file}: layer `)).toBe(true);
    expect(message).toMatch(problem);
  });
});
