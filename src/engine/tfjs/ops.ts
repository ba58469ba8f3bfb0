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
  private readonly polyphase = new WeakMap<tf.Tensor, tf.Tensor4D>();
  /** per-group slices [kh, kw, in/g, out/g] of persistent grouped-conv weights */
  private readonly groupSlices = new WeakMap<tf.Tensor, tf.Tensor4D[]>();
  /** depthwise kernels [kh, kw, C, m] (flipped or not) of persistent weights */
  private readonly depthwise = new WeakMap<tf.Tensor, { plain: tf.Tensor4D; flipped: tf.Tensor4D }>();

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

  // the ops tf has as they are, one line each
  readonly add = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.add(a, b);
  readonly sub = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.sub(a, b);
  readonly mul = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.mul(a, b);
  safeDiv(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      // only elementwise arithmetic: on wasm equal/where/minimum are ~30× slower than
      // step/abs/add/div (measured). nz = [b ≠ 0]; a / (b + 1 − nz) · nz
      const nz = tf.step(tf.abs(b));
      return tf.mul(tf.div(a, tf.add(b, tf.sub(1, nz))), nz);
    });
  }
  readonly relu = (x: tf.Tensor): tf.Tensor => tf.relu(x);
  readonly negPart = (x: tf.Tensor): tf.Tensor => tf.tidy(() => tf.neg(tf.relu(tf.neg(x))));
  readonly step = (x: tf.Tensor): tf.Tensor => tf.step(x);
  readonly sigmoid = (x: tf.Tensor): tf.Tensor => tf.sigmoid(x);
  readonly softmax = (x: tf.Tensor): tf.Tensor => tf.softmax(x);
  readonly div = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.div(a, b);
  readonly exp = (x: tf.Tensor): tf.Tensor => tf.exp(x);
  readonly tanh = (x: tf.Tensor): tf.Tensor => tf.tanh(x);
  readonly erf = (x: tf.Tensor): tf.Tensor => tf.erf(x);
  readonly softplus = (x: tf.Tensor): tf.Tensor => tf.softplus(x);
  readonly sqrt = (x: tf.Tensor): tf.Tensor => tf.sqrt(x);
  readonly clip = (x: tf.Tensor, lo: number, hi: number): tf.Tensor => tf.clipByValue(x, lo, hi);

  readonly sum = (x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor => tf.sum(x, axes, keepDims);
  readonly mean = (x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor => tf.mean(x, axes, keepDims);
  readonly max = (x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor => tf.max(x, axes, keepDims);
  readonly min = (x: tf.Tensor, axes: number[], keepDims: boolean): tf.Tensor => tf.min(x, axes, keepDims);

  conv2d(x: tf.Tensor, w: tf.Tensor, g: ConvGeometry): tf.Tensor {
    const groups = g.groups ?? 1;
    if (groups > 1) return this.groupedConv(x, w, g, groups);
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
   * convᵀ at conv speed (on wasm Conv2DBackpropInput is a plain loop, ~6–20× slower than
   * XNNPACK's conv, environment.md). Cases:
   *  - stride 1: a conv over the spatially flipped, in/out-swapped kernel;
   *  - 1×1 kernel, stride s: a 1×1 conv, then the result placed on every s-th row/column;
   *  - k×k, stride s (square): polyphase — one conv of the s² phase sub-kernels stacked
   *    along the output channels, then depthToSpace interleaves the phases;
   *  - otherwise (dilated and strided…): zeros inserted between dy's rows and columns,
   *    then the stride-1 case.
   * The forward conv's pads become a crop of the result.
   */
  conv2dTranspose(dy: tf.Tensor, w: tf.Tensor, g: ConvGeometry, inHW: [number, number]): tf.Tensor {
    const groups = g.groups ?? 1;
    if (groups > 1) return this.groupedConvTranspose(dy, w, g, groups, inHW);
    return tf.tidy(() => {
      const [kh, kw] = w.shape as number[];
      const [sh, sw] = g.strides;
      const dilated = g.dilations[0] !== 1 || g.dilations[1] !== 1;
      const hp = inHW[0] + g.pads[0] + g.pads[2];
      const wp = inHW[1] + g.pads[1] + g.pads[3];
      if (!dilated && (sh > 1 || sw > 1)) {
        if (kh === 1 && kw === 1) {
          const y = tf.conv2d(dy as tf.Tensor4D, this.flippedKernel(w), 1, 'valid');
          return this.cropTo(zeroInsert(y, sh, sw), g.pads, inHW);
        }
        if (sh === sw) {
          const m = Math.ceil(Math.max(kh, kw) / sh);
          const [, ho, wo] = dy.shape as number[];
          const qh = Math.ceil(hp / sh);
          const qw = Math.ceil(wp / sw);
          const y = convPadded(dy as tf.Tensor4D, this.polyphaseKernel(w, sh), [m - 1, m - 1, qh - ho, qw - wo], [1, 1]);
          return this.cropTo(tf.depthToSpace(y, sh), g.pads, inHW);
        }
      }
      const { z, pads } = zeroInsertedWindow(dy as tf.Tensor4D, kh, kw, g, inHW);
      return convPadded(z, this.flippedKernel(w), pads, g.dilations);
    });
  }

  /**
   * Grouped conv: depthwise (one input channel per group) runs as tf.depthwiseConv2d, any
   * other grouping as one plain conv per group on its slice of the channels.
   */
  private groupedConv(x: tf.Tensor, w: tf.Tensor, g: ConvGeometry, groups: number): tf.Tensor {
    return tf.tidy(() => {
      const plain = { ...g, groups: 1 };
      if (w.shape[2] === 1 && x.shape[3] === groups) {
        const k = this.depthwiseKernels(w, groups).plain;
        const dilated = g.dilations[0] !== 1 || g.dilations[1] !== 1;
        const strided = g.strides[0] !== 1 || g.strides[1] !== 1;
        const xp = tf.pad(x as tf.Tensor4D, pad4(g.pads));
        if (dilated && strided) return tf.depthwiseConv2d(xp, dilateKernel(k, g.dilations), g.strides, 'valid');
        return tf.depthwiseConv2d(xp, k, g.strides, 'valid', 'NHWC', g.dilations);
      }
      const xs = tf.split(x, groups, 3);
      const ws = this.groupWeights(w, groups);
      return tf.concat(xs.map((xi, i) => this.conv2d(xi, ws[i], plain)), 3);
    });
  }

  /** the transpose of groupedConv: per group, or a depthwise conv over the flipped kernel */
  private groupedConvTranspose(dy: tf.Tensor, w: tf.Tensor, g: ConvGeometry, groups: number, inHW: [number, number]): tf.Tensor {
    return tf.tidy(() => {
      const [kh, kw, cig, co] = w.shape as number[];
      if (cig === 1 && co % groups === 0) {
        const m = co / groups;
        const k = this.depthwiseKernels(w, groups).flipped; // [kh, kw, groups, m]
        const { z, pads } = zeroInsertedWindow(dy as tf.Tensor4D, kh, kw, g, inHW);
        let acc: tf.Tensor | null = null;
        for (let j = 0; j < m; j++) {
          // output channel c·m + j of the forward conv reads input channel c through tap j
          const zj = m === 1 ? z : tf.gather(z, tf.tensor1d(Array.from({ length: groups }, (_, c) => c * m + j), 'int32'), 3);
          const kj = m === 1 ? k : tf.slice(k, [0, 0, 0, j], [kh, kw, groups, 1]);
          const part = depthwisePadded(zj as tf.Tensor4D, kj as tf.Tensor4D, pads, g.dilations);
          acc = acc === null ? part : tf.add(acc, part);
        }
        return acc as tf.Tensor;
      }
      const plain = { ...g, groups: 1 };
      const dys = tf.split(dy, groups, 3);
      const ws = this.groupWeights(w, groups);
      return tf.concat(dys.map((d, i) => this.conv2dTranspose(d, ws[i], plain, inHW)), 3);
    });
  }

  private groupWeights(w: tf.Tensor, groups: number): tf.Tensor4D[] {
    const cached = this.groupSlices.get(w);
    if (cached) return cached;
    const parts = tf.split(w, groups, 3) as tf.Tensor4D[];
    if (this.keepWith(w, parts)) this.groupSlices.set(w, parts);
    return parts;
  }

  /** [kh, kw, 1, C·m] → [kh, kw, C, m], and its spatially flipped copy */
  private depthwiseKernels(w: tf.Tensor, groups: number): { plain: tf.Tensor4D; flipped: tf.Tensor4D } {
    const cached = this.depthwise.get(w);
    if (cached) return cached;
    const [kh, kw, , co] = w.shape as number[];
    const make = () => {
      const plain = tf.reshape(w, [kh, kw, groups, co / groups]) as tf.Tensor4D;
      return { plain, flipped: tf.reverse(plain, [0, 1]) as tf.Tensor4D };
    };
    const out = tf.tidy(() => {
      const k = make();
      return [k.plain, k.flipped];
    });
    const res = { plain: out[0] as tf.Tensor4D, flipped: out[1] as tf.Tensor4D };
    if (this.keepWith(w, out)) this.depthwise.set(w, res);
    return res;
  }

  /** rows/columns [pad, pad + in) of a result laid out in padded-input coordinates */
  private cropTo(x: tf.Tensor4D, pads: Pads, inHW: [number, number]): tf.Tensor4D {
    const [n, h, w, c] = x.shape;
    if (pads[0] === 0 && pads[1] === 0 && h === inHW[0] && w === inHW[1]) return x;
    // a result shorter than pad + in (rows the forward conv never read) is padded with zeros
    const need = [pads[0] + inHW[0] - h, pads[1] + inHW[1] - w];
    const full = need[0] > 0 || need[1] > 0 ? tf.pad(x, [[0, 0], [0, Math.max(0, need[0])], [0, Math.max(0, need[1])], [0, 0]]) : x;
    return tf.slice(full, [0, pads[0], pads[1], 0], [n, inHW[0], inHW[1], c]);
  }

  /**
   * Phase (py, px) of a stride-s convᵀ reads taps W[py + m·s, px + n·s]; stacked (flipped,
   * in/out swapped, zero-filled to ⌈k/s⌉ taps) along the output channels in depthToSpace
   * order: channel (py·s + px)·inC + c.
   */
  private polyphaseKernel(w: tf.Tensor, s: number): tf.Tensor4D {
    const cached = this.polyphase.get(w);
    if (cached) return cached;
    const k = tf.tidy(() => {
      const [kh, kw, ci, co] = w.shape as number[];
      const m = Math.ceil(Math.max(kh, kw) / s);
      const wz = tf.pad(w as tf.Tensor4D, [[0, m * s - kh], [0, m * s - kw], [0, 0], [0, 0]]);
      // [m, s, m, s, ci, co]: tap (a·s + py, b·s + px)
      const r = tf.reshape(wz, [m, s, m, s, ci, co]);
      // → [m(a), m(b), co, py, px, ci], then flip a and b
      const t = tf.transpose(r, [0, 2, 5, 1, 3, 4]);
      return tf.reshape(tf.reverse(t, [0, 1]), [m, m, co, s * s * ci]) as tf.Tensor4D;
    });
    if (this.keepWith(w, [k])) this.polyphase.set(w, k);
    return k;
  }

  private flippedKernel(w: tf.Tensor): tf.Tensor4D {
    const cached = this.flipped.get(w);
    if (cached) return cached as tf.Tensor4D;
    const f = tf.tidy(() => tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2])) as tf.Tensor4D;
    if (this.keepWith(w, [f])) this.flipped.set(w, f);
    return f;
  }

  /**
   * Tensors derived from a persistent weight (flipped, sliced, regrouped) live as long as it
   * does, so the caller may cache them by it; those of any other tensor go with the caller's
   * tidy. True when they were kept.
   */
  private keepWith(w: tf.Tensor, derived: readonly tf.Tensor[]): boolean {
    if (!this.persistent.has(w)) return false;
    for (const t of derived) {
      tf.keep(t);
      this.persistent.add(t);
    }
    return true;
  }

  matmul(a: tf.Tensor, b: tf.Tensor, transposeB: boolean): tf.Tensor {
    return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, transposeB);
  }

  maxPool(x: tf.Tensor, g: PoolGeometry): tf.Tensor {
    return tf.tidy(() => tf.maxPool(tf.pad(x as tf.Tensor4D, pad4(g.pads), -Infinity), g.kernel, g.strides, 'valid'));
  }

  /**
   * Winner-take-all with the FIRST maximum of each window in row-major order (PyTorch's
   * choice; the wasm MaxPoolGrad kernel picks the last one, so it is not used): for each
   * window offset, the cells equal to the window max that no earlier offset claimed take
   * dy, placed back by zero insertion.
   */
  maxPoolTranspose(x: tf.Tensor, y: tf.Tensor, dy: tf.Tensor, g: PoolGeometry): tf.Tensor {
    return tf.tidy(() => {
      const xp = tf.pad(x as tf.Tensor4D, pad4(g.pads), -Infinity);
      const [n, ho, wo, c] = y.shape as number[];
      const [kh, kw] = g.kernel;
      const [sh, sw] = g.strides;
      const hAcc = ho * sh + kh;
      const wAcc = wo * sw + kw;
      let taken: tf.Tensor = tf.zeros([n, ho, wo, c]);
      let acc: tf.Tensor = tf.zeros([dy.shape[0], hAcc, wAcc, c]);
      for (let a = 0; a < kh; a++) {
        for (let b = 0; b < kw; b++) {
          const xs = tf.stridedSlice(xp, [0, a, b, 0], [n, a + (ho - 1) * sh + 1, b + (wo - 1) * sw + 1, c], [1, sh, sw, 1]);
          const win = tf.mul(tf.cast(tf.equal(xs, y), 'float32'), tf.sub(1, taken));
          taken = tf.add(taken, win);
          const placed = zeroInsert(tf.mul(dy, win) as tf.Tensor4D, sh, sw);
          acc = tf.add(acc, tf.pad(placed, [[0, 0], [a, hAcc - a - ho * sh], [b, wAcc - b - wo * sw], [0, 0]]));
        }
      }
      const [h, w] = [x.shape[1] as number, x.shape[2] as number];
      return tf.slice(acc, [0, g.pads[0], g.pads[1], 0], [dy.shape[0], h, w, c]);
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
  gather(x: tf.Tensor, indices: number[], axis: number): tf.Tensor {
    return tf.tidy(() => tf.gather(x, tf.tensor1d(indices, 'int32'), axis));
  }
  padAxis(x: tf.Tensor, axis: number, before: number, after: number): tf.Tensor {
    const p = x.shape.map((): [number, number] => [0, 0]);
    p[axis < 0 ? axis + x.rank : axis] = [before, after];
    return tf.pad(x, p);
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

/** zeros between rows / columns: [n, h, w, c] → [n, h·sh, w·sw, c] (s − 1 trailing zeros) */
function zeroInsert(x: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  let z = x;
  const [n, h, w, c] = x.shape;
  if (sw > 1) z = tf.reshape(tf.pad(tf.reshape(z, [n * h, w, 1, c]), [[0, 0], [0, 0], [0, sw - 1], [0, 0]]), [n, h, w * sw, c]);
  if (sh > 1) z = tf.reshape(tf.pad(tf.reshape(z, [n, h, 1, z.shape[2] * c]), [[0, 0], [0, 0], [0, sh - 1], [0, 0]]), [n, h * sh, z.shape[2], c]);
  return z;
}

/**
 * A stride-1 conv of x padded by [top, left, bottom, right]: positive pads go to the conv's
 * explicit padding (no copy), a negative entry removes that many rows/columns first.
 */
/**
 * convᵀ as a correlation: dy with stride − 1 zeros between its rows and columns, and the pads
 * [t, l, b, r] that restrict its full correlation with the (dilated) kh×kw kernel to the
 * unpadded input window [pad, pad + in).
 */
function zeroInsertedWindow(dy: tf.Tensor4D, kh: number, kw: number, g: ConvGeometry, inHW: [number, number]): { z: tf.Tensor4D; pads: number[] } {
  const [sh, sw] = g.strides;
  const [dh, dw] = g.dilations;
  const ekh = dh * (kh - 1) + 1;
  const ekw = dw * (kw - 1) + 1;
  const z = zeroInsert(dy, sh, sw);
  const [, zh, zw] = z.shape;
  const top = ekh - 1 - g.pads[0];
  const left = ekw - 1 - g.pads[1];
  return { z, pads: [top, left, inHW[0] + ekh - 1 - top - zh, inHW[1] + ekw - 1 - left - zw] };
}

/** pads [t, l, b, r] of which the negative ones crop: x cropped by those, and the pads left (all ≥ 0) */
function cropNegativePads(x: tf.Tensor4D, [t, l, b, r]: number[]): { z: tf.Tensor4D; pads: number[] } {
  let z = x;
  if (t < 0 || l < 0 || b < 0 || r < 0) {
    const [n, h, w, c] = z.shape;
    const [ct, cl, cb, cr] = [t, l, b, r].map((v) => Math.max(0, -v));
    z = tf.slice(z, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]);
  }
  return { z, pads: [t, l, b, r].map((v) => Math.max(0, v)) };
}

function convPadded(x: tf.Tensor4D, k: tf.Tensor4D, tlbr: number[], dilations: [number, number]): tf.Tensor4D {
  const { z, pads } = cropNegativePads(x, tlbr);
  return tf.conv2d(z, k, 1, [[0, 0], [pads[0], pads[2]], [pads[1], pads[3]], [0, 0]], 'NHWC', dilations);
}

/** a depthwise conv (multiplier as the kernel says) of x padded by [t, l, b, r]; negative pads crop */
function depthwisePadded(x: tf.Tensor4D, k: tf.Tensor4D, tlbr: number[], dilations: [number, number]): tf.Tensor4D {
  const cropped = cropNegativePads(x, tlbr);
  let z = cropped.z;
  const [pt, pl, pb, pr] = cropped.pads;
  if (pt + pl + pb + pr > 0) z = tf.pad(z, [[0, 0], [pt, pb], [pl, pr], [0, 0]]);
  return tf.depthwiseConv2d(z, k, 1, 'valid', 'NHWC', dilations);
}

function dilateKernel(w: tf.Tensor4D, [dh, dw]: [number, number]): tf.Tensor4D {
  const [kh, kw, ci, co] = w.shape;
  let k: tf.Tensor4D = w;
  if (dw > 1) k = tf.slice(tf.reshape(tf.pad(tf.reshape(k, [kh, kw, 1, ci * co]), [[0, 0], [0, 0], [0, dw - 1], [0, 0]]), [kh, kw * dw, ci, co]), [0, 0, 0, 0], [kh, dw * (kw - 1) + 1, ci, co]) as tf.Tensor4D;
  const kw2 = k.shape[1];
  if (dh > 1) k = tf.slice(tf.reshape(tf.pad(tf.reshape(k, [kh, 1, kw2 * ci * co, 1]), [[0, 0], [0, dh - 1], [0, 0], [0, 0]]), [kh * dh, kw2, ci, co]), [0, 0, 0, 0], [dh * (kh - 1) + 1, kw2, ci, co]) as tf.Tensor4D;
  return k;
}
