// Test helpers: a backend per test file, NHWC tensors from the naive reference's layout.
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/engine/tfjs/backend.ts';
import { nt, type NT } from './naive/reference.ts';

export async function useBackend(name: 'cpu' | 'wasm' = 'cpu'): Promise<void> {
  await initBackend(name);
  tf.env().set('DEBUG', false);
}

export function toNT(data: Float32Array, h: number, w: number, c: number): NT {
  return nt(h, w, c, false, Float64Array.from(data));
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

/** max |a − b| relative to max |b| */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m / Math.max(maxAbs(b), 1e-30);
}
