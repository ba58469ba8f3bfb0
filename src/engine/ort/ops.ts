// The symbolic (ONNX-emitting) implementation of the op interface: every call appends ONNX
// nodes to an Emitter and returns a symbolic tensor, so the engine's forward executor, the
// rules and the map functions, run unchanged over these ops, compile into one graph.
//
// Layout: the interface speaks NHWC; ONNX convolutions and pools want NCHW. A symbolic
// tensor carries its logical shape (NHWC for rank 4) and a `perm`: physical axis i holds
// logical axis perm[i]. Rank-4 results are kept NCHW ([0, 3, 1, 2]); other ops convert
// their inputs as needed (a Reshape when only size-1 axes move, else a Transpose), and each
// conversion is emitted once per tensor. Host constants (weights) are converted on the host.
// Dynamic (batch) dimensions are −1 in shapes.
import type { Pads } from '../ir.ts';
import type { ConvGeometry, PoolGeometry, TensorOps } from '../ops/ops.ts';
import type { Emitter } from './emitter.ts';

export interface Sym {
  readonly id: number;
  /** ONNX value name ('' for a host constant, emitted per layout on use) */
  readonly name: string;
  /** logical shape (NHWC for rank 4); −1 = dynamic */
  readonly shape: number[];
  /** physical axis i holds logical axis perm[i] */
  readonly perm: number[];
  /** host constant in logical (row-major) layout */
  readonly value?: Float32Array;
}

export const NCHW = [0, 3, 1, 2];
const identity = (r: number) => Array.from({ length: r }, (_, i) => i);
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);
const BIG = 2 ** 62;

export class OnnxOps implements TensorOps<Sym> {
  readonly name = 'onnx-emitter';
  private nextId = 1;
  private readonly constants = new Map<string, Sym>();
  /** `${id}|${perm}` → emitted name of a converted tensor */
  private readonly layouts = new Map<string, string>();

  constructor(readonly e: Emitter) {}

  /** a symbolic value that already exists in the graph (a graph input, a raw node's output) */
  value(name: string, shape: number[], perm: number[] = shape.length === 4 ? NCHW : identity(shape.length)): Sym {
    return { id: this.nextId++, name, shape: [...shape], perm: [...perm] };
  }

  /** the ONNX name of `x` laid out physically as `perm` (rank may exceed x's: leading 1s) */
  named(x: Sym, perm: number[] = x.perm): string {
    const R = perm.length;
    const key = `${x.id}|${perm.join(',')}`;
    const hit = this.layouts.get(key);
    if (hit) return hit;
    let name: string;
    if (x.value) {
      const shape = [...new Array(R - x.shape.length).fill(1), ...x.shape];
      name = this.e.float(transposeHost(x.value, shape, perm), perm.map((i) => shape[i]));
    } else {
      let cur = x.perm;
      let shape = x.shape;
      name = x.name;
      if (x.shape.length < R) {
        const k = R - x.shape.length;
        const phys = cur.map((i) => shape[i]);
        name = this.reshapeNode(name, [...new Array(k).fill(1), ...phys]);
        cur = [...identity(k), ...cur.map((i) => i + k)];
        shape = [...new Array(k).fill(1), ...shape];
      }
      if (!same(cur, perm)) {
        const target = perm.map((i) => shape[i]);
        const big = (p: number[]) => p.filter((i) => shape[i] !== 1);
        name =
          same(big(cur), big(perm)) && target.filter((d) => d < 0).length <= 1
            ? this.reshapeNode(name, target)
            : this.e.node('Transpose', [name], { perm: perm.map((i) => cur.indexOf(i)) });
      } else if (name === x.name) {
        return name;
      }
    }
    this.layouts.set(key, name);
    return name;
  }

  private reshapeNode(name: string, shape: number[]): string {
    return this.e.node('Reshape', [name, this.e.int64(shape)]);
  }

  private sym(name: string, shape: number[], perm: number[]): Sym {
    return { id: this.nextId++, name, shape, perm };
  }

