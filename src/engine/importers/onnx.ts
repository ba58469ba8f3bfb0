// ONNX → engine IR. Reads the ModelProto with onnx-proto, converts NCHW/OIHW/[out,in] to the
// IR's NHWC/HWIO/[in,out], and names nodes after the torch module path (see onnx-names.ts).
// Supported ops are listed in SUPPORTED_ONNX_OPS; anything else fails naming the node and its type.
//
// Which export to use (torch ≥ 1.13):
//   exact paper maps:  model.eval(); torch.onnx.export(model, x, 'm.onnx', opset_version=13,
//                        training=torch.onnx.TrainingMode.PRESERVE,
//                        input_names=['input'], dynamic_axes={'input': {0: 'batch'}})
//     BN stays a BatchNormalization node (inference mode, since the model is in eval()).
//   default export (training=TrainingMode.EVAL) folds BN into the convs (W' = s·W, bias b').
//     The z⁺ rule ignores conv biases, so the folded file gives the same R-CAM maps whenever
//     every BN scale s = γ/√(σ²+ε) is positive (it cancels); a negative γ flips W⁺/W⁻ for that
//     channel and the maps differ. A model in train() mode exports BN with training_mode=1:
//     refused with a message saying how to re-export.
import { StudioError } from '../../contract/errors.ts';
import type { ActivationFn, Graph, GraphNode, Pads, Param } from '../ir.ts';
import {
  attrFloat,
  attrInt,
  attrInts,
  attrString,
  decodeModel,
  tensorDims,
  tensorToFloat32,
  tensorToInts,
  valueInfoDims,
  type ModelProto,
  type NodeProto,
  type TensorProto,
} from '../onnx/proto.ts';
import { readConfined } from '../../fs/confine.ts';
import { irNodeNames } from './onnx-names.ts';
import { nodeOutputShape, type Shape } from './shapes.ts';
import { gateOperands, oihwToHwio, permuteFlatRows, tfSamePad, transpose2d } from './shared.ts';

export const SUPPORTED_ONNX_OPS = [
  'Conv', 'BatchNormalization', 'Relu', 'Add', 'MaxPool', 'AveragePool', 'GlobalAveragePool',
  'Gemm', 'MatMul', 'Flatten', 'Reshape', 'Pad', 'Identity', 'Dropout', 'Sigmoid', 'Softmax',
  'Concat', 'Constant', 'Clip', 'LeakyRelu', 'Elu', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softplus',
  'Erf', 'Mish', 'Gelu', 'Mul', 'Div', 'Sub', 'Transpose', 'Split', 'Slice', 'LayerNormalization',
  'ReduceMean', 'Pow', 'Sqrt', 'Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Cast',
] as const;

/** ops that compute on integer shape vectors (torch writes `x.view(b, g, c // g, h, w)` this way) */
const SHAPE_OPS = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Cast', 'Concat', 'Slice', 'Mul', 'Div', 'Add', 'Sub']);

/** ops that keep the value layout of their first input (a channels-last tensor stays channels-last) */
const KEEPS_LAYOUT = new Set([
  'Relu', 'Sigmoid', 'Identity', 'Dropout', 'Clip', 'LeakyRelu', 'Elu', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softplus',
  'Erf', 'Mish', 'Gelu', 'Mul', 'Div', 'Sub', 'Add', 'LayerNormalization', 'MatMul',
]);

/** ONNX elementwise activations → the IR's `activation` fn, with their attribute defaults */
const ACTIVATIONS: Record<string, (n: NodeProto) => { fn: ActivationFn; alpha?: number; beta?: number }> = {
  LeakyRelu: (n) => ({ fn: 'leakyrelu', alpha: attrFloat(n, 'alpha', 0.01) }),
  Elu: (n) => ({ fn: 'elu', alpha: attrFloat(n, 'alpha', 1) }),
  HardSigmoid: (n) => ({ fn: 'hardsigmoid', alpha: attrFloat(n, 'alpha', 0.2), beta: attrFloat(n, 'beta', 0.5) }),
  HardSwish: () => ({ fn: 'hardswish', alpha: 1 / 6, beta: 0.5 }),
  Tanh: () => ({ fn: 'tanh' }),
  Softplus: () => ({ fn: 'softplus' }),
  Erf: () => ({ fn: 'erf' }),
  Mish: () => ({ fn: 'mish' }),
  Gelu: (n) => ({ fn: attrString(n, 'approximate') === 'tanh' ? 'gelu-tanh' : 'gelu' }),
};

interface Const {
  dims: number[];
  floats: Float32Array | null;
  ints: number[] | null;
}

/**
 * `external.dir`: the model's folder, where tensors stored as external data (ONNX's
 * `location` entries) are read from — confined to it; without it such a model is refused.
 */
export function importOnnx(bytes: Uint8Array, file: string, external?: { dir: string }): Graph {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: not a readable ONNX model (${(e as Error).message}); the file may be truncated or not ONNX`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new StudioError('BAD_REQUEST', `${file}: ONNX model has no graph nodes; the file may be truncated or not ONNX`);
  }
  for (const t of model.graph.initializer ?? []) if (t.dataLocation === EXTERNAL) t.rawData = externalData(t, file, external?.dir);
  return new OnnxImporter(model, file).run();
}

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

/**
 * An initializer's bytes from its external-data file: `location` must name a regular file
 * inside the model's folder (onnxruntime refuses anything else at run time, so accepting
 * it here would fail every image later), and offset/length must lie within it.
 */
function externalData(t: TensorProto, file: string, dir: string | undefined): Uint8Array {
  const what = `${file}: tensor ${t.name ?? '(unnamed)'}`;
  if (!dir) throw new StudioError('BAD_REQUEST', `${what} is stored as external data, which needs the model's folder`);
  const entry = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entry.get('location');
  if (!location) throw new StudioError('BAD_REQUEST', `${what} is stored as external data without a location`);
  const num = (key: string): number | undefined => {
    const v = entry.get(key);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new StudioError('BAD_REQUEST', `${what}: external-data ${key} '${v}' is not a byte count`);
    return Number(v);
  };
  return readConfined(dir, location, { what: `${what}: external data ${location}`, offset: num('offset'), length: num('length') });
}

