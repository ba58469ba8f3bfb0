// Reader for Fashion-MNIST's gzipped IDX files (Debian `dataset-fashion-mnist`). Format:
// big-endian magic (0x00000801 labels, 0x00000803 images), then dimension sizes, then u8 data.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { StudioError } from '../contract/errors.ts';

export const FASHION_MNIST_DIR = process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';

export interface IdxImages { count: number; rows: number; cols: number; pixels: Uint8Array }

export type FashionSplit = 'train' | 'test';

function readIdx(file: string): { dims: number[]; data: Uint8Array } {
  let raw: Uint8Array;
  try {
    raw = new Uint8Array(file.endsWith('.gz') ? gunzipSync(readFileSync(file)) : readFileSync(file));
  } catch (e) {
    throw new StudioError('NOT_FOUND', `${file}: cannot read Fashion-MNIST file (${(e as Error).message}); install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR`);
  }
  if (raw.length < 8 || raw[0] !== 0 || raw[1] !== 0 || raw[2] !== 0x08) {
    throw new StudioError('BAD_REQUEST', `${file}: not an unsigned-byte IDX file (bad magic)`);
  }
  const ndim = raw[3];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims: number[] = [];
  for (let i = 0; i < ndim; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const offset = 4 + 4 * ndim;
  const size = dims.reduce((a, b) => a * b, 1);
  if (raw.length !== offset + size) throw new StudioError('BAD_REQUEST', `${file}: IDX size mismatch (header says ${size} bytes, file has ${raw.length - offset})`);
  return { dims, data: raw.subarray(offset) };
}

export function readFashionImages(split: FashionSplit, dir = FASHION_MNIST_DIR): IdxImages {
  const file = path.join(dir, `${split === 'train' ? 'train' : 't10k'}-images-idx3-ubyte.gz`);
  const { dims, data } = readIdx(file);
  if (dims.length !== 3) throw new StudioError('BAD_REQUEST', `${file}: expected 3 dimensions, got ${dims.length}`);
  return { count: dims[0], rows: dims[1], cols: dims[2], pixels: data };
}

export function readFashionLabels(split: FashionSplit, dir = FASHION_MNIST_DIR): Uint8Array {
  const file = path.join(dir, `${split === 'train' ? 'train' : 't10k'}-labels-idx1-ubyte.gz`);
  const { dims, data } = readIdx(file);
  if (dims.length !== 1) throw new StudioError('BAD_REQUEST', `${file}: expected 1 dimension, got ${dims.length}`);
  return data;
}
