// The TF.js executor of the op interface: eager tf ops. Per-model constants (params, W⁺,
// folded BN, flipped kernels) are kept across runs until `dispose()`; everything else is
// created inside the caller's tf.tidy and may be released early with `release`.
import * as tf from '@tensorflow/tfjs';
import type { Pads } from '../ir.ts';
import type { ConvGeometry, PoolGeometry, TensorOps } from '../ops/ops.ts';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];
const pad4 = ([t, l, b, r]: Pads): Pad4 => [[0, 0], [t, b], [l, r], [0, 0]];

export class TfjsOps implements TensorOps<tf.Tensor> {
  readonly name: string;
  private readonly constants = new Map<string, tf.Tensor>();
  private readonly persistent = new Set<tf.Tensor>();
  /** flipped, in/out-swapped kernels of persistent weights (transposed conv as a conv) */
  private readonly flipped = new WeakMap<tf.Tensor, tf.Tensor>();

  constructor() {
    this.name = `tfjs-${tf.getBackend()}`;
  }

  fromArray(data: Float32Array, shape: number[]): tf.Tensor {
    return tf.tensor(data, shape, 'float32');
  }

  constant(key: string, make: () => tf.Tensor): tf.Tensor {
    let t = this.constants.get(key);
    if (!t) {
      t = tf.keep(tf.tidy(make));
      this.constants.set(key, t);
      this.persistent.add(t);
    }
    return t;
  }

  /** number of cached per-model constants (for tests) */
  get constantCount(): number {
    return this.constants.size;
  }

  shape(x: tf.Tensor): number[] {
    return x.shape;
  }