class OnnxImporter {
  private readonly consts = new Map<string, Const>();
  /** ONNX tensor name → IR tensor name (ops folded into others, e.g. a MatMul's bias Add) */
  private readonly alias = new Map<string, string>();
  private readonly shapes = new Map<string, Shape>();
  /** IR tensors that hold an ONNX (C,H,W)-ordered flatten of a spatial [h,w,c] tensor */
  private readonly flatFrom = new Map<string, [number, number, number]>();
  private readonly producer = new Map<string, GraphNode>();
  private readonly consumers = new Map<string, number>();
  private readonly nodes: GraphNode[] = [];
  /** ONNX tensors in channels-last order [N, H, W, C] (after a Transpose): the IR's own order */
  private readonly nhwc = new Set<string>();
  /** ONNX [N, g, C/g, H, W] views of an IR tensor (a channel shuffle's first Reshape) and, once transposed, [N, C/g, g, H, W] */
  private readonly grouped = new Map<string, { ir: string; g: number; transposed: boolean }>();
  /** ONNX nodes another node's pattern took over (a LayerNorm written as ReduceMean, Sub, Pow …) */
  private readonly consumed = new Set<NodeProto>();
  private readonly readers = new Map<string, NodeProto[]>();
  private readonly params: Record<string, Param> = {};

  constructor(
    private readonly model: ModelProto,
    private readonly file: string,
  ) {}

  run(): Graph {
    const g = this.model.graph!;
    for (const t of g.initializer ?? []) this.addConst(t.name ?? '', t);
    const input = (g.input ?? []).find((v) => !this.consts.has(v.name ?? ''));
    if (!input?.name) throw new StudioError('BAD_REQUEST', `${this.file}: the ONNX graph has no (non-initializer) input`);
    const dims = valueInfoDims(input);
    if (!dims || dims.length !== 4) {
      throw new StudioError('BAD_REQUEST', `${this.file}: input ${input.name} must be an NCHW image batch (rank 4), got ${dims ? `rank ${dims.length}` : 'no shape'}`);
    }
    if (dims[1] == null) throw new StudioError('BAD_REQUEST', `${this.file}: input ${input.name} leaves the channel count free`);
    const inShape: [number | null, number | null, number] = [dims[2], dims[3], dims[1]];
    this.shapes.set(input.name, [...inShape]);

    const onnxNodes = g.node ?? [];
    for (const n of onnxNodes) for (const i of n.input ?? []) this.consumers.set(i, (this.consumers.get(i) ?? 0) + 1);
    for (const n of onnxNodes) {
      for (const i of n.input ?? []) {
        const r = this.readers.get(i);
        if (r) r.push(n);
        else this.readers.set(i, [n]);
      }
    }
    const names = irNodeNames(onnxNodes);
    // constants first: patterns read ahead (a LayerNorm's exponent and ε come after its ReduceMean)
    onnxNodes.forEach((n, i) => {
      if (n.opType !== 'Constant') return;
      this.convert(n, names[i]);
      this.consumed.add(n);
    });
    onnxNodes.forEach((n, i) => {
      if (this.consumed.has(n)) return;
      this.convert(n, names[i]);
      if (KEEPS_LAYOUT.has(n.opType ?? '') && (n.input ?? []).some((i) => this.nhwc.has(i))) for (const o of n.output ?? []) this.nhwc.add(o);
    });

    const outName = g.output?.[0]?.name;
    if (!outName) throw new StudioError('BAD_REQUEST', `${this.file}: the ONNX graph declares no output`);
    return {
      source: { format: 'onnx', file: this.file },
      input: { name: input.name, shape: inShape },
      output: this.ref(outName, 'graph output'),
      nodes: this.nodes,
      params: this.params,
    };
  }

  // ---- helpers ----------------------------------------------------------------------------

  private fail(n: NodeProto, problem: string): never {
    throw new StudioError('BAD_REQUEST', `${this.file}: node "${n.name || '(unnamed)'}" (${n.opType}): ${problem}`);
  }

  private addConst(name: string, t: TensorProto): void {
    try {
      this.consts.set(name, { dims: tensorDims(t), floats: tensorToFloat32(t), ints: tensorToInts(t) });
    } catch (e) {
      throw new StudioError('BAD_REQUEST', `${this.file}: tensor ${name} is damaged (${(e as Error).message}); the file may be truncated`);
    }
  }

  /** IR tensor name for an ONNX tensor that some earlier node (or the input) produced. */
  private ref(onnxName: string, who: string): string {
    const name = this.alias.get(onnxName) ?? onnxName;
    if (!this.shapes.has(name)) {
      throw new StudioError('BAD_REQUEST', `${this.file}: ${who} reads tensor "${onnxName}", which is neither the input, an initializer nor the output of an earlier node`);
    }
    return name;
  }

  private constFloats(n: NodeProto, name: string | undefined, what: string): Const & { floats: Float32Array } {
    const c = name ? this.consts.get(name) : undefined;
    if (!c) this.fail(n, `its ${what} (${name ?? 'missing'}) must be an initializer or Constant`);
    if (!c.floats) this.fail(n, `its ${what} (${name}) must be a float tensor`);
    return c as Const & { floats: Float32Array };
  }

  private constInts(n: NodeProto, name: string | undefined, what: string): number[] {
    const c = name ? this.consts.get(name) : undefined;
    if (!c?.ints) this.fail(n, `its ${what} (${name ?? 'missing'}) must be a constant integer tensor`);
    return c.ints;
  }

  private param(name: string, shape: number[], data: Float32Array): string {
    this.params[name] = { shape, data };
    return name;
  }

  private emit(node: GraphNode, onnxOut: string, flat?: [number, number, number]): void {
    const inShapes = node.inputs.map((i) => this.shapes.get(i)!);
    let shape: Shape;
    try {
      shape = nodeOutputShape(node, inShapes, this.params);
    } catch (e) {
      throw new StudioError('BAD_REQUEST', `${this.file}: ${(e as Error).message}`);
    }
    this.nodes.push(node);
    this.shapes.set(node.output, shape);
    this.producer.set(node.output, node);
    this.alias.set(onnxOut, node.output);
    if (flat) this.flatFrom.set(node.output, flat);
  }