  private host(value: Float32Array, shape: number[]): Sym {
    return { id: this.nextId++, name: '', shape: [...shape], perm: identity(shape.length), value };
  }

  /** layout for an elementwise result of rank R */
  private layoutFor(R: number, xs: Sym[]): number[] {
    if (R === 4) return NCHW;
    return xs.find((x) => !x.value && x.shape.length === R)?.perm ?? identity(R);
  }

  // ── constants ────────────────────────────────────────────────────────────────────
  fromArray(data: Float32Array, shape: number[]): Sym {
    return this.host(data, shape);
  }
  constant(key: string, make: () => Sym): Sym {
    let t = this.constants.get(key);
    if (!t) {
      t = make();
      this.constants.set(key, t);
    }
    return t;
  }
  shape(x: Sym): number[] {
    return [...x.shape];
  }

  // ── elementwise ──────────────────────────────────────────────────────────────────
  private binary(op: string, a: Sym, b: Sym): Sym {
    const shape = broadcast(a.shape, b.shape);
    const perm = this.layoutFor(shape.length, [a, b]);
    return this.sym(this.e.node(op, [this.named(a, perm), this.named(b, perm)]), shape, perm);
  }
  add(a: Sym, b: Sym): Sym {
    return this.binary('Add', a, b);
  }
  sub(a: Sym, b: Sym): Sym {
    return this.binary('Sub', a, b);
  }
  mul(a: Sym, b: Sym): Sym {
    return this.binary('Mul', a, b);
  }
  safeDiv(a: Sym, b: Sym): Sym {
    // exact docs/engine.md §1 semantics: a/b where b ≠ 0, exactly 0 where b == 0
    const shape = broadcast(a.shape, b.shape);
    const perm = this.layoutFor(shape.length, [a, b]);
    const an = this.named(a, perm);
    const bn = this.named(b, perm);
    // a/0 gives ±inf or NaN (IEEE, no trap), which the Where replaces by exactly 0
    const zero = this.e.floatSmall([0], []);
    const eq = this.e.node('Equal', [bn, zero]);
    const q = this.e.node('Div', [an, bn]);
    return this.sym(this.e.node('Where', [eq, zero, q]), shape, perm);
  }
  private unary(op: string, x: Sym, attrs: Record<string, number> = {}): Sym {
    return this.sym(this.e.node(op, [this.named(x)], attrs), [...x.shape], [...x.perm]);
  }
  relu(x: Sym): Sym {
    if (x.value) return this.host(x.value.map((v) => (v > 0 ? v : 0)), x.shape);
    return this.unary('Relu', x);
  }
  negPart(x: Sym): Sym {
    if (x.value) return this.host(x.value.map((v) => (v < 0 ? v : 0)), x.shape);
    return this.sym(this.e.node('Min', [this.named(x), this.e.floatSmall([0], [])]), [...x.shape], [...x.perm]);
  }
  step(x: Sym): Sym {
    const gt = this.e.node('Greater', [this.named(x), this.e.floatSmall([0], [])]);
    return this.sym(this.e.node('Cast', [gt], { to: 1 }), [...x.shape], [...x.perm]);
  }
  sigmoid(x: Sym): Sym {
    return this.unary('Sigmoid', x);
  }
  div(a: Sym, b: Sym): Sym {
    return this.binary('Div', a, b);
  }
  exp(x: Sym): Sym {
    return this.unary('Exp', x);
  }
  tanh(x: Sym): Sym {
    return this.unary('Tanh', x);
  }
  erf(x: Sym): Sym {
    return this.unary('Erf', x);
  }
  softplus(x: Sym): Sym {
    return this.unary('Softplus', x);
  }
  sqrt(x: Sym): Sym {
    return this.unary('Sqrt', x);
  }
  clip(x: Sym, lo: number, hi: number): Sym {
    const out = this.e.node('Clip', [this.named(x), this.e.floatSmall([lo], []), this.e.floatSmall([hi], [])]);
    return this.sym(out, [...x.shape], x.value ? identity(x.shape.length) : [...x.perm]);
  }
  softmax(x: Sym): Sym {
    const perm = x.value ? identity(x.shape.length) : x.perm;
    return this.sym(this.e.node('Softmax', [this.named(x, perm)], { axis: perm.indexOf(x.shape.length - 1) }), [...x.shape], perm);
  }