  add(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.add(a, b);
  }
  sub(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.sub(a, b);
  }
  mul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.mul(a, b);
  }
  safeDiv(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const nz = tf.notEqual(b, 0);
      const q = tf.div(a, tf.where(nz, b, tf.onesLike(b)));
      // multiply by the indicator (broadcasts where a and b differ in batch)
      return tf.mul(q, tf.cast(nz, 'float32'));
    });
  }
  relu(x: tf.Tensor): tf.Tensor {
    return tf.relu(x);
  }
  negPart(x: tf.Tensor): tf.Tensor {
    return tf.minimum(x, 0);
  }
  step(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => tf.cast(tf.greater(x, 0), 'float32'));
  }
  sigmoid(x: tf.Tensor): tf.Tensor {
    return tf.sigmoid(x);
  }
  softmax(x: tf.Tensor): tf.Tensor {
    return tf.softmax(x);
  }

  sum(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
    return tf.sum(x, axes, keepDims);
  }
  mean(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
    return tf.mean(x, axes, keepDims);
  }
  max(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
    return tf.max(x, axes, keepDims);
  }
  min(x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor {
    return tf.min(x, axes, keepDims);
  }

  conv2d(x: tf.Tensor, w: tf.Tensor, g: ConvGeometry): tf.Tensor {
    return tf.tidy(() => {
      const [t, l, b, r] = g.pads;
      const dilated = g.dilations[0] !== 1 || g.dilations[1] !== 1;
      const strided = g.strides[0] !== 1 || g.strides[1] !== 1;
      if (dilated && strided) {
        // tf.conv2d refuses stride and dilation together: dilate the kernel explicitly
        return tf.conv2d(tf.pad(x as tf.Tensor4D, pad4(g.pads)), dilateKernel(w as tf.Tensor4D, g.dilations), g.strides, 'valid');
      }
      return tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, g.strides, pad4([t, l, b, r]), 'NHWC', g.dilations);
    });
  }

  /**
   * convᵀ as a stride-1 conv over the spatially flipped, in/out-swapped kernel, with the
   * stride realised by inserting zeros between the rows/columns of dy. On wasm this runs
   * through XNNPACK like a forward conv, where Conv2DBackpropInput is a plain loop
   * (environment.md: ~6–20× slower). The pads of the forward conv become a crop.
   */
  conv2dTranspose(dy: tf.Tensor, w: tf.Tensor, g: ConvGeometry, inHW: [number, number]): tf.Tensor {
    return tf.tidy(() => {
      const [kh, kw] = w.shape;
      const [sh, sw] = g.strides;
      const [dh, dw] = g.dilations;
      const ekh = dh * (kh - 1) + 1;
      const ekw = dw * (kw - 1) + 1;
      let z = dy as tf.Tensor4D;
      const [n, ho, wo, c] = z.shape;
      // zero insertion, leaving (s − 1) trailing zeros after the last row / column
      if (sw > 1) z = tf.reshape(tf.pad(tf.reshape(z, [n * ho, wo, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, ho, wo * sw, c]);
      if (sh > 1) z = tf.reshape(tf.pad(tf.reshape(z, [n, ho, 1, z.shape[2] * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, ho * sh, z.shape[2], c]);
      const zh = ho * sh;
      const zw = wo * sw;
      // full correlation restricted to the unpadded input window [pad, pad + in)
      const top = ekh - 1 - g.pads[0];
      const left = ekw - 1 - g.pads[1];
      const bottom = inHW[0] + ekh - 1 - top - zh;
      const right = inHW[1] + ekw - 1 - left - zw;
      if (top < 0 || left < 0 || bottom < 0 || right < 0) {
        const [ct, cl, cb, cr] = [Math.max(0, -top), Math.max(0, -left), Math.max(0, -bottom), Math.max(0, -right)];
        z = tf.slice(z, [0, ct, cl, 0], [n, zh - ct - cb, zw - cl - cr, c]);
      }
      const pads: Pads = [Math.max(0, top), Math.max(0, left), Math.max(0, bottom), Math.max(0, right)];
      return tf.conv2d(z, this.flippedKernel(w), 1, pad4(pads), 'NHWC', g.dilations);
    });
  }

  private flippedKernel(w: tf.Tensor): tf.Tensor4D {
    const cached = this.flipped.get(w);
    if (cached) return cached as tf.Tensor4D;
    const f = tf.tidy(() => tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2])) as tf.Tensor4D;
    if (this.persistent.has(w)) {
      tf.keep(f);
      this.flipped.set(w, f);
      this.persistent.add(f);
    }
    return f;
  }

  matmul(a: tf.Tensor, b: tf.Tensor, transposeB: boolean): tf.Tensor {
    return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, transposeB);
  }

  maxPool(x: tf.Tensor, g: PoolGeometry): tf.Tensor {
    return tf.tidy(() => tf.maxPool(tf.pad(x as tf.Tensor4D, pad4(g.pads), -Infinity), g.kernel, g.strides, 'valid'));
  }

  maxPoolTranspose(x: tf.Tensor, y: tf.Tensor, dy: tf.Tensor, g: PoolGeometry): tf.Tensor {
    return tf.tidy(() => {
      const b = dy.shape[0];
      let xp = tf.pad(x as tf.Tensor4D, pad4(g.pads), -Infinity);
      let yy = y;
      if (xp.shape[0] !== b) {
        xp = tf.tile(xp, [b, 1, 1, 1]);
        yy = tf.tile(y, [b, 1, 1, 1]);
      }
      const dx = tf.engine().runKernel('MaxPoolGrad', { dy, input: xp, output: yy }, {
        filterSize: g.kernel,
        strides: g.strides,
        pad: 'valid',
      }) as tf.Tensor;
      return this.crop(dx, g.pads);
    });
  }

  avgPool(x: tf.Tensor, g: PoolGeometry, countIncludePad: boolean): tf.Tensor {
    return tf.tidy(() => {
      const s = tf.avgPool(tf.pad(x as tf.Tensor4D, pad4(g.pads)), g.kernel, g.strides, 'valid');
      if (countIncludePad || g.pads.every((p) => p === 0)) return s;
      return tf.div(s, this.padFraction(x.shape[1] as number, x.shape[2] as number, g));
    });
  }

  avgPoolTranspose(dy: tf.Tensor, g: PoolGeometry, countIncludePad: boolean, inHW: [number, number]): tf.Tensor {
    return tf.tidy(() => {
      const [t, l, b, r] = g.pads;
      let d = dy;
      if (!countIncludePad && g.pads.some((p) => p !== 0)) d = tf.div(d, this.padFraction(inHW[0], inHW[1], g));
      const shape: [number, number, number, number] = [dy.shape[0], inHW[0] + t + b, inHW[1] + l + r, dy.shape[3] as number];
      const dx = tf.engine().runKernel('AvgPoolGrad', { dy: d, input: tf.zeros(shape) }, {
        filterSize: g.kernel,
        strides: g.strides,
        pad: 'valid',
      }) as tf.Tensor;
      return this.crop(dx, g.pads);
    });
  }

  /** per output cell: (real cells in the window) / (window size) */
  private padFraction(h: number, w: number, g: PoolGeometry): tf.Tensor {
    return tf.avgPool(tf.pad(tf.ones([1, h, w, 1]) as tf.Tensor4D, pad4(g.pads)), g.kernel, g.strides, 'valid');
  }

  resizeBilinear(x: tf.Tensor, size: [number, number]): tf.Tensor {
    return tf.image.resizeBilinear(x as tf.Tensor4D, size, false, true);
  }

  reshape(x: tf.Tensor, shape: number[]): tf.Tensor {
    return tf.reshape(x, shape);
  }
  pad(x: tf.Tensor, pads: Pads, value: number): tf.Tensor {
    return tf.pad(x, pad4(pads), value);
  }
  crop(x: tf.Tensor, [t, l, b, r]: Pads): tf.Tensor {
    if (t === 0 && l === 0 && b === 0 && r === 0) return tf.clone(x);
    const [n, h, w, c] = x.shape as number[];
    return tf.slice(x, [0, t, l, 0], [n, h - t - b, w - l - r, c]);
  }
  concat(xs: tf.Tensor[], axis: number): tf.Tensor {
    return tf.concat(xs, axis);
  }
  slice(x: tf.Tensor, begin: number[], size: number[]): tf.Tensor {
    return tf.slice(x, begin, size);
  }

  release(x: tf.Tensor): void {
    if (!this.persistent.has(x)) x.dispose();
  }

  /** frees every per-model constant */
  dispose(): void {
    for (const t of this.persistent) t.dispose();
    this.persistent.clear();
    this.constants.clear();
  }
}

function dilateKernel(w: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [kh, kw, ci, co] = w.shape;
  let k: tf.Tensor4D = w;
  if (dw > 1) k = tf.slice(tf.reshape(tf.pad(tf.reshape(k, [kh, kw, 1, ci * co]), [[0, 0], [0, 0], [0, dw - 1], [0, 0]]), [kh, kw * dw, ci, co]), [0, 0, 0, 0], [kh, dw * (kw - 1) + 1, ci, co]) as tf.Tensor4D;
  const kw2 = k.shape[1];
  if (dh > 1) k = tf.slice(tf.reshape(tf.pad(tf.reshape(k, [kh, 1, kw2 * ci * co, 1]), [[0, 0], [0, dh - 1], [0, 0], [0, 0]]), [kh * dh, kw2, ci, co]), [0, 0, 0, 0], [dh * (kh - 1) + 1, kw2, ci, co]) as tf.Tensor4D;
  return k;
}