  /** Refuses extra outputs (MaxPool indices, Dropout mask, training-mode BN stats) in use. */
  private singleOutput(n: NodeProto): string {
    const outs = n.output ?? [];
    for (const o of outs.slice(1)) if (o && this.consumers.has(o)) this.fail(n, `its extra output ${o} is used, which the engine does not support`);
    return outs[0];
  }

  private spatialIn(n: NodeProto, x: string): Shape {
    const s = this.shapes.get(x)!;
    if (s.length !== 3) this.fail(n, `needs an NCHW input, got rank ${s.length + 1}`);
    return s;
  }

  /** ONNX [x1_begin, x2_begin, x1_end, x2_end] (and auto_pad) → IR [t, l, b, r]. */
  private pads2d(n: NodeProto, x: Shape, k: [number, number], s: [number, number], d: [number, number]): Pads {
    const autoPad = attrString(n, 'auto_pad') ?? 'NOTSET';
    if (autoPad === 'NOTSET') {
      const p = attrInts(n, 'pads') ?? [0, 0, 0, 0];
      if (p.length !== 4) this.fail(n, `pads must have 4 entries, got ${p.length}`);
      return [p[0], p[1], p[2], p[3]];
    }
    if (autoPad === 'VALID') return [0, 0, 0, 0];
    if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') this.fail(n, `unknown auto_pad ${autoPad}`);
    if (x[0] == null || x[1] == null) this.fail(n, `auto_pad ${autoPad} needs a fixed input size`);
    const ph = tfSamePad(x[0], k[0], s[0], d[0]);
    const pw = tfSamePad(x[1], k[1], s[1], d[1]);
    // SAME_UPPER puts the extra pixel at the end (as TF does), SAME_LOWER at the beginning
    return autoPad === 'SAME_UPPER' ? [ph[0], pw[0], ph[1], pw[1]] : [ph[1], pw[1], ph[0], pw[0]];
  }

  /** ceil_mode=1: extra end padding so the output size rounds up, as ONNX defines it. */
  private ceilPads(n: NodeProto, x: Shape, k: [number, number], s: [number, number], pads: Pads): Pads {
    if (attrInt(n, 'ceil_mode', 0) === 0) return pads;
    const out: Pads = [...pads];
    for (const a of [0, 1] as const) {
      const size = x[a];
      if (size == null) this.fail(n, 'ceil_mode=1 needs a fixed input size');
      const span = size + pads[a] + pads[a + 2] - k[a];
      const floorOut = Math.floor(span / s[a]) + 1;
      let ceilOut = Math.ceil(span / s[a]) + 1;
      // ONNX/PyTorch drop a last window that would start inside the end padding
      if ((ceilOut - 1) * s[a] >= size + pads[a]) ceilOut--;
      out[a + 2] += (ceilOut - floorOut) * s[a];
    }
    return out;
  }


  // ---- shape vectors, layouts and the patterns torch writes for reshapes / LayerNorm ----

  /** the ONNX-order shape of a tensor, batch as −1 (Shape's output) */
  private onnxShape(n: NodeProto, onnxName: string): number[] {
    const ir = this.ref(onnxName, `node "${n.name}" (${n.opType})`);
    const s = this.shapes.get(ir)!;
    if (s.some((d) => d == null)) this.fail(n, 'reads the shape of a tensor whose size depends on the input size; export with a fixed input size');
    const d = s as number[];
    if (d.length !== 3) return [-1, ...d];
    return this.nhwc.has(onnxName) ? [-1, d[0], d[1], d[2]] : [-1, d[2], d[0], d[1]];
  }

  /**
   * Evaluates integer shape arithmetic (Shape, Gather, Unsqueeze, Concat, Slice, Cast, + − × ÷
   * on constants) into a constant, so a Reshape's target is known. False: not shape arithmetic.
   */
  private shapeArithmetic(n: NodeProto): boolean {
    const op = n.opType ?? '';
    const ins = n.input ?? [];
    const out = (n.output ?? [])[0];
    const ints = (k: number) => (ins[k] ? this.consts.get(ins[k])?.ints ?? null : null);
    const set = (v: number[], dims = [v.length]) => {
      this.consts.set(out, { dims, floats: Float32Array.from(v), ints: v });
      return true;
    };
    if (op === 'Shape') return set(this.onnxShape(n, ins[0]));
    const all = ins.filter((i) => i).map((_, k) => ints(k));
    if (all.length === 0 || all.some((v) => v === null)) return false;
    const vs = all as number[][];
    switch (op) {
      case 'Gather': {
        const idx = vs[1].map((i) => (i < 0 ? i + vs[0].length : i));
        const scalarIdx = (this.consts.get(ins[1])?.dims.length ?? 1) === 0;
        return set(idx.map((i) => vs[0][i]), scalarIdx ? [] : [idx.length]);
      }
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Cast':
        return set(vs[0]);
      case 'Concat':
        return set(vs.flat());
      case 'Slice': {
        const [data, starts, ends] = vs;
        const clamp = (v: number) => Math.max(0, Math.min(data.length, v < 0 ? v + data.length : v));
        return set(data.slice(clamp(starts[0]), clamp(ends[0])));
      }
      case 'Mul':
      case 'Div':
      case 'Add':
      case 'Sub': {
        const [a, b] = vs;
        const len = Math.max(a.length, b.length);
        const at = (v: number[], i: number) => (v.length === 1 ? v[0] : v[i]);
        const f = { Mul: (x: number, y: number) => x * y, Div: (x: number, y: number) => Math.trunc(x / y), Add: (x: number, y: number) => x + y, Sub: (x: number, y: number) => x - y }[op];
        return set(Array.from({ length: len }, (_, i) => f(at(a, i), at(b, i))), a.length === 1 && b.length === 1 && (this.consts.get(ins[0])?.dims.length ?? 1) === 0 ? [] : [len]);
      }
    }
    return false;
  }