  // ── reductions ───────────────────────────────────────────────────────────────────
  private reduce(op: string, x: Sym, axes: number[], keepDims: boolean): Sym {
    const R = x.shape.length;
    const perm = x.value ? identity(R) : x.perm;
    const ax = axes.map((a) => (a < 0 ? a + R : a));
    const phys = ax.map((a) => perm.indexOf(a)).sort((p, q) => p - q);
    const xn = this.named(x, perm);
    const keep = keepDims ? 1 : 0;
    const out =
      op === 'ReduceSum'
        ? this.e.node(op, [xn, this.e.int64(phys)], { keepdims: keep })
        : this.e.node(op, [xn], { axes: phys, keepdims: keep });
    if (keepDims) return this.sym(out, x.shape.map((d, i) => (ax.includes(i) ? 1 : d)), [...perm]);
    const shape = x.shape.filter((_, i) => !ax.includes(i));
    const newPerm = perm.filter((i) => !ax.includes(i)).map((i) => i - ax.filter((a) => a < i).length);
    return this.sym(out, shape, newPerm);
  }
  sum(x: Sym, axes: number[], keepDims: boolean): Sym {
    return this.reduce('ReduceSum', x, axes, keepDims);
  }
  mean(x: Sym, axes: number[], keepDims: boolean): Sym {
    return this.reduce('ReduceMean', x, axes, keepDims);
  }
  max(x: Sym, axes: number[], keepDims: boolean): Sym {
    return this.reduce('ReduceMax', x, axes, keepDims);
  }
  min(x: Sym, axes: number[], keepDims: boolean): Sym {
    return this.reduce('ReduceMin', x, axes, keepDims);
  }

  // ── linear maps ──────────────────────────────────────────────────────────────────
  /** [kh, kw, in, out] → ONNX [out, in, kh, kw] (host-side for constants) */
  private oihw(w: Sym): string {
    return this.named(w, [3, 2, 0, 1]);
  }

