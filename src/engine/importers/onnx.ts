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
import { irNodeNames } from './onnx-names.ts';
import { nodeOutputShape, type Shape } from './shapes.ts';
import { oihwToHwio, permuteFlatRows, tfSamePad, transpose2d } from './shared.ts';

export const SUPPORTED_ONNX_OPS = [
  'Conv', 'BatchNormalization', 'Relu', 'Add', 'MaxPool', 'AveragePool', 'GlobalAveragePool',
  'Gemm', 'MatMul', 'Flatten', 'Reshape', 'Pad', 'Identity', 'Dropout', 'Sigmoid', 'Softmax',
  'Concat', 'Constant', 'Clip', 'LeakyRelu', 'Elu', 'HardSigmoid', 'HardSwish', 'Tanh', 'Softplus',
  'Erf', 'Mish', 'Gelu', 'Mul', 'Div', 'Sub',
] as const;

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

export function importOnnx(bytes: Uint8Array, file: string): Graph {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: not a readable ONNX model (${(e as Error).message}); the file may be truncated or not ONNX`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new StudioError('BAD_REQUEST', `${file}: ONNX model has no graph nodes; the file may be truncated or not ONNX`);
  }
  return new OnnxImporter(model, file).run();
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
    const names = irNodeNames(onnxNodes);
    onnxNodes.forEach((n, i) => this.convert(n, names[i]));

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
        return this.reshape(n, name, x(), out);
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

  private reshape(n: NodeProto, name: string, input: string, out: string): void {
    const target = this.constInts(n, (n.input ?? [])[1], 'shape');
    const s = this.shapes.get(input)!;
    const known = s.every((d) => d != null) ? (s as number[]).reduce((a, b) => a * b, 1) : null;
    // only [N, -1] style reshapes: keep the batch (0, -1 or a batch size) and flatten the rest
    const ok = target.length === 2 && (target[1] === -1 ? target[0] !== -1 : known != null && target[1] === known);
    if (!ok) this.fail(n, `only reshapes to [N, -1] (a flatten) are supported, got [${target.join(', ')}]`);
    this.flatten(n, name, input, out);
  }

  private dense(n: NodeProto, name: string, input: string, out: string): void {
    const ins = n.input ?? [];
    const s = this.shapes.get(input)!;
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
      return this.emit({ op: 'add', name, inputs, output: out }, out);
    }
    // a constant added to a bias-less MatMul output is that dense layer's bias
    const other = this.ref(ins[1 - ci], `node "${n.name}" (Add)`);
    const prod = this.producer.get(other);
    const c = this.constFloats(n, ins[ci], 'bias');
    if (prod?.op === 'dense' && !prod.bias && this.consumers.get(ins[1 - ci]) === 1 && c.floats.length === this.params[prod.weight].shape[1]) {
      prod.bias = this.param(`${prod.name}.bias`, [c.floats.length], c.floats);
      this.alias.set(out, prod.output);
      return;
    }
    this.constAffine(n, name, out);
  }

  /**
   * A constant per channel (or one scalar) for elementwise arithmetic with `x`: dims that
   * broadcast along the channel axis only ([C,1,1] or [1,C,1,1] on a feature map, [C] on
   * a flat tensor); returns [C] or [1] values.
   */
  private channelConst(n: NodeProto, constName: string, x: string): Float32Array {
    const c = this.constFloats(n, constName, 'constant operand');
    const s = this.shapes.get(x)!;
    const ch = s[s.length - 1];
    if (c.floats.length === 1) return c.floats;
    const dims = c.dims.slice();
    while (dims.length > 0 && dims[0] === 1 && dims.length > (s.length === 3 ? 3 : 1)) dims.shift();
    const perChannel = s.length === 3 ? dims.length === 3 && dims[1] === 1 && dims[2] === 1 : dims.length === 1;
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
    const c = this.channelConst(n, ins[ci], x);
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
    const count = (s: Shape) => s.reduce<number>((p, d) => p * (d ?? 0), 1);
    let signal: string;
    let gate: string;
    if (sa.length !== sb.length) this.fail(n, `multiplies tensors of ranks ${sa.length + 1} and ${sb.length + 1}`);
    const same = sa.every((d, k) => d === sb[k]);
    if (!same) {
      [signal, gate] = count(sa) >= count(sb) ? [a, b] : [b, a];
      const ss = this.shapes.get(signal)!;
      const gs = this.shapes.get(gate)!;
      if (gs.some((d, k) => d !== 1 && d !== ss[k])) this.fail(n, `the gate of shape [${gs}] does not broadcast against [${ss}]`);
    } else if (this.derivedFrom(b, a)) [signal, gate] = [a, b];
    else if (this.derivedFrom(a, b)) [signal, gate] = [b, a];
    else this.fail(n, 'multiplies two feature maps that are not a gate and its signal (a squeeze-excitation scale or an activation of the other operand)');
    this.emit({ op: 'mul', name, inputs: [signal, gate], output: out }, out);
  }

  /** whether `t` is computed from `src` by elementwise nodes only (a gate like σ(x)) */
  private derivedFrom(t: string, src: string): boolean {
    const elementwise = new Set<GraphNode['op']>(['activation', 'sigmoid', 'affine', 'relu', 'identity', 'mul']);
    let cur = t;
    for (let steps = 0; steps < 16; steps++) {
      if (cur === src) return true;
      const p = this.producer.get(cur);
      if (!p || !elementwise.has(p.op)) return false;
      cur = p.inputs[0];
    }
    return false;
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
