// Reader for Fashion-MNIST's gzipped IDX files. Format: big-endian magic (0x00000801
// labels, 0x00000803 images), then dimension sizes, then u8 data.
//
// Two folders hold such files:
// - the full dataset (Debian's `dataset-fashion-mnist` in /usr/share/datasets/fashion-mnist,
//   or FASHION_MNIST_DIR): what the benchmarks, the training script and the generator's own
//   tests draw scenes from;
// - demo/scenes/fashion-mnist-demo/ (committed): every t10k label, but only the images of the
//   items the demo scenes use — the others are blank. It lets the demo's tests regenerate
//   the demo scenes on a machine where only `npm install` has run.
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';

export const SYSTEM_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** The committed subset (see the file comment; built by demo/tools/build-demo.ts). */
export const DEMO_ITEMS_DIR = path.join(import.meta.dirname, 'fashion-mnist-demo');

/** FASHION_MNIST_DIR, else Debian's dataset-fashion-mnist folder. */
export function fashionMnistDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.FASHION_MNIST_DIR || SYSTEM_FASHION_MNIST_DIR;
}

export interface IdxImages { count: number; rows: number; cols: number; pixels: Uint8Array }

export type FashionSplit = 'train' | 'test';

export function idxFile(dir: string, split: FashionSplit, kind: 'images' | 'labels'): string {
  return path.join(dir, `${split === 'train' ? 'train' : 't10k'}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte.gz`);
}

/** One line for a missing dataset: what to install, or which variable to set. */
export function missingDatasetMessage(dir: string, split: FashionSplit): string | null {
  const file = idxFile(dir, split, 'images');
  if (existsSync(file)) return null;
  return `${file} not found: this needs the Fashion-MNIST dataset — install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist; .ci/run does) or set FASHION_MNIST_DIR`;
}

function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file));
  } catch (e) {
    throw new Error(`${file}: cannot read Fashion-MNIST file (${(e as Error).message}); install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR`);
  }
  if (raw.length < 8 || raw[0] !== 0 || raw[1] !== 0 || raw[2] !== 0x08) {
    throw new Error(`${file}: not an unsigned-byte IDX file (bad magic)`);
  }
  const ndim = raw[3];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * ndim;
  const size = dims.reduce((a, b) => a * b, 1);
  if (raw.length !== offset + size) throw new Error(`${file}: IDX size mismatch (header says ${size} bytes, file has ${raw.length - offset})`);
  return { dims, data: raw.subarray(offset) };
}

export function readFashionImages(split: FashionSplit, dir = fashionMnistDir()): IdxImages {
  const file = idxFile(dir, split, 'images');
  const { dims, data } = readIdx(file);
  if (dims.length !== 3) throw new Error(`${file}: expected 3 dimensions, got ${dims.length}`);
  return { count: dims[0], rows: dims[1], cols: dims[2], pixels: data };
}

export function readFashionLabels(split: FashionSplit, dir = fashionMnistDir()): Uint8Array {
  const file = idxFile(dir, split, 'labels');
  const { dims, data } = readIdx(file);
  if (dims.length !== 1) throw new Error(`${file}: expected 1 dimension, got ${dims.length}`);
  return data;
}

/** IDX bytes (uncompressed) of unsigned-byte data with the given dimensions. */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const head = new Uint8Array(4 + 4 * dims.length);
  const view = new DataView(head.buffer);
  head[2] = 0x08;
  head[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(head.length + data.length);
  out.set(head);
  out.set(data, head.length);
  return out;
}