  private readonly flips = new Map<number, string>();
  /**
   * [kh, kw, in/g, out] → the weight of the transposed conv as a Conv with `groups` groups,
   * [in, out/g, kh, kw], flipped in kh and kw (host constant): its row i (group i ÷ (in/g))
   * reads the forward conv's output channels of that group.
   */
  private flipped(w: Sym, groups: number): string {
    let name = this.flips.get(w.id);
    if (!name) {
      const [kh, kw, cig, co] = w.shape;
      const cog = co / groups;
      const src = w.value as Float32Array;
      const out = new Float32Array(src.length);
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++)
          for (let i = 0; i < cig; i++)
            for (let o = 0; o < co; o++) {
              const row = Math.floor(o / cog) * cig + i;
              out[((row * cog + (o % cog)) * kh + (kh - 1 - y)) * kw + (kw - 1 - x)] = src[((y * kw + x) * cig + i) * co + o];
            }
      name = this.e.float(out, [cig * groups, cog, kh, kw], 'wflip');
      this.flips.set(w.id, name);
    }
    return name;
  }

  /** `group` attribute only for grouped convs (plain convs stay byte-identical) */
  private static groupAttr(groups: number): Record<string, number> {
    return groups > 1 ? { group: groups } : {};
  }

  conv2d(x: Sym, w: Sym, g: ConvGeometry): Sym {
    const [kh, kw, , co] = w.shape;
    const [n, h, wd] = x.shape;
    const [t, l, b, r] = g.pads;
    const ho = Math.floor((h + t + b - (g.dilations[0] * (kh - 1) + 1)) / g.strides[0]) + 1;
    const wo = Math.floor((wd + l + r - (g.dilations[1] * (kw - 1) + 1)) / g.strides[1]) + 1;
    const out = this.e.node('Conv', [this.named(x, NCHW), this.oihw(w)], {
      kernel_shape: [kh, kw], strides: [...g.strides], pads: [t, l, b, r], dilations: [...g.dilations], ...OnnxOps.groupAttr(g.groups ?? 1),
    });
    return this.sym(out, [n, ho, wo, co], NCHW);
  }

  conv2dTranspose(dy: Sym, w: Sym, g: ConvGeometry, inHW: [number, number]): Sym {
    const groups = g.groups ?? 1;
    const [kh, kw] = w.shape;
    const ci = w.shape[2] * groups;
    const [n, ho, wo] = dy.shape;
    const [t, l, b, r] = g.pads;
    if (g.strides[0] === 1 && g.strides[1] === 1 && w.value && process.env.RS_ORT_CONVT !== 'native') {
      // stride 1: a plain Conv over the flipped, in/out-swapped kernel — onnxruntime runs
      // Conv in its blocked (NCHWc) kernels, ConvTranspose as GEMM + col2im (slower)
      const [dh, dw] = g.dilations;
      const ekh = dh * (kh - 1) + 1;
      const ekw = dw * (kw - 1) + 1;
      const top = ekh - 1 - t;
      const left = ekw - 1 - l;
      const bottom = inHW[0] + ekh - 1 - top - ho;
      const right = inHW[1] + ekw - 1 - left - wo;
      if (top >= 0 && left >= 0 && bottom >= 0 && right >= 0) {
        const out = this.e.node('Conv', [this.named(dy, NCHW), this.flipped(w, groups)], {
          kernel_shape: [kh, kw], strides: [1, 1], pads: [top, left, bottom, right], dilations: [dh, dw], ...OnnxOps.groupAttr(groups),
        });
        return this.sym(out, [n, inHW[0], inHW[1], ci], NCHW);
      }
    }
    if ((g.strides[0] > 1 || g.strides[1] > 1) && w.value && process.env.RS_ORT_CONVT !== 'native') {
      const poly = this.polyphaseTranspose(dy, w, g, inHW);
      if (poly) return poly;
    }
    // ONNX ConvTranspose with the forward conv's own [out, in, kh, kw] weight is exactly the
    // conv's input gradient; output_padding restores input rows the forward conv never read.
    const oph = inHW[0] + t + b - (g.strides[0] * (ho - 1) + g.dilations[0] * (kh - 1) + 1);
    const opw = inHW[1] + l + r - (g.strides[1] * (wo - 1) + g.dilations[1] * (kw - 1) + 1);
    const out = this.e.node('ConvTranspose', [this.named(dy, NCHW), this.oihw(w)], {
      kernel_shape: [kh, kw], strides: [...g.strides], pads: [t, l, b, r], dilations: [...g.dilations],
      output_padding: [oph, opw], ...OnnxOps.groupAttr(groups),
    });
    return this.sym(out, [n, inHW[0], inHW[1], ci], NCHW);
  }

  /**
   * A strided transposed conv as s_h·s_w plain Convs, one per output phase (rows ≡ r mod s):
   * phase r reads only the kernel taps k ≡ r + pad (mod s), so the phases together do the
   * transposed conv's own multiply-adds, in onnxruntime's blocked Conv kernels instead of
   * ConvTranspose's GEMM + col2im; the phases are interleaved by Concat + Reshape, and
   * phases with no taps (a 1×1 kernel, stride 2) are zero rows added by a Pad. Null when the
   * geometry doesn't fit (dilation, sizes not divisible by the stride…): the caller falls
   * back to ConvTranspose.
   */
  private polyphaseTranspose(dy: Sym, w: Sym, g: ConvGeometry, inHW: [number, number]): Sym | null {
    const groups = g.groups ?? 1;
    const [kh, kw, cig] = w.shape;
    const ci = cig * groups;
    const [n, ho, wo] = dy.shape;
    if (g.dilations[0] !== 1 || g.dilations[1] !== 1) return null;
    const axes = [
      { k: kh, s: g.strides[0], p: g.pads[0], size: inHW[0], out: ho },
      { k: kw, s: g.strides[1], p: g.pads[1], size: inHW[1], out: wo },
    ].map(({ k, s, p, size, out }) => {
      if (size % s !== 0) return null;
      const q = size / s;
      const phases: { r: number; taps: number[]; dmin: number; before: number; after: number }[] = [];
      for (let r = 0; r < s; r++) {
        // taps k with (r + p − k) divisible by s, read at dy offset δ = (r + p − k) / s
        const taps: number[] = [];
        for (let t = 0; t < k; t++) if ((((r + p - t) % s) + s) % s === 0) taps.push(t);
        if (taps.length === 0) continue;
        const dmax = (r + p - taps[0]) / s;
        const dmin = (r + p - taps[taps.length - 1]) / s;
        const len = dmax - dmin + 1;
        const before = -dmin;
        const after = q - out - before + len - 1;
        if (before < 0 || after < 0) return null;
        phases.push({ r, taps, dmin, before, after });
      }
      if (phases.length === 0) return null;
      const first = phases[0].r;
      const last = phases[phases.length - 1].r;
      if (last - first + 1 !== phases.length) return null;
      return { s, q, phases, first, last };
    });
    const [rows, cols] = axes;
    if (!rows || !cols) return null;
    const dyn = this.named(dy, NCHW);
    const src = w.value as Float32Array;
    const single = rows.phases.length === 1 && cols.phases.length === 1;
    const co = w.shape[3];
    const cog = co / groups;
    const rowParts: string[] = [];
    for (const pr of rows.phases) {
      const parts: string[] = [];
      for (const pc of cols.phases) {
        // weight [ci, co, lh, lw]: tap j along an axis is kernel index taps[len − 1 − j]
        // (δ grows as k falls)
        const lh = pr.taps.length;
        const lw = pc.taps.length;
        const key = `${w.id}|${pr.taps.join(',')}|${pc.taps.join(',')}`;
        let wn = this.phaseWeights.get(key);
        if (!wn) {
          // as flipped(): row i of group ⌊i / (in/g)⌋ reads that group's out/g channels
          const out = new Float32Array(ci * cog * lh * lw);
          for (let a = 0; a < lh; a++) {
            const y = pr.taps[lh - 1 - a];
            for (let b = 0; b < lw; b++) {
              const x = pc.taps[lw - 1 - b];
              for (let i = 0; i < cig; i++)
                for (let o = 0; o < co; o++) {
                  const row = Math.floor(o / cog) * cig + i;
                  out[((row * cog + (o % cog)) * lh + a) * lw + b] = src[((y * kw + x) * cig + i) * co + o];
                }
            }
          }
          wn = this.e.float(out, [ci, cog, lh, lw], 'wphase');
          this.phaseWeights.set(key, wn);
        }
        const y = this.e.node('Conv', [dyn, wn], {
          kernel_shape: [lh, lw], strides: [1, 1], pads: [pr.before, pc.before, pr.after, pc.after], dilations: [1, 1], ...OnnxOps.groupAttr(groups),
        });
        if (single) {
          // one phase (a 1×1 kernel): zero insertion as a nearest upsampling times a 0/1
          // phase mask — a Pad of the innermost axis is an element-by-element loop in onnxruntime
          const up = this.e.node('Resize', [y, '', this.e.floatSmall([1, 1, rows.s, cols.s], [4])], {
            mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor',
          });
          const mask = new Float32Array(inHW[0] * inHW[1]);
          for (let i = pr.r; i < inHW[0]; i += rows.s) for (let j = pc.r; j < inHW[1]; j += cols.s) mask[i * inHW[1] + j] = 1;
          const out = this.e.node('Mul', [up, this.e.float(mask, [1, 1, inHW[0], inHW[1]], 'phasemask')]);
          return this.sym(out, [n, inHW[0], inHW[1], ci], NCHW);
        }
        parts.push(this.reshapeNode(y, [-1, ci, rows.q, 1, cols.q, 1]));
      }
      let row = parts.length === 1 ? parts[0] : this.e.node('Concat', parts, { axis: 5 });
      if (cols.phases.length < cols.s) row = this.padAxis6(row, 6, 5, cols.first, cols.s - 1 - cols.last);
      rowParts.push(row);
    }
    let all = rowParts.length === 1 ? rowParts[0] : this.e.node('Concat', rowParts, { axis: 3 });
    if (rows.phases.length < rows.s) all = this.padAxis6(all, 6, 3, rows.first, rows.s - 1 - rows.last);
    const out = this.reshapeNode(all, [-1, ci, inHW[0], inHW[1]]);
    return this.sym(out, [n, inHW[0], inHW[1], ci], NCHW);
  }

  private readonly phaseWeights = new Map<string, string>();

  /** zero-pads one physical axis of a rank-R value */
  private padAxis6(name: string, rank: number, axis: number, before: number, after: number): string {
    const pads = new Array<number>(2 * rank).fill(0);
    pads[axis] = before;
    pads[rank + axis] = after;
    return this.e.node('Pad', [name, this.e.int64(pads), this.e.floatSmall([0], [])], { mode: 'constant' });
  }

  matmul(a: Sym, b: Sym, transposeB: boolean): Sym {
    const an = this.named(a, identity(a.shape.length));
    const bn = transposeB ? this.named(b, [1, 0]) : this.named(b, [0, 1]);
    return this.sym(this.e.node('MatMul', [an, bn]), [a.shape[0], transposeB ? b.shape[0] : b.shape[1]], [0, 1]);
  }

  // ── pooling ──────────────────────────────────────────────────────────────────────
  private poolOut(x: Sym, g: PoolGeometry): number[] {
    const [n, h, w, c] = x.shape;
    const [t, l, b, r] = g.pads;
    return [n, Math.floor((h + t + b - g.kernel[0]) / g.strides[0]) + 1, Math.floor((w + l + r - g.kernel[1]) / g.strides[1]) + 1, c];
  }
  private poolAttrs(g: PoolGeometry) {
    return { kernel_shape: [...g.kernel], strides: [...g.strides], pads: [...g.pads] };
  }

  maxPool(x: Sym, g: PoolGeometry): Sym {
    return this.sym(this.e.node('MaxPool', [this.named(x, NCHW)], this.poolAttrs(g)), this.poolOut(x, g), NCHW);
  }

  maxPoolTranspose(x: Sym, y: Sym, dy: Sym, g: PoolGeometry): Sym {
    // MaxPool's Indices output (the first maximum of each window, row-major, like PyTorch)
    // drives a ScatterElements(add) of dy; overlapping windows add up.
    const [, h, w, c] = x.shape;
    const [, ho, wo] = y.shape;
    const chw = c * h * w;
    const k = c * ho * wo;
    const pooled = this.e.fresh('mp');
    const idx = this.e.fresh('mp_idx');
    this.e.nodeMulti('MaxPool', [this.named(x, NCHW)], [pooled, idx], this.poolAttrs(g));
    const local = this.e.node('Mod', [idx, this.e.int64Scalar(chw)]);
    const idxFlat = this.reshapeNode(local, [-1, k]);
    const dyFlat = this.reshapeNode(this.named(dy, NCHW), [-1, k]);
    const dyShape = this.e.node('Shape', [dyFlat]);
    const idxB = this.e.node('Expand', [idxFlat, dyShape]);
    const rows = this.e.node('Slice', [dyShape, this.e.int64([0]), this.e.int64([1])]);
    const zeros = this.e.node('ConstantOfShape', [this.e.node('Concat', [rows, this.e.int64([chw])], { axis: 0 })]);
    const sc = this.e.node('ScatterElements', [zeros, idxB, dyFlat], { axis: 1, reduction: 'add' });
    return this.sym(this.reshapeNode(sc, [-1, c, h, w]), [dy.shape[0], h, w, c], NCHW);
  }

  avgPool(x: Sym, g: PoolGeometry, countIncludePad: boolean): Sym {
    const out = this.e.node('AveragePool', [this.named(x, NCHW)], { ...this.poolAttrs(g), count_include_pad: countIncludePad ? 1 : 0 });
    return this.sym(out, this.poolOut(x, g), NCHW);
  }

  avgPoolTranspose(dy: Sym, g: PoolGeometry, countIncludePad: boolean, inHW: [number, number]): Sym {
    // a depthwise ConvTranspose with a uniform 1/(kh·kw) kernel
    const [n, ho, wo, c] = dy.shape;
    const [kh, kw] = g.kernel;
    const [t, l, b, r] = g.pads;
    let d = this.named(dy, NCHW);
    if (!countIncludePad && g.pads.some((p) => p !== 0)) {
      d = this.e.node('Div', [d, this.e.float(padFraction(inHW, g, ho, wo), [1, 1, ho, wo])]);
    }
    const wts = this.e.float(new Float32Array(c * kh * kw).fill(1 / (kh * kw)), [c, 1, kh, kw]);
    const out = this.e.node('ConvTranspose', [d, wts], {
      kernel_shape: [kh, kw], strides: [...g.strides], pads: [t, l, b, r], group: c,
      output_padding: [inHW[0] + t + b - (g.strides[0] * (ho - 1) + kh), inHW[1] + l + r - (g.strides[1] * (wo - 1) + kw)],
    });
    return this.sym(out, [n, inHW[0], inHW[1], c], NCHW);
  }

  resizeBilinear(x: Sym, size: [number, number]): Sym {
    const xn = this.named(x, NCHW);
    const nc = this.e.node('Slice', [this.e.node('Shape', [xn]), this.e.int64([0]), this.e.int64([2])]);
    const sizes = this.e.node('Concat', [nc, this.e.int64(size)], { axis: 0 });
    const out = this.e.node('Resize', [xn, '', '', sizes], { mode: 'linear', coordinate_transformation_mode: 'half_pixel' });
    return this.sym(out, [x.shape[0], size[0], size[1], x.shape[3]], NCHW);
  }

  // ── layout ───────────────────────────────────────────────────────────────────────
  reshape(x: Sym, shape: number[]): Sym {
    const known = x.shape.every((d) => d >= 0);
    const size = x.shape.reduce((p, d) => p * d, 1);
    const rest = shape.filter((d) => d >= 0).reduce((p, d) => p * d, 1);
    const out = shape.map((d) => (d < 0 && known ? size / rest : d));
    if (x.value) return this.host(x.value, out);
    const xn = this.named(x, identity(x.shape.length));
    return this.sym(this.reshapeNode(xn, shape), out, identity(shape.length));
  }

  pad(x: Sym, [t, l, b, r]: Pads, value: number): Sym {
    const perm = x.value ? identity(4) : x.perm;
    const begin = perm.map((i) => (i === 1 ? t : i === 2 ? l : 0));
    const end = perm.map((i) => (i === 1 ? b : i === 2 ? r : 0));
    const out = this.e.node('Pad', [this.named(x, perm), this.e.int64([...begin, ...end]), this.e.floatSmall([value], [])], { mode: 'constant' });
    const [n, h, w, c] = x.shape;
    return this.sym(out, [n, h + t + b, w + l + r, c], perm);
  }

  crop(x: Sym, [t, l, b, r]: Pads): Sym {
    const perm = x.value ? identity(4) : x.perm;
    const xn = this.named(x, perm);
    const [n, h, w, c] = x.shape;
    if (t === 0 && l === 0 && b === 0 && r === 0) return this.sym(xn, [...x.shape], perm);
    const out = this.e.node('Slice', [xn, this.e.int64([t, l]), this.e.int64([h - b, w - r]), this.e.int64([perm.indexOf(1), perm.indexOf(2)])]);
    return this.sym(out, [n, h - t - b, w - l - r, c], perm);
  }

  concat(xs: Sym[], axis: number): Sym {
    const R = xs[0].shape.length;
    const ax = axis < 0 ? axis + R : axis;
    const perm = this.layoutFor(R, xs);
    const out = this.e.node('Concat', xs.map((x) => this.named(x, perm)), { axis: perm.indexOf(ax) });
    const shape = [...xs[0].shape];
    shape[ax] = xs.reduce((s, x) => s + x.shape[ax], 0);
    return this.sym(out, shape, perm);
  }

  slice(x: Sym, begin: number[], size: number[]): Sym {
    const perm = x.value ? identity(x.shape.length) : x.perm;
    const axes = begin.map((_, i) => perm.indexOf(i));
    const ends = begin.map((b, i) => (size[i] < 0 ? BIG : b + size[i]));
    const out = this.e.node('Slice', [this.named(x, perm), this.e.int64(begin), this.e.int64(ends), this.e.int64(axes)]);
    const shape = x.shape.map((d, i) => (size[i] >= 0 ? size[i] : d < 0 ? -1 : d - begin[i]));
    return this.sym(out, shape, perm);
  }

  gather(x: Sym, indices: number[], axis: number): Sym {
    const perm = x.value ? identity(x.shape.length) : x.perm;
    const ax = axis < 0 ? axis + x.shape.length : axis;
    const out = this.e.node('Gather', [this.named(x, perm), this.e.int64(indices)], { axis: perm.indexOf(ax) });
    const shape = [...x.shape];
    shape[ax] = indices.length;
    return this.sym(out, shape, perm);
  }

  padAxis(x: Sym, axis: number, before: number, after: number): Sym {
    const perm = x.value ? identity(x.shape.length) : x.perm;
    const R = x.shape.length;
    const ax = axis < 0 ? axis + R : axis;
    const out = this.padAxis6(this.named(x, perm), R, perm.indexOf(ax), before, after);
    const shape = [...x.shape];
    shape[ax] = shape[ax] + before + after;
    return this.sym(out, shape, perm);
  }

  release(_x: Sym): void {
    // a compiler keeps everything; onnxruntime plans the memory
  }
}

