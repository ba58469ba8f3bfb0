// The TF.js op implementations the rules rely on, against float64 loops: transposed conv
// (flipped kernel / polyphase / zero insertion) for every geometry ResNet and VGG use and
// some they don't, pooling transposes, safe division. Runs on wasm (the studio's backend).
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Pads } from '../../../src/engine/ir.ts';
import { TfjsOps } from '../../../src/engine/tfjs/ops.ts';
import { convEach, nt, poolEach } from './naive/reference.ts';
import { CONV_TRANSPOSE_GEOMETRIES, randArray, transposeCase } from './naive/geometries.ts';
import { relErr, useBackend } from './setup.ts';

beforeAll(() => useBackend('wasm'));

const rand = randArray;

describe('conv2dTranspose equals the adjoint of conv2d', () => {
  it.each(CONV_TRANSPOSE_GEOMETRIES)('k$k s$s p$p d$d in $h', (g) => {
    const { h, co } = g;
    const ops = new TfjsOps();
    const { wData, shape, pads, geo, ref, out } = transposeCase(g);
    const dy = rand(out.d.length, 2);
    convEach(ref, shape, geo.strides, pads, geo.dilations, (o, i, wi) => (ref.d[i] += dy[o] * wData[wi]));
    const before = tf.memory().numTensors;
    // persistent (cached kernel) and transient weights take the same path
    for (const w of [ops.constant('w', () => tf.tensor(wData, shape)), tf.tensor(wData, shape)]) {
      const got = tf.tidy(() => ops.conv2dTranspose(tf.tensor4d(dy, [1, out.h, out.w, co]), w, geo, [h, h]).dataSync());
      expect(got.length).toBe(ref.d.length);
      expect(relErr(got, ref.d)).toBeLessThan(1e-5);
    }
    ops.dispose();
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 1);
  });
});

describe('pooling transposes', () => {
  it('maxPoolTranspose routes to the first maximum of each window; batch broadcasts', () => {
    const ops = new TfjsOps();
    const h = 9;
    const c = 3;
    // integers make ties: the first maximum must win (PyTorch / tf agree)
    const xd = Float32Array.from(rand(h * h * c, 3), (v) => Math.round(v * 3));
    const geo = { kernel: [3, 3] as [number, number], strides: [2, 2] as [number, number], pads: [1, 1, 1, 1] as Pads };
    const x = nt(h, h, c, false, Float64Array.from(xd));
    const y = poolEach(x, geo.kernel, geo.strides, geo.pads, () => {});
    y.d.fill(-Infinity);
    poolEach(x, geo.kernel, geo.strides, geo.pads, (o, i) => (y.d[o] = Math.max(y.d[o], x.d[i])));
    const dy = rand(y.d.length * 2, 4);
    const ref = new Float64Array(xd.length * 2);
    for (let b = 0; b < 2; b++) {
      const win = new Int32Array(y.d.length).fill(-1);
      poolEach(x, geo.kernel, geo.strides, geo.pads, (o, i) => {
        if (win[o] < 0 && x.d[i] === y.d[o]) win[o] = i;
      });
      for (let o = 0; o < y.d.length; o++) ref[b * xd.length + win[o]] += dy[b * y.d.length + o];
    }
    const got = tf.tidy(() => {
      const xt = tf.tensor4d(xd, [1, h, h, c]);
      const yt = ops.maxPool(xt, geo);
      return ops.maxPoolTranspose(xt, yt, tf.tensor4d(dy, [2, y.h, y.w, c]), geo).dataSync();
    });
    expect(relErr(got, ref)).toBeLessThan(1e-6);
    ops.dispose();
  });

  it.each([true, false])('avgPoolTranspose is the adjoint of avgPool (countIncludePad %s)', (cip) => {
    const ops = new TfjsOps();
    const geo = { kernel: [3, 3] as [number, number], strides: [2, 2] as [number, number], pads: [1, 1, 1, 1] as Pads };
    const h = 8;
    const xd = rand(h * h * 2, 5);
    // <avgPool(x), dy> == <x, avgPoolᵀ(dy)>
    const [lhs, rhs] = tf.tidy(() => {
      const x = tf.tensor4d(xd, [1, h, h, 2]);
      const y = ops.avgPool(x, geo, cip);
      const dy = tf.tensor(rand(y.size, 6), y.shape);
      const dx = ops.avgPoolTranspose(dy, geo, cip, [h, h]);
      return [tf.sum(tf.mul(y, dy)).dataSync()[0], tf.sum(tf.mul(x, dx)).dataSync()[0]];
    });
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5);
    ops.dispose();
  });
});

describe('safeDiv', () => {
  it('is a/b where b ≠ 0 and exactly 0 where b == 0, with batch broadcasting', () => {
    const ops = new TfjsOps();
    const got = tf.tidy(() => ops.safeDiv(tf.tensor2d([1, 2, 3, -4, 5, 6], [2, 3]), tf.tensor2d([2, 0, -1e-30], [1, 3])).dataSync());
    expect(Array.from(got)).toEqual([0.5, 0, Math.fround(3 / Math.fround(-1e-30)), -2, 0, Math.fround(6 / Math.fround(-1e-30))]);
    ops.dispose();
  });
});
