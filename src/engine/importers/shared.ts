// Helpers both importers (and the ONNX writer) share: window attribute checks, layout
// transposes, TF padding arithmetic, unique names, which operand of a product is the gate.
import type { GraphNode, Pads } from '../ir.ts';

/**
 * The largest stride, dilation, kernel or pad the importers accept: far beyond what a trained
 * CNN uses, small enough that every layer shape stays finite and sane (a 1e9 pad would ask
 * for a 1e9-pixel map; a stride of 0 for an infinite one).
 */
export const MAX_WINDOW = 4096;

/**
 * What is wrong with a window attribute, or null: strides, dilations and kernel sizes are
 * whole numbers from 1, pads from 0, all at most MAX_WINDOW.
 */
export function windowProblem(name: string, values: readonly number[], min: 0 | 1): string | null {
  if (values.every((v) => Number.isInteger(v) && v >= min && v <= MAX_WINDOW)) return null;
  return `${name} [${values.join(', ')}] must be whole numbers from ${min} to ${MAX_WINDOW}`;
}

/** TF 'same' padding along one axis: the total split with the extra pixel at the end. */
export function tfSamePad(size: number, k: number, stride: number, dilation: number): [number, number] {
  const eff = (k - 1) * dilation + 1;
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + eff - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/**
 * TF 'same' pads [t,l,b,r]; null when a free input size makes them unknowable (for
 * stride 1 the pads never depend on the size).
 */
export function tfSamePads(
  h: number | null,
  w: number | null,
  k: [number, number],
  s: [number, number],
  d: [number, number],
): Pads | null {
  const axis = (n: number | null, i: 0 | 1): [number, number] | null =>
    n == null ? (s[i] === 1 ? tfSamePad(k[i], k[i], 1, d[i]) : null) : tfSamePad(n, k[i], s[i], d[i]);
  const ph = axis(h, 0);
  const pw = axis(w, 1);
  if (!ph || !pw) return null;
  return [ph[0], pw[0], ph[1], pw[1]];
}

/** OIHW (ONNX/PyTorch conv) → HWIO (the IR's [kh, kw, in, out]). */
export function oihwToHwio(data: Float32Array, dims: number[]): Float32Array {
  return transpose4d(data, dims, [2, 3, 1, 0]);
}

/** HWIO → OIHW. */
export function hwioToOihw(data: Float32Array, dims: number[]): Float32Array {
  return transpose4d(data, dims, [3, 2, 0, 1]);
}

/**
 * A row-major 4-D array with its axes reordered: output axis k is input axis perm[k]. Writes
 * the output in order (reads stride), which is what keeps a 25 M-weight model's import fast.
 */
function transpose4d(data: Float32Array, dims: number[], perm: [number, number, number, number]): Float32Array {
  const stride = [dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1];
  const [n0, n1, n2, n3] = perm.map((p) => dims[p]);
  const [s0, s1, s2, s3] = perm.map((p) => stride[p]);
  const out = new Float32Array(data.length);
  let k = 0;
  for (let a = 0; a < n0; a++)
    for (let b = 0; b < n1; b++)
      for (let c = 0; c < n2; c++) {
        const from = a * s0 + b * s1 + c * s2;
        for (let d = 0; d < n3; d++) out[k++] = data[from + d * s3];
      }
  return out;
}

/** Transpose of a row-major [rows, cols] matrix. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/**
 * Reorders the rows of a dense weight [in, out] whose input index runs over a flattened
 * (C,H,W) tensor so that it runs over (H,W,C) — what NHWC flatten produces. `inverse`
 * goes the other way (IR → NCHW export).
 */
export function permuteFlatRows(
  data: Float32Array,
  [h, w, c]: [number, number, number],
  out: number,
  inverse = false,
): Float32Array {
  const res = new Float32Array(data.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let k = 0; k < c; k++) {
        const hwc = (y * w + x) * c + k;
        const chw = (k * h + y) * w + x;
        const [dst, src] = inverse ? [chw, hwc] : [hwc, chw];
        res.set(data.subarray(src * out, src * out + out), dst * out);
      }
  return res;
}

/** Hands out names unique within one graph: `name`, then `name_2`, `name_3`, … */
export class UniqueNames {
  private readonly used = new Set<string>();
  take(name: string): string {
    let n = name;
    for (let k = 2; this.used.has(n); k++) n = `${name}_${k}`;
    this.used.add(n);
    return n;
  }
  reserve(name: string): void {
    this.used.add(name);
  }
}

/**
 * Which operand of a product of two feature maps is the gate (docs/engine.md §13): the one that
 * broadcasts (a squeeze-excitation [1, 1, C] scale), or, for equal shapes, the one computed
 * elementwise from the other (σ(x), hardsigmoid(x), GELU's Φ(x)). Null: neither, or a gate that
 * does not broadcast. Returns [signal, gate] as IR tensors.
 */
export function gateOperands(a: string, b: string, shapeOf: (t: string) => (number | null)[], producerOf: (t: string) => GraphNode | undefined): [string, string] | null {
  const [sa, sb] = [shapeOf(a), shapeOf(b)];
  if (sa.length !== sb.length) return null;
  if (!sa.every((d, k) => d === sb[k])) {
    const count = (s: (number | null)[]) => s.reduce<number>((p, d) => p * (d ?? 0), 1);
    const [signal, gate] = count(sa) >= count(sb) ? [a, b] : [b, a];
    const ss = shapeOf(signal);
    return shapeOf(gate).every((d, k) => d === 1 || d === ss[k]) ? [signal, gate] : null;
  }
  const elementwise = new Set<GraphNode['op']>(['activation', 'sigmoid', 'affine', 'relu', 'identity', 'mul']);
  const derivedFrom = (t: string, src: string): boolean => {
    let cur = t;
    for (let steps = 0; steps < 16; steps++) {
      if (cur === src) return true;
      const p = producerOf(cur);
      if (!p || !elementwise.has(p.op)) return false;
      cur = p.inputs[0];
    }
    return false;
  };
  if (derivedFrom(b, a)) return [a, b];
  if (derivedFrom(a, b)) return [b, a];
  return null;
}