  /** Split along channels (torch.chunk / split): one slice node per output */
  private split(n: NodeProto, name: string): void {
    const ins = n.input ?? [];
    const input = this.ref(ins[0], `node "${n.name}" (Split)`);
    const s = this.shapes.get(input)!;
    const rank = s.length + 1;
    let axis = attrInt(n, 'axis', 0);
    if (axis < 0) axis += rank;
    const channelAxis = s.length === 3 ? (this.nhwc.has(ins[0]) ? 3 : 1) : 1;
    if (axis !== channelAxis) this.fail(n, `Split is supported only along channels, got axis ${axis}`);
    const c = s[s.length - 1] as number;
    const outs = n.output ?? [];
    const sizes = ins[1] ? this.constInts(n, ins[1], 'split') : (attrInts(n, 'split') ?? outs.map(() => c / outs.length));
    if (sizes.length !== outs.length || sizes.reduce((a, b) => a + b, 0) !== c) this.fail(n, `split sizes [${sizes.join(', ')}] do not cover the ${c} channels`);
    let begin = 0;
    outs.forEach((o, k) => {
      if (o) {
        this.emit({ op: 'slice', name: k === 0 ? name : `${name}_${k}`, inputs: [input], output: o, begin, size: sizes[k] }, o);
        if (this.nhwc.has(ins[0])) this.nhwc.add(o);
      }
      begin += sizes[k];
    });
  }

  /** Slice of a contiguous channel range (steps 1) */
  private sliceChannels(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const s = this.shapes.get(input)!;
    const c = s[s.length - 1] as number;
    const starts = this.constInts(n, ins[1], 'starts');
    const ends = this.constInts(n, ins[2], 'ends');
    const axes = ins[3] ? this.constInts(n, ins[3], 'axes') : [0];
    const steps = ins[4] ? this.constInts(n, ins[4], 'steps') : [1];
    const channelAxis = s.length === 3 && !this.nhwc.has(ins[0]) ? 1 : s.length;
    const ax = axes.map((a) => (a < 0 ? a + s.length + 1 : a));
    if (ax.length !== 1 || ax[0] !== channelAxis || steps[0] !== 1) this.fail(n, 'Slice is supported only as one contiguous range of channels');
    const clamp = (v: number) => Math.max(0, Math.min(c, v < 0 ? v + c : v));
    const begin = clamp(starts[0]);
    const size = clamp(ends[0]) - begin;
    this.emit({ op: 'slice', name, inputs: [input], output: out, begin, size }, out);
  }

  /** NCHW ↔ NHWC transposes change only how the ONNX tensor is laid out (the IR is NHWC); a channel shuffle's middle step */
  private transpose(n: NodeProto, out: string): void {
    const ins = n.input ?? [];
    const perm = attrInts(n, 'perm') ?? [];
    const g = this.grouped.get(ins[0]);
    if (g && !g.transposed && perm.join() === '0,2,1,3,4') return void this.grouped.set(out, { ...g, transposed: true });
    const input = this.ref(ins[0], `node "${n.name}" (Transpose)`);
    const s = this.shapes.get(input)!;
    const last = this.nhwc.has(ins[0]);
    if (s.length === 3 && !last && perm.join() === '0,2,3,1') this.nhwc.add(out);
    else if (s.length === 3 && last && perm.join() === '0,3,1,2') this.nhwc.delete(out);
    else this.fail(n, `only NCHW↔NHWC transposes and channel shuffles are supported, got perm [${perm.join(', ')}] on a ${last ? 'channels-last' : 'NCHW'} rank-${s.length + 1} tensor`);
    this.alias.set(out, input);
  }

  /** LayerNormalization over the channels of a channels-last tensor (or of a flat vector) */
  private layerNormalization(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const s = this.shapes.get(input)!;
    const rank = s.length + 1;
    let axis = attrInt(n, 'axis', -1);
    if (axis < 0) axis += rank;
    if (axis !== rank - 1 || (s.length === 3 && !this.nhwc.has(ins[0]))) this.fail(n, 'LayerNormalization is supported only over the channels (the last axis of a channels-last tensor)');
    const c = s[s.length - 1] as number;
    const gamma = ins[1] ? this.param(`${name}.weight`, [c], this.constFloats(n, ins[1], 'scale').floats) : undefined;
    const beta = ins[2] ? this.param(`${name}.bias`, [c], this.constFloats(n, ins[2], 'bias').floats) : undefined;
    this.emit({ op: 'layernorm', name, inputs: [input], output: out, gamma, beta, epsilon: attrFloat(n, 'epsilon', 1e-5) }, out);
  }

  /** whether ReduceMean's axes are the channel axis of its input (in the input's ONNX layout) */
  private channelAxes(n: NodeProto, onnxIn: string, shape: Shape): boolean {
    const axes = (attrInts(n, 'axes') ?? []).map((a) => (a < 0 ? a + shape.length + 1 : a));
    const ch = shape.length === 3 && !this.nhwc.has(onnxIn) ? 1 : shape.length;
    return axes.length === 1 && axes[0] === ch && attrInt(n, 'keepdims', 1) === 1;
  }