/** numpy broadcasting of logical shapes (−1 = dynamic: wins over 1, loses to a fixed size) */
export function broadcast(a: number[], b: number[]): number[] {
  const R = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < R; i++) {
    const x = a[a.length - R + i] ?? 1;
    const y = b[b.length - R + i] ?? 1;
    out.push(x === 1 ? y : y === 1 ? x : x < 0 ? y : x);
  }
  return out;
}

/** row-major `data` of `shape`, transposed so that output axis i is input axis perm[i] */
export function transposeHost(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  if (same(perm, identity(perm.length))) return data;
  const R = shape.length;
  const strides = new Array<number>(R);
  let s = 1;
  for (let i = R - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  const outShape = perm.map((i) => shape[i]);
  const outStrides = perm.map((i) => strides[i]);
  const out = new Float32Array(data.length);
  const idx = new Array<number>(R).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < R; i++) src += idx[i] * outStrides[i];
    out[o] = data[src];
    for (let i = R - 1; i >= 0; i--) {
      if (++idx[i] < outShape[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

/** per pooled cell: (real cells in its window) / (window size) */
function padFraction(inHW: [number, number], g: PoolGeometry, ho: number, wo: number): Float32Array {
  const out = new Float32Array(ho * wo);
  const count = (o: number, s: number, p: number, k: number, n: number) => {
    const lo = o * s - p;
    return Math.max(0, Math.min(lo + k, n) - Math.max(lo, 0));
  };
  for (let i = 0; i < ho; i++) {
    for (let j = 0; j < wo; j++) {
      const rows = count(i, g.strides[0], g.pads[0], g.kernel[0], inHW[0]);
      const cols = count(j, g.strides[1], g.pads[1], g.kernel[1], inHW[1]);
      out[i * wo + j] = (rows * cols) / (g.kernel[0] * g.kernel[1]);
    }
  }
  return out;
}
