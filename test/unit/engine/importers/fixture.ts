// What the importer tests share: a CPU backend and a scratch folder per test file, random
// float weights, a one-input ONNX model builder, and the check that an imported graph
// computes what onnxruntime (the reference for ONNX semantics) computes.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, expect } from 'vitest';
import { importOnnx } from '../../../../src/engine/importers/onnx.ts';
import type { Graph } from '../../../../src/engine/ir.ts';
import { buildModelBytes, floatTensor, tensorValueInfo } from '../../../../src/engine/onnx/build.ts';
import type { NodeProto, TensorProto } from '../../../../src/engine/onnx/proto.ts';
import { runOrt } from './ort-oracle.ts';
import { forward } from './run.ts';

/** the CPU backend and a scratch folder for this file's tests; returns the folder's getter */
export function useCpuAndScratch(prefix: string): () => string {
  let dir = '';
  beforeAll(async () => {
    await tf.setBackend('cpu');
    dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

let seed = 11;
const rand = (dims: number[]) => tf.tidy(() => tf.randomUniform(dims, -1, 1, 'float32', seed++).dataSync() as Float32Array);

/** a float initializer of uniform(−1, 1) values, a new seed each call */
export const randomWeight = (name: string, dims: number[]): TensorProto => floatTensor(name, dims, rand(dims));

/** a model reading `x` (batch free) and writing `out` */
export function onnxModel(nodes: NodeProto[], inits: TensorProto[], inDims: number[], out: string, outDims: (number | string)[]): Uint8Array {
  return buildModelBytes({ nodes, initializers: inits, inputs: [tensorValueInfo('x', ['N', ...inDims.slice(1)])], outputs: [tensorValueInfo(out, outDims)] });
}

/** imports `bytes` and checks its output on a random batch of 2 against onnxruntime's (relative max error < 1e-5) */
export async function expectSameAsOrt(bytes: Uint8Array, inDims: number[]): Promise<Graph> {
  const g = importOnnx(bytes, 'm.onnx');
  const x = tf.randomNormal([2, inDims[2], inDims[3], inDims[1]], 0, 1, 'float32', 5) as tf.Tensor4D;
  const want = await runOrt(bytes, x);
  const got = forward(g, x);
  expect(got.shape).toEqual(want.shape);
  const err = tf.tidy(() => tf.max(tf.abs(tf.sub(got, want))).dataSync()[0] / tf.max(tf.abs(want)).dataSync()[0]);
  expect(err).toBeLessThan(1e-5);
  tf.dispose([x, want, got]);
  return g;
}