  /**
   * ReduceMean: over H and W it is a global average pool; over the channels it must open a
   * LayerNorm as torch writes it before opset 17:
   *   μ = ReduceMean(x); d = Sub(x, μ); v = ReduceMean(Pow(d, 2)); y = Div(d, Sqrt(Add(v, ε)))
   */
  private reduceMean(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const s = this.shapes.get(input)!;
    const axes = (attrInts(n, 'axes') ?? []).map((a) => (a < 0 ? a + s.length + 1 : a)).sort();
    if (s.length === 3 && !this.nhwc.has(ins[0]) && axes.join() === '2,3') {
      const keep = attrInt(n, 'keepdims', 1) === 1;
      return this.emit({ op: 'globalavgpool', name, inputs: [input], output: out, keepDims: keep }, out);
    }
    const only = (t: string, op: string): NodeProto | null => {
      const r = this.readers.get(t) ?? [];
      return r.length === 1 && r[0].opType === op ? r[0] : null;
    };
    const fail = () => this.fail(n, 'ReduceMean is supported only over H and W (a global average pool) or as the start of a LayerNorm over the channels (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div)');
    if (!this.channelAxes(n, ins[0], s)) fail();
    const sub = only(out, 'Sub');
    if (!sub || sub.input?.[0] !== ins[0]) fail();
    const d = sub!.output![0];
    const dReaders = this.readers.get(d) ?? [];
    const pow = dReaders.find((r) => r.opType === 'Pow' || (r.opType === 'Mul' && r.input?.[0] === d && r.input?.[1] === d));
    const div = dReaders.find((r) => r.opType === 'Div' && r.input?.[0] === d);
    if (!pow || !div || dReaders.length !== 2) fail();
    if (pow!.opType === 'Pow' && this.consts.get(pow!.input![1])?.floats?.[0] !== 2) fail();
    const mean2 = only(pow!.output![0], 'ReduceMean');
    if (!mean2 || !this.channelAxes(mean2, ins[0], s)) fail();
    const addEps = only(mean2!.output![0], 'Add');
    const epsName = addEps?.input?.find((i) => this.consts.has(i));
    if (!addEps || !epsName) fail();
    const sqrt = only(addEps!.output![0], 'Sqrt');
    if (!sqrt || div!.input?.[1] !== sqrt.output![0]) fail();
    for (const m of [sub!, pow!, mean2!, addEps!, sqrt!, div!]) this.consumed.add(m);
    const y = div!.output![0];
    this.emit({ op: 'layernorm', name, inputs: [input], output: y, epsilon: this.consts.get(epsName!)!.floats![0] }, y);
    if (this.nhwc.has(ins[0])) this.nhwc.add(y);
  }

  // ---- per-op conversion ------------------------------------------------------------------

