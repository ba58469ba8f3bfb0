// Shared by the demo tools and tests: the demo model's preprocessing, the expected-logits
// file's shape, and loading the TF.js layers copy from a folder with tf.loadLayersModel.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';

export interface Preprocess {
  size: [number, number];
  channels: 'RGB';
  scale: number;
  mean: [number, number, number];
  std: [number, number, number];
  resize: 'bilinear';
  output: 'sigmoid';
}

export interface ExpectedLogits {
  generator: { split: 'train' | 'test'; tier: 'flat' | 'textured' | 'mixed'; seed: number; size: number };
  scenes: { index: number; tier: string; rgbSha256: string; tags: number[]; logits: number[] }[];
}

/** RGB bytes (S×S×3) → normalised NHWC float tensor [1, S, S, 3]. */
export function sceneTensor(rgb: Uint8Array, size: number, pre: Preprocess): tf.Tensor4D {
  const x = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) {
    const c = i % 3;
    x[i] = (rgb[i] * pre.scale - pre.mean[c]) / pre.std[c];
  }
  return tf.tensor4d(x, [1, size, size, 3]);
}

/** tf.loadLayersModel on model.json + its shards in `dir`, through an in-memory IO handler. */
export async function loadLayersModelFromDir(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(await readFile(path.join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
  };
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const p of group.paths) parts.push(new Uint8Array(await readFile(path.join(dir, p))));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const data = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { data.set(p, off); off += p.length; }
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: data.buffer }));
}