  private convert(n: NodeProto, name: string): void {
    const op = n.opType ?? '';
    const ins = n.input ?? [];
    if (op === 'Constant') {
      const t = n.attribute?.find((a) => a.name === 'value')?.t;
      if (t) return this.addConst(n.output![0], t);
      const ints = attrInts(n, 'value_ints');
      if (ints) return void this.consts.set(n.output![0], { dims: [ints.length], floats: Float32Array.from(ints), ints });
      const f = n.attribute?.find((a) => a.name === 'value_float');
      if (f) return void this.consts.set(n.output![0], { dims: [], floats: Float32Array.of(f.f ?? 0), ints: null });
      this.fail(n, 'only tensor, value_ints and value_float constants are supported');
    }
    if (!(SUPPORTED_ONNX_OPS as readonly string[]).includes(op)) {
      this.fail(n, `unsupported op type ${op} (supported: ${SUPPORTED_ONNX_OPS.join(', ')})`);
    }
    if (SHAPE_OPS.has(op) && this.shapeArithmetic(n)) return;
    if (ins[0] && this.nhwc.has(ins[0]) && !KEEPS_LAYOUT.has(op) && op !== 'Transpose' && op !== 'ReduceMean') {
      this.fail(n, 'reads a channels-last tensor (after a Transpose to NHWC); only elementwise ops, LayerNorm and MatMul are supported there — transpose back to NCHW first');
    }
    if (op === 'Split') return this.split(n, name);
    if (op === 'BatchNormalization' && (attrInt(n, 'training_mode', 0) !== 0 || (n.output ?? []).slice(1).some((o) => o && this.consumers.has(o)))) {
      this.fail(n, 'BatchNormalization was exported in training mode; export with model.eval() (and training=TrainingMode.PRESERVE to keep BN)');
    }
    const out = this.singleOutput(n);
    // torch.onnx.export writes an Identity over an initializer when two parameters share
    // one value (e.g. equal BN biases): the output is that constant under a new name.
    const shared = (op === 'Identity' || op === 'Dropout') && this.consts.get(ins[0]);
    if (shared) return void this.consts.set(out, shared);
    const x = () => this.ref(ins[0], `node "${n.name}" (${op})`);
    switch (op) {
      case 'Conv':
        return this.conv(n, name, x(), out);
      case 'BatchNormalization': {
        const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k, j) => {
          const c = this.constFloats(n, ins[k], ['scale', 'bias', 'mean', 'variance'][j]);
          return this.param(`${name}.${['weight', 'bias', 'running_mean', 'running_var'][j]}`, [c.floats.length], c.floats);
        });
        const input = x();
        this.spatialIn(n, input);
        return this.emit({ op: 'batchnorm', name, inputs: [input], output: out, gamma, beta, mean, variance, epsilon: attrFloat(n, 'epsilon', 1e-5) }, out);
      }
      case 'Clip':
        return this.clip(n, name, x(), out);
      case 'LeakyRelu':
      case 'Elu':
      case 'HardSigmoid':
      case 'HardSwish':
      case 'Tanh':
      case 'Softplus':
      case 'Erf':
      case 'Mish':
      case 'Gelu': {
        const input = x();
        this.noSpatialFlat(n, input);
        return this.emit({ op: 'activation', name, inputs: [input], output: out, ...ACTIVATIONS[op](n) }, out);
      }
      case 'Mul':
        return this.mul(n, name, out);
      case 'Transpose':
        return this.transpose(n, out);
      case 'Slice':
        return this.sliceChannels(n, name, x(), out);
      case 'LayerNormalization':
        return this.layerNormalization(n, name, x(), out);
      case 'ReduceMean':
        return this.reduceMean(n, name, x(), out);
      case 'Pow':
      case 'Sqrt':
      case 'Shape':
      case 'Gather':
      case 'Unsqueeze':
      case 'Squeeze':
      case 'Cast':
        this.fail(n, `${op} is supported only inside a LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div) or on constant shape vectors`);
      case 'Div':
      case 'Sub':
        return this.constAffine(n, name, out);
      case 'Relu':
      case 'Sigmoid':
      case 'Identity':
      case 'Dropout': {
        const input = x();
        const irOp = op === 'Relu' ? 'relu' : op === 'Sigmoid' ? 'sigmoid' : 'identity';
        return this.emit({ op: irOp, name, inputs: [input], output: out }, out, this.flatFrom.get(input));
      }
      case 'Softmax': {
        const input = x();
        const s = this.shapes.get(input)!;
        const axis = attrInt(n, 'axis', -1);
        if (s.length !== 1 || (axis !== 1 && axis !== -1)) this.fail(n, 'Softmax is supported only over the class axis of an [N, K] tensor');
        this.noSpatialFlat(n, input);
        return this.emit({ op: 'softmax', name, inputs: [input], output: out }, out);
      }
      case 'Add':
        return this.add(n, name, out);
      case 'MaxPool':
      case 'AveragePool':
        return this.pool(n, name, x(), out);
      case 'GlobalAveragePool': {
        const input = x();
        this.spatialIn(n, input);
        return this.emit({ op: 'globalavgpool', name, inputs: [input], output: out, keepDims: true }, out);
      }
      case 'Flatten': {
        const axis = attrInt(n, 'axis', 1);
        if (axis !== 1) this.fail(n, `Flatten axis must be 1, got ${axis}`);
        return this.flatten(n, name, x(), out);
      }
      case 'Reshape':
        return this.reshape(n, name, out);
      case 'Gemm':
      case 'MatMul':
        return this.dense(n, name, x(), out);
      case 'Pad':
        return this.pad(n, name, x(), out);
      case 'Concat': {
        const inputs = ins.map((i) => this.ref(i, `node "${n.name}" (Concat)`));
        const rank = this.shapes.get(inputs[0])!.length + 1;
        let axis = attrInt(n, 'axis', 1);
        if (axis < 0) axis += rank;
        if (axis !== 1) this.fail(n, `Concat is supported only along channels (axis 1), got axis ${axis}`);
        for (const i of inputs) this.noSpatialFlat(n, i);
        return this.emit({ op: 'concat', name, inputs, output: out, axis: rank === 4 ? 3 : 1 }, out);
      }
    }
  }

  private noSpatialFlat(n: NodeProto, t: string): void {
    const f = this.flatFrom.get(t);
    if (f && f[0] * f[1] > 1) this.fail(n, 'reads a flattened feature map (C,H,W order) that only a Gemm/MatMul may consume');
  }

  private conv(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const groups = attrInt(n, 'group', 1);
    const w = this.constFloats(n, ins[1], 'weight');
    if (w.dims.length !== 4) this.fail(n, `weight must be 4-D (OIHW), got ${w.dims.length}-D`);
    const [o, i, kh, kw] = w.dims;
    const xs = this.spatialIn(n, input);
    if (groups < 1 || o % groups !== 0) this.fail(n, `group=${groups} does not divide the ${o} output channels`);
    if (xs[2] !== i * groups) this.fail(n, `weight expects ${i * groups} input channels (${i} per group × ${groups}), the input has ${xs[2]}`);
    const strides = (attrInts(n, 'strides') ?? [1, 1]) as [number, number];
    const dilations = (attrInts(n, 'dilations') ?? [1, 1]) as [number, number];
    const weight = this.param(`${name}.weight`, [kh, kw, i, o], oihwToHwio(w.floats, w.dims));
    let bias: string | undefined;
    if (ins[2]) {
      const b = this.constFloats(n, ins[2], 'bias');
      bias = this.param(`${name}.bias`, [o], b.floats);
    }
    const pads = this.pads2d(n, xs, [kh, kw], strides, dilations);
    this.emit({ op: 'conv2d', name, inputs: [input], output: out, weight, bias, strides, pads, dilations, ...(groups > 1 ? { groups } : {}) }, out);
  }

  private pool(n: NodeProto, name: string, input: string, out: string): void {
    const xs = this.spatialIn(n, input);
    const kernel = attrInts(n, 'kernel_shape') as [number, number] | undefined;
    if (!kernel || kernel.length !== 2) this.fail(n, 'kernel_shape must have 2 entries');
    const strides = (attrInts(n, 'strides') ?? [1, 1]) as [number, number];
    const dil = attrInts(n, 'dilations');
    if (dil && dil.some((d) => d !== 1)) this.fail(n, 'dilated pooling is not supported');
    const countIncludePad = attrInt(n, 'count_include_pad', 0) === 1;
    if (n.opType === 'AveragePool' && countIncludePad && attrInt(n, 'ceil_mode', 0) === 1) {
      this.fail(n, 'count_include_pad=1 with ceil_mode=1 is not supported');
    }
    const pads = this.ceilPads(n, xs, kernel, strides, this.pads2d(n, xs, kernel, strides, [1, 1]));
    if (n.opType === 'MaxPool') {
      this.emit({ op: 'maxpool', name, inputs: [input], output: out, kernel, strides, pads }, out);
    } else {
      this.emit({ op: 'avgpool', name, inputs: [input], output: out, kernel, strides, pads, countIncludePad }, out);
    }
  }

  private flatten(n: NodeProto, name: string, input: string, out: string): void {
    const s = this.shapes.get(input)!;
    if (s.length === 1) return this.emit({ op: 'identity', name, inputs: [input], output: out }, out, this.flatFrom.get(input));
    if (s.some((d) => d == null)) this.fail(n, 'flattening a feature map needs a fixed input size');
    this.emit({ op: 'flatten', name, inputs: [input], output: out }, out, s as [number, number, number]);
  }

  /**
   * Reshapes torch writes: a flatten ([N, -1]); a channel shuffle ([N, g, C/g, H, W], Transpose
   * of axes 1 and 2, back to [N, C, H, W]) as one channel permutation; [N, C] ↔ [N, C, 1, 1].
   */
  private reshape(n: NodeProto, name: string, out: string): void {
    const ins = n.input ?? [];
    const target = this.constInts(n, ins[1], 'shape');
    const g = this.grouped.get(ins[0]);
    if (g) {
      const s = this.shapes.get(g.ir)! as number[];
      const [h, w, c] = s;
      const ok = g.transposed && target.length === 4 && (target[1] === c || target[1] === -1) && target[2] === h && target[3] === w;
      if (!ok) this.fail(n, 'a grouped view [N, g, C/g, H, W] is supported only as a channel shuffle (Transpose 1↔2, then back to [N, C, H, W])');
      const per = c / g.g;
      const order = Array.from({ length: c }, (_, k) => (k % g.g) * per + Math.floor(k / g.g));
      return this.emit({ op: 'permute', name, inputs: [g.ir], output: out, order }, out);
    }
    const input = this.ref(ins[0], `node "${n.name}" (Reshape)`);
    const s = this.shapes.get(input)!;
    const known = s.every((d) => d != null) ? (s as number[]).reduce((a, b) => a * b, 1) : null;
    const per = target.slice(1);
    if (s.length === 3 && !this.nhwc.has(ins[0]) && per.length === 4 && per[2] === s[0] && per[3] === s[1] && per[0] * per[1] === s[2]) {
      return void this.grouped.set(out, { ir: input, g: per[0], transposed: false });
    }
    if (s.length === 1 && per.length === 3 && per[0] === s[0] && per[1] === 1 && per[2] === 1) {
      return this.emit({ op: 'reshape', name, inputs: [input], output: out, shape: [1, 1, per[0]] }, out);
    }
    // only [N, -1] style reshapes: keep the batch (0, -1 or a batch size) and flatten the rest
    const ok = target.length === 2 && (target[1] === -1 ? target[0] !== -1 || known != null : known != null && target[1] === known);
    if (!ok) this.fail(n, `only reshapes to [N, -1] (a flatten), channel shuffles and [N, C] ↔ [N, C, 1, 1] are supported, got [${target.join(', ')}]`);
    this.flatten(n, name, input, out);
  }

  private dense(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const s = this.shapes.get(input)!;
    if (n.opType === 'MatMul' && s.length === 3 && this.nhwc.has(ins[0])) return this.pointwise(n, name, input, out);
    if (s.length !== 1) this.fail(n, `needs a 2-D [N, features] input, got rank ${s.length + 1} (add a Flatten)`);
    const w = this.constFloats(n, ins[1], 'weight');
    if (w.dims.length !== 2) this.fail(n, `weight must be 2-D, got ${w.dims.length}-D`);
    let data: Float32Array;
    let [inF, outF] = w.dims;
    let alpha = 1;
    let beta = 1;
    if (n.opType === 'Gemm') {
      if (attrInt(n, 'transA', 0) !== 0) this.fail(n, 'transA=1 is not supported');
      alpha = attrFloat(n, 'alpha', 1);
      beta = attrFloat(n, 'beta', 1);
      if (attrInt(n, 'transB', 0) === 1) {
        [outF, inF] = w.dims;
        data = transpose2d(w.floats, outF, inF);
      } else data = w.floats.slice();
    } else data = w.floats.slice();
    if (s[0] != null && s[0] !== inF) this.fail(n, `weight expects ${inF} input features, the input has ${s[0]}`);
    if (alpha !== 1) for (let k = 0; k < data.length; k++) data[k] *= alpha;
    const flat = this.flatFrom.get(input);
    if (flat && flat[0] * flat[1] > 1) data = permuteFlatRows(data, flat, outF);
    const weight = this.param(`${name}.weight`, [inF, outF], data);
    let bias: string | undefined;
    if (n.opType === 'Gemm' && ins[2]) {
      const b = this.constFloats(n, ins[2], 'bias');
      if (b.floats.length !== outF) this.fail(n, `bias must have ${outF} entries (per-output), got ${b.floats.length}`);
      bias = this.param(`${name}.bias`, [outF], b.floats.map((v) => v * beta));
    }
    this.emit({ op: 'dense', name, inputs: [input], output: out, weight, bias }, out);
  }

  /** a Linear applied per position of a channels-last map (ConvNeXt's MLP): a 1×1 conv, z⁺ per position */
  private pointwise(n: NodeProto, name: string, input: string, out: string): void {
    const w = this.constFloats(n, (n.input ?? [])[1], 'weight');
    const s = this.shapes.get(input)!;
    if (w.dims.length !== 2 || w.dims[0] !== s[2]) this.fail(n, `weight must be [${s[2]}, out] for a per-position MatMul, got [${w.dims.join(', ')}]`);
    const [ci, co] = w.dims;
    const weight = this.param(`${name}.weight`, [1, 1, ci, co], w.floats.slice());
    this.emit({ op: 'conv2d', name, inputs: [input], output: out, weight, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] }, out);
  }

  private add(n: NodeProto, name: string, out: string): void {
    const ins = n.input ?? [];
    const ci = ins.findIndex((i) => this.consts.has(i));
    if (ci < 0) {
      const inputs = ins.map((i) => this.ref(i, `node "${n.name}" (Add)`));
      const [a, b] = inputs.map((i) => this.shapes.get(i)!);
      if (a.length !== b.length || a.some((d, k) => d != null && b[k] != null && d !== b[k])) {
        this.fail(n, `adds tensors of different shapes [${a}] and [${b}]; broadcasting is not supported`);
      }
      for (const i of inputs) this.noSpatialFlat(n, i);
      if (a.length === 3 && this.nhwc.has(ins[0]) !== this.nhwc.has(ins[1])) this.fail(n, 'adds an NCHW and a channels-last tensor');
      return this.emit({ op: 'add', name, inputs, output: out }, out);
    }
    // a constant added to a bias-less MatMul output is that dense layer's bias
    const other = this.ref(ins[1 - ci], `node "${n.name}" (Add)`);
    const prod = this.producer.get(other);
    const c = this.constFloats(n, ins[ci], 'bias');
    const outC = prod?.op === 'dense' ? this.params[prod.weight].shape[1] : prod?.op === 'conv2d' && this.nhwc.has(ins[1 - ci]) ? this.params[prod.weight].shape[3] : -1;
    if ((prod?.op === 'dense' || prod?.op === 'conv2d') && !prod.bias && this.consumers.get(ins[1 - ci]) === 1 && c.floats.length === outC) {
      prod.bias = this.param(`${prod.name}.bias`, [c.floats.length], c.floats);
      this.alias.set(out, prod.output);
      if (this.nhwc.has(ins[1 - ci])) this.nhwc.add(out);
      return;
    }
    this.constAffine(n, name, out);
  }

  /**
   * A constant per channel (or one scalar) for elementwise arithmetic with `x`: dims that
   * broadcast along the channel axis only ([C,1,1] or [1,C,1,1] on a feature map, [C] on
   * a flat tensor); returns [C] or [1] values.
   */
  private channelConst(n: NodeProto, constName: string, x: string, onnxX: string): Float32Array {
    const c = this.constFloats(n, constName, 'constant operand');
    const s = this.shapes.get(x)!;
    const ch = s[s.length - 1];
    if (c.floats.length === 1) return c.floats;
    const last = s.length !== 3 || this.nhwc.has(onnxX);
    const dims = c.dims.slice();
    while (dims.length > 1 && dims[0] === 1 && (last || dims.length > 3)) dims.shift();
    const perChannel = last ? dims.length === 1 : dims.length === 3 && dims[1] === 1 && dims[2] === 1;
    if (!perChannel || dims[0] !== ch) {
      this.fail(n, `its constant of shape [${c.dims.join(', ')}] does not broadcast per channel over a tensor with ${ch} channels`);
    }
    return c.floats;
  }

  /** x·c, x/c, x + c, x − c and c − x with a constant c: one affine node y = x·scale + shift */
  private constAffine(n: NodeProto, name: string, out: string): void {
    const op = n.opType ?? '';
    const ins = n.input ?? [];
    const ci = ins.findIndex((i) => this.consts.has(i));
    if (ci < 0 || ins.length !== 2 || this.consts.has(ins[1 - ci])) this.fail(n, `${op} is supported with one constant operand (a scale or shift), or as a gate`);
    if (op === 'Div' && ci === 0) this.fail(n, 'dividing a constant by a tensor is not supported');
    const x = this.ref(ins[1 - ci], `node "${n.name}" (${op})`);
    this.noSpatialFlat(n, x);
    const c = this.channelConst(n, ins[ci], x, ins[1 - ci]);
    let scale: Float32Array | null = null;
    let shift: Float32Array | null = null;
    if (op === 'Mul') scale = c.slice();
    else if (op === 'Div') scale = c.map((v) => 1 / v);
    else if (op === 'Add') shift = c.slice();
    else if (ci === 1) shift = c.map((v) => -v);
    else {
      scale = Float32Array.of(-1);
      shift = c.slice();
    }
    if (scale?.some((v) => !Number.isFinite(v))) this.fail(n, 'divides by zero');
    this.emit({
      op: 'affine', name, inputs: [x], output: out,
      ...(scale ? { scale: this.param(`${name}.scale`, [scale.length], scale) } : {}),
      ...(shift ? { shift: this.param(`${name}.shift`, [shift.length], shift) } : {}),
    }, out);
  }

  /** Clip(min, max) (ReLU6 is Clip(0, 6)); the bounds are attributes before opset 11, inputs after */
  private clip(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const bound = (k: number, attr: string, dflt: number) => {
      if (ins[k]) return this.constFloats(n, ins[k], attr).floats[0];
      return attrFloat(n, attr, dflt);
    };
    const lo = bound(1, 'min', -Infinity);
    const hi = bound(2, 'max', Infinity);
    this.noSpatialFlat(n, input);
    this.emit({ op: 'activation', fn: 'clip', name, inputs: [input], output: out, ...(Number.isFinite(lo) ? { alpha: lo } : {}), ...(Number.isFinite(hi) ? { beta: hi } : {}) }, out);
  }

  /**
   * Mul of two tensors is a gate y = x ⊙ g (spec §13): the gate is the operand that
   * broadcasts (squeeze-excitation's [C,1,1] scale) or, for equal shapes, the one computed
   * elementwise from the other (x·σ(x), x·hardsigmoid(x), GELU's x·Φ(x)). Mul by a constant
   * is an affine scale.
   */
  private mul(n: NodeProto, name: string, out: string): void {
    const ins = n.input ?? [];
    if (ins.some((i) => this.consts.has(i))) return this.constAffine(n, name, out);
    const [a, b] = ins.map((i) => this.ref(i, `node "${n.name}" (Mul)`));
    for (const t of [a, b]) this.noSpatialFlat(n, t);
    const [sa, sb] = [a, b].map((t) => this.shapes.get(t)!);
    if (sa.length !== sb.length) this.fail(n, `multiplies tensors of ranks ${sa.length + 1} and ${sb.length + 1}`);
    if (sa.length === 3 && this.nhwc.has(ins[0]) !== this.nhwc.has(ins[1])) this.fail(n, 'multiplies an NCHW and a channels-last tensor');
    const pair = gateOperands(a, b, (t) => this.shapes.get(t)!, (t) => this.producer.get(t));
    if (!pair) this.fail(n, `multiplies two feature maps ([${sa}] and [${sb}]) that are not a gate and its signal (a squeeze-excitation scale or an activation of the other operand)`);
    const [signal, gate] = pair;
    this.emit({ op: 'mul', name, inputs: [signal, gate], output: out }, out);
  }

  private pad(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const mode = attrString(n, 'mode') ?? 'constant';
    if (mode !== 'constant') this.fail(n, `only constant padding is supported, got mode ${mode}`);
    if (ins[3]) this.fail(n, 'the axes input is not supported');
    const p = ins[1] ? this.constInts(n, ins[1], 'pads') : attrInts(n, 'pads') ?? [];
    let value = attrFloat(n, 'value', 0);
    if (ins[2]) value = this.constFloats(n, ins[2], 'constant_value').floats[0] ?? 0;
    this.spatialIn(n, input);
    if (p.length !== 8 || p[0] || p[1] || p[4] || p[5]) this.fail(n, `only spatial padding of an NCHW tensor is supported, got pads [${p.join(', ')}]`);
    if (p.some((v) => v < 0)) this.fail(n, 'negative pads (cropping) are not supported');
    this.emit({ op: 'pad', name, inputs: [input], output: out, pads: [p[2], p[3], p[6], p[7]], value }, out);
  }
}
