// Test fixtures: write an IR graph (e.g. from test/helpers/models.ts) as the files users
// bring — an ONNX file laid out like torch.onnx.export of a torchvision model (NCHW,
// initializers, `/layer2/layer2.3/conv1/Conv` node names; BN kept, or folded into the convs
// as the default eval-mode export does) and a TF.js layers model with Keras ResNet / VGG
// layer names built with tf.layers (standing in for tensorflowjs_converter output).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Graph, GraphNode } from '../../src/engine/ir.ts';
import { buildModelBytes, floatTensor, int64Tensor, makeNode, tensorValueInfo } from '../../src/engine/onnx/build.ts';
import type { NodeProto, TensorProto } from '../../src/engine/onnx/proto.ts';
import { inferShapes } from '../../src/engine/importers/shapes.ts';
import { hwioToOihw, permuteFlatRows, transpose2d } from '../../src/engine/importers/shared.ts';

// ---------------------------------------------------------------------------------------
// ONNX, the torch.onnx.export way
// ---------------------------------------------------------------------------------------

export interface OnnxExportOptions {
  /** fold every conv → batchnorm pair into one conv with bias (torch's default eval export) */
  foldBn?: boolean;
  /** the graph input's name (torch: `input.1` or the given input_names) */
  inputName?: string;
  /**
   * write 1×1 stride-1 convs as torch writes an nn.Linear applied to a channels-last map
   * (ConvNeXt's MLP): MatMul + Add on an NHWC tensor, with the Transposes around it
   */
  pointwiseAsMatMul?: boolean;
  /** LayerNorm as one LayerNormalization op (opset 17) instead of torch's opset-13 decomposition */
  layerNormOp?: boolean;
}

const ONNX_OP: Record<GraphNode['op'], string> = {
  conv2d: 'Conv', batchnorm: 'BatchNormalization', relu: 'Relu', sigmoid: 'Sigmoid', softmax: 'Softmax',
  identity: 'Identity', add: 'Add', maxpool: 'MaxPool', avgpool: 'AveragePool',
  globalavgpool: 'GlobalAveragePool', dense: 'Gemm', flatten: 'Flatten', pad: 'Pad', concat: 'Concat',
  activation: 'Activation', mul: 'Mul', affine: 'Mul', layernorm: 'LayerNormalization', groupnorm: 'GroupNormalization',
  permute: 'Transpose', slice: 'Split', reshape: 'Reshape',
};

/** `layer2.3.conv1` → `/layer2/layer2.3/conv1/Conv` (torch ≥ 1.13 scope naming). */
export function torchNodeName(irName: string, opType: string): string {
  const parts = irName.split('.');
  const scopes: string[] = [];
  for (const p of parts) {
    // a Sequential's child is scoped `<parent attr>.<index>` (`layer2.3`, `downsample.0`)
    if (/^\d+$/.test(p) && scopes.length > 0) scopes.push(`${scopes[scopes.length - 1]}.${p}`);
    else scopes.push(p);
  }
  return `/${scopes.join('/')}/${opType}`;
}

/** appends ops named as torch names a module's ops: `/scope/Mul`, `/scope/Mul_1`, … */
function torchOps(base: string, nodes: NodeProto[]) {
  const count = new Map<string, number>();
  return (type: string, ins: string[], o: string, attrs: Parameters<typeof makeNode>[4] = {}): string => {
    const k = count.get(type) ?? 0;
    count.set(type, k + 1);
    nodes.push(makeNode(type, ins, [o], `${base}/${type}${k ? `_${k}` : ''}`, attrs));
    return o;
  };
}

/**
 * An IR activation as torch.onnx.export (opset 13) writes it: ReLU6 as Clip with bound
 * inputs, HardSwish as x·HardSigmoid(x), SiLU as x·Sigmoid(x), GELU in its erf form
 * (Div, Erf, Add, Mul, Mul), Mish as x·Tanh(Softplus(x)).
 */
function writeActivation(node: Extract<GraphNode, { op: 'activation' }>, x: string, out: string, name: string, nodes: NodeProto[], constant: (dims: number[], data: Float32Array) => string): void {
  const op = torchOps(name.replace(/\/Activation$/, ''), nodes);
  const scalar = (v: number) => constant([], Float32Array.of(v));
  switch (node.fn) {
    case 'clip':
      op('Clip', [x, node.alpha !== undefined ? scalar(node.alpha) : '', node.beta !== undefined ? scalar(node.beta) : ''], out);
      break;
    case 'leakyrelu':
      op('LeakyRelu', [x], out, { alpha: { float: node.alpha ?? 0.01 } });
      break;
    case 'elu':
      op('Elu', [x], out, { alpha: { float: node.alpha ?? 1 } });
      break;
    case 'hardsigmoid':
      op('HardSigmoid', [x], out, { alpha: { float: node.alpha ?? 0.2 }, beta: { float: node.beta ?? 0.5 } });
      break;
    case 'hardswish':
      op('Mul', [x, op('HardSigmoid', [x], `${out}_hs`, { alpha: { float: 1 / 6 }, beta: { float: 0.5 } })], out);
      break;
    case 'silu':
      op('Mul', [x, op('Sigmoid', [x], `${out}_sig`)], out);
      break;
    case 'gelu': {
      const e = op('Erf', [op('Div', [x, scalar(Math.SQRT2)], `${out}_div`)], `${out}_erf`);
      const m = op('Mul', [x, op('Add', [e, scalar(1)], `${out}_add`)], `${out}_mul`);
      op('Mul', [m, scalar(0.5)], out);
      break;
    }
    case 'mish':
      op('Mul', [x, op('Tanh', [op('Softplus', [x], `${out}_sp`)], `${out}_tanh`)], out);
      break;
    case 'tanh':
      op('Tanh', [x], out);
      break;
    case 'softplus':
      op('Softplus', [x], out);
      break;
    case 'erf':
      op('Erf', [x], out);
      break;
    case 'gelu-tanh':
      op('Gelu', [x], out, { approximate: 'tanh' });
      break;
  }
}

/** LayerNorm over the channels of a channels-last tensor: torch's opset-13 decomposition, or LayerNormalization */
function writeLayerNorm(node: Extract<GraphNode, { op: 'layernorm' }>, graph: Graph, x: string, out: string, base: string, nodes: NodeProto[], constant: (dims: number[], data: Float32Array) => string, asOp: boolean): void {
  const gamma = node.gamma ? graph.params[node.gamma] : null;
  const beta = node.beta ? graph.params[node.beta] : null;
  if (asOp) {
    const c = gamma?.data.length ?? beta?.data.length ?? 0;
    const ins = [x, gamma ? constant([c], gamma.data) : constant([c], new Float32Array(c).fill(1)), beta ? constant([c], beta.data) : ''];
    nodes.push(makeNode('LayerNormalization', ins, [out], `${base}/LayerNormalization`, { axis: -1, epsilon: { float: node.epsilon } }));
    return;
  }
  const op = torchOps(base, nodes);
  const mean = op('ReduceMean', [x], `${out}_mean`, { axes: [-1], keepdims: 1 });
  const d = op('Sub', [x, mean], `${out}_d`);
  const v = op('ReduceMean', [op('Pow', [d, constant([], Float32Array.of(2))], `${out}_pow`)], `${out}_var`, { axes: [-1], keepdims: 1 });
  const sd = op('Sqrt', [op('Add', [v, constant([], Float32Array.of(node.epsilon))], `${out}_ve`)], `${out}_sd`);
  let y = op('Div', [d, sd], gamma || beta ? `${out}_norm` : out);
  if (gamma) y = op('Mul', [y, constant([gamma.data.length], gamma.data)], beta ? `${out}_scaled` : out);
  if (beta) op('Add', [y, constant([beta.data.length], beta.data)], out);
}

export function graphToOnnx(graph: Graph, opts: OnnxExportOptions = {}): Uint8Array {
  const shapes = inferShapes(graph);
  const readers = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const inputName = opts.inputName ?? 'input.1';
  const tensorName = new Map<string, string>([[graph.input.name, inputName]]);
  /** IR tensors holding an NCHW flatten of a spatial [h, w, c] tensor */
  const flatFrom = new Map<string, [number, number, number]>();
  const nodes: NodeProto[] = [];
  const inits: TensorProto[] = [];
  let constId = 0;
  const init = (name: string, dims: number[], data: Float32Array) => {
    inits.push(floatTensor(name, dims, data));
    return name;
  };
  const anon = (op: string) => `onnx::${op}_${++constId}`;
  const folded = new Set<string>(); // batchnorm nodes folded into their conv

  // torch keeps NCHW except between a permute to NHWC and the permute back (ConvNeXt's
  // LayerNorm + MLP): track each tensor's ONNX layout and transpose where a node needs the other
  const nhwc = new Set<string>();
  const transposed = new Map<string, string>();
  const inLayout = (ir: string, last: boolean): string => {
    const onnx = tensorName.get(ir)!;
    if ((shapes.get(ir)?.length ?? 0) !== 3 || nhwc.has(ir) === last) return onnx;
    const key = `${ir}|${last}`;
    let t = transposed.get(key);
    if (!t) {
      t = `${onnx}_${last ? 'nhwc' : 'nchw'}`;
      nodes.push(makeNode('Transpose', [onnx], [t], `${onnx.replace(/_output_0$/, '')}/Transpose_${transposed.size}`, { perm: last ? [0, 2, 3, 1] : [0, 3, 1, 2] }));
      transposed.set(key, t);
    }
    return t;
  };
  const pointwise = (n: GraphNode) =>
    opts.pointwiseAsMatMul === true && n.op === 'conv2d' && (n.groups ?? 1) === 1 && graph.params[n.weight].shape[0] === 1 && graph.params[n.weight].shape[1] === 1 &&
    n.strides.every((v) => v === 1) && n.pads.every((v) => v === 0);
  const keepsLayout = (n: GraphNode) => n.op === 'activation' || n.op === 'affine' || n.op === 'mul' || n.op === 'add';

  for (const node of graph.nodes) {
    if (folded.has(node.name)) continue;
    const op = ONNX_OP[node.op];
    const name = torchNodeName(node.name, op);
    const out = `${name}_output_0`;
    const wantLast = node.op === 'layernorm' || pointwise(node) || (keepsLayout(node) && nhwc.has(node.inputs[0]));
    const ins = node.inputs.map((i) => inLayout(i, wantLast));
    if (wantLast && (shapes.get(node.output)?.length ?? 0) === 3) nhwc.add(node.output);
    tensorName.set(node.output, out);
    if (pointwise(node) && node.op === 'conv2d') {
      const w = graph.params[node.weight];
      const mm = node.bias ? `${out}_mm` : out;
      nodes.push(makeNode('MatMul', [ins[0], init(node.weight, [w.shape[2], w.shape[3]], w.data)], [mm], name.replace(/Conv$/, 'MatMul')));
      if (node.bias) nodes.push(makeNode('Add', [mm, init(node.bias, [w.shape[3]], graph.params[node.bias].data)], [out], name.replace(/Conv$/, 'Add')));
      continue;
    }
    switch (node.op) {
      case 'conv2d': {
        const w = graph.params[node.weight];
        let oihw = hwioToOihw(w.data, w.shape);
        let bias = node.bias ? graph.params[node.bias].data.slice() : null;
        const bnReader = readers.get(node.output);
        const bn = opts.foldBn && bnReader?.length === 1 && bnReader[0].op === 'batchnorm' ? bnReader[0] : null;
        let wName = node.weight;
        let bName = node.bias;
        if (bn && bn.op === 'batchnorm') {
          // W' = s·W, b' = β + s·(b − μ), s = γ / √(σ² + ε)
          const o = w.shape[3];
          const per = oihw.length / o;
          const g = graph.params[bn.gamma].data;
          const be = graph.params[bn.beta].data;
          const mu = graph.params[bn.mean].data;
          const v = graph.params[bn.variance].data;
          oihw = oihw.slice();
          const nb = new Float32Array(o);
          for (let c = 0; c < o; c++) {
            const s = g[c] / Math.sqrt(v[c] + bn.epsilon);
            for (let k = 0; k < per; k++) oihw[c * per + k] *= s;
            nb[c] = be[c] + s * ((bias ? bias[c] : 0) - mu[c]);
          }
          bias = nb;
          folded.add(bn.name);
          tensorName.set(bn.output, out);
          wName = anon('Conv');
          bName = anon('Conv');
        }
        const [kh, kw, ci, co] = w.shape;
        const inputs = [ins[0], init(wName, [co, ci, kh, kw], oihw)];
        if (bias) inputs.push(init(bName ?? `${node.name}.bias`, [co], bias));
        nodes.push(makeNode('Conv', inputs, [out], name, {
          dilations: node.dilations, group: node.groups ?? 1, kernel_shape: [kh, kw], pads: node.pads, strides: node.strides,
        }));
        break;
      }
      case 'activation':
        writeActivation(node, ins[0], out, name, nodes, (dims, data) => init(anon('Constant'), dims, data));
        break;
      case 'mul':
        // torch's squeeze-excitation writes `scale * input`: the gate first
        nodes.push(makeNode('Mul', [ins[1], ins[0]], [out], name));
        break;
      case 'affine': {
        const c = shapes.get(node.inputs[0])!;
        const dims = (p: string) => (graph.params[p].data.length === 1 ? [] : c.length === 3 && !nhwc.has(node.output) ? [c[2] as number, 1, 1] : [c[c.length - 1] as number]);
        let cur = ins[0];
        if (node.scale) {
          const o = node.shift ? `${out}_scaled` : out;
          nodes.push(makeNode('Mul', [cur, init(anon('Mul'), dims(node.scale), graph.params[node.scale].data)], [o], name));
          cur = o;
        }
        if (node.shift) nodes.push(makeNode('Add', [cur, init(anon('Add'), dims(node.shift), graph.params[node.shift].data)], [out], `${name}_shift`));
        if (!node.scale && !node.shift) nodes.push(makeNode('Identity', [cur], [out], name));
        break;
      }
      case 'layernorm':
        writeLayerNorm(node, graph, ins[0], out, name.replace(/\/LayerNormalization$/, ''), nodes, (dims, data) => init(anon('Constant'), dims, data), opts.layerNormOp === true);
        break;
      case 'permute': {
        // torch's channel_shuffle: view(b, g, c/g, h, w) → transpose(1, 2) → view(b, -1, h, w), the batch read with Shape
        const [h, w, c] = shapes.get(node.inputs[0]) as number[];
        const per = node.order[1];
        const g = c / per;
        const base = name.replace(/\/Transpose$/, '');
        const batch = `${out}_batch`;
        nodes.push(makeNode('Shape', [ins[0]], [`${out}_shape`], `${base}/Shape`));
        inits.push(int64Tensor(`${out}_i0`, [0]));
        nodes.push(makeNode('Gather', [`${out}_shape`, `${out}_i0`], [batch], `${base}/Gather`, { axis: 0 }));
        inits.push(int64Tensor(`${out}_rest5`, [g, per, h, w]), int64Tensor(`${out}_rest4`, [-1, h, w]));
        nodes.push(makeNode('Concat', [batch, `${out}_rest5`], [`${out}_s5`], `${base}/Concat`, { axis: 0 }));
        nodes.push(makeNode('Concat', [batch, `${out}_rest4`], [`${out}_s4`], `${base}/Concat_1`, { axis: 0 }));
        nodes.push(makeNode('Reshape', [ins[0], `${out}_s5`], [`${out}_v`], `${base}/Reshape`));
        nodes.push(makeNode('Transpose', [`${out}_v`], [`${out}_t`], `${base}/Transpose`, { perm: [0, 2, 1, 3, 4] }));
        nodes.push(makeNode('Reshape', [`${out}_t`, `${out}_s4`], [out], `${base}/Reshape_1`));
        break;
      }
      case 'slice': {
        const base = name.replace(/\/Split$/, '');
        inits.push(int64Tensor(`${out}_st`, [node.begin]), int64Tensor(`${out}_en`, [node.begin + node.size]), int64Tensor(`${out}_ax`, [1]));
        nodes.push(makeNode('Slice', [ins[0], `${out}_st`, `${out}_en`, `${out}_ax`], [out], `${base}/Slice`));
        break;
      }
      case 'reshape': {
        const target = `${out}_shape`;
        const sh = node.shape.length === 3 ? [-1, node.shape[2], node.shape[0], node.shape[1]] : [-1, ...node.shape];
        inits.push(int64Tensor(target, sh));
        nodes.push(makeNode('Reshape', [ins[0], target], [out], name));
        break;
      }
      case 'groupnorm':
        throw new Error(`graphToOnnx: ${node.name}: GroupNorm is not written (torch writes it through InstanceNormalization)`);
      case 'batchnorm': {
        const p = [node.gamma, node.beta, node.mean, node.variance].map((k) => init(k, graph.params[k].shape, graph.params[k].data));
        nodes.push(makeNode('BatchNormalization', [ins[0], ...p], [out], name, { epsilon: { float: node.epsilon }, momentum: { float: 0.9 } }));
        break;
      }
      case 'relu':
      case 'sigmoid':
      case 'identity':
        nodes.push(makeNode(op, ins, [out], name));
        if (flatFrom.has(node.inputs[0])) flatFrom.set(node.output, flatFrom.get(node.inputs[0])!);
        break;
      case 'softmax':
        nodes.push(makeNode(op, ins, [out], name, { axis: 1 }));
        break;
      case 'add':
        nodes.push(makeNode(op, ins, [out], name));
        break;
      case 'maxpool':
        nodes.push(makeNode(op, ins, [out], name, { ceil_mode: 0, kernel_shape: node.kernel, pads: node.pads, strides: node.strides }));
        break;
      case 'avgpool':
        nodes.push(makeNode(op, ins, [out], name, {
          ceil_mode: 0, count_include_pad: node.countIncludePad ? 1 : 0, kernel_shape: node.kernel, pads: node.pads, strides: node.strides,
        }));
        break;
      case 'globalavgpool':
        if (node.keepDims) nodes.push(makeNode(op, ins, [out], name));
        else {
          nodes.push(makeNode(op, ins, [`${out}_4d`], name));
          nodes.push(makeNode('Flatten', [`${out}_4d`], [out], `${name}_flatten`, { axis: 1 }));
        }
        break;
      case 'flatten': {
        const s = shapes.get(node.inputs[0])!;
        nodes.push(makeNode(op, ins, [out], name, { axis: 1 }));
        if (s.length === 3) flatFrom.set(node.output, s as [number, number, number]);
        break;
      }
      case 'dense': {
        const w = graph.params[node.weight];
        const [inF, outF] = w.shape;
        const flat = flatFrom.get(node.inputs[0]);
        const rows = flat && flat[0] * flat[1] > 1 ? permuteFlatRows(w.data, flat, outF, true) : w.data;
        const inputs = [ins[0], init(node.weight, [outF, inF], transpose2d(rows, inF, outF))];
        if (node.bias) inputs.push(init(node.bias, [outF], graph.params[node.bias].data));
        nodes.push(makeNode('Gemm', inputs, [out], name, { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }));
        break;
      }
      case 'pad': {
        const [t, l, b, r] = node.pads;
        const padsName = anon('Pad');
        inits.push(int64Tensor(padsName, [0, 0, t, l, 0, 0, b, r]));
        const valName = init(anon('Pad'), [], Float32Array.of(node.value));
        nodes.push(makeNode(op, [ins[0], padsName, valName], [out], name, { mode: 'constant' }));
        break;
      }
      case 'concat': {
        const rank = shapes.get(node.inputs[0])!.length + 1;
        nodes.push(makeNode(op, ins, [out], name, { axis: rank === 4 && node.axis === 3 ? 1 : node.axis }));
        break;
      }
    }
  }
  const [h, w, c] = graph.input.shape;
  const outShape = shapes.get(graph.output)!;
  return buildModelBytes({
    nodes,
    initializers: inits,
    inputs: [tensorValueInfo(inputName, ['batch', c, h ?? 'height', w ?? 'width'])],
    outputs: [tensorValueInfo(tensorName.get(graph.output)!, ['batch', ...outShape.map((d, i) => d ?? `d${i}`)])],
    producer: 'pytorch',
    opset: 13,
  });
}

// ---------------------------------------------------------------------------------------
// TF.js layers with Keras application names
// ---------------------------------------------------------------------------------------

/**
 * Keras application names for an IR graph, found from its structure: ResNet
 * (`conv1_conv`, `conv3_block4_2_conv`, `conv3_block4_out`, `avg_pool`, `predictions`) when
 * the graph has residual adds, else VGG (`block3_conv2`, `block3_pool`, `fc1`, `predictions`).
 */
export function kerasNames(graph: Graph): { names: Map<string, string>; fuseRelu: boolean } {
  const names = new Map<string, string>();
  const producer = new Map(graph.nodes.map((n) => [n.output, n]));
  const readers = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const adds = graph.nodes.filter((n) => n.op === 'add');
  const denses = graph.nodes.filter((n) => n.op === 'dense');
  const head = (n: GraphNode) => {
    if (n.op === 'dense') names.set(n.name, n === denses[denses.length - 1] ? 'predictions' : `fc${denses.indexOf(n) + 1}`);
    else if (n.op === 'globalavgpool') names.set(n.name, 'avg_pool');
    else if (n.op === 'flatten') names.set(n.name, 'flatten');
    else if (n.op === 'softmax' || n.op === 'sigmoid') names.set(n.name, `predictions_${n.op}`);
  };
  if (adds.length === 0) {
    let block = 1;
    let conv = 0;
    for (const n of graph.nodes) {
      if (n.op === 'conv2d') names.set(n.name, `block${block}_conv${++conv}`);
      else if (n.op === 'maxpool') {
        names.set(n.name, `block${block}_pool`);
        block++;
        conv = 0;
      } else head(n);
    }
    return { names, fuseRelu: true };
  }
  // ResNet: stem, blocks (each ends at an add and its ReLU), head
  const idx = new Map(graph.nodes.map((n, i) => [n.name, i]));
  let start = 0;
  let stage = 1;
  let block = 0;
  for (const add of adds) {
    const r = readers.get(add.output) ?? [];
    const end = r.length === 1 && r[0].op === 'relu' ? r[0] : add;
    const members = graph.nodes.slice(start, idx.get(end.name)! + 1);
    const inBlock = new Set(members.map((m) => m.name));
    const ancestors = (t: string): Set<string> => {
      const out = new Set<string>();
      const stack = [t];
      while (stack.length) {
        const p = producer.get(stack.pop()!);
        if (p && inBlock.has(p.name) && !out.has(p.name)) {
          out.add(p.name);
          stack.push(...p.inputs);
        }
      }
      return out;
    };
    const [a0, a1] = add.inputs.map(ancestors);
    // common ancestors are the stem (first block only), not part of either branch
    const common = new Set([...a0].filter((m) => a1.has(m)));
    for (const m of common) {
      a0.delete(m);
      a1.delete(m);
    }
    const [main, short] = a0.size >= a1.size ? [a0, a1] : [a1, a0];
    const projection = short.size > 0;
    if (stage === 1 || projection) {
      stage++;
      block = 0;
    }
    block++;
    const pre = `conv${stage}_block${block}`;
    let k = 0;
    for (const m of members) {
      if (m === add) names.set(m.name, `${pre}_add`);
      else if (m === end) names.set(m.name, `${pre}_out`);
      else if (short.has(m.name)) names.set(m.name, `${pre}_0_${m.op === 'conv2d' ? 'conv' : m.op === 'batchnorm' ? 'bn' : m.op}`);
      else if (main.has(m.name)) {
        if (m.op === 'conv2d') k++;
        names.set(m.name, `${pre}_${k}_${m.op === 'conv2d' ? 'conv' : m.op === 'batchnorm' ? 'bn' : m.op}`);
      } else if (block === 1 && stage === 2) stem(m);
    }
    start = idx.get(end.name)! + 1;
  }
  function stem(m: GraphNode): void {
    const map: Partial<Record<GraphNode['op'], string>> = { conv2d: 'conv1_conv', batchnorm: 'conv1_bn', relu: 'conv1_relu', maxpool: 'pool1_pool' };
    if (map[m.op]) names.set(m.name, map[m.op]!);
  }
  for (const n of graph.nodes.slice(start)) head(n);
  return { names, fuseRelu: false };
}

/**
 * Builds a tf.layers model computing the same function as `graph`, with Keras names and the
 * graph's weights. Explicit pads become ZeroPadding2D + 'valid' (or 'same' where TF's 'same'
 * is the same thing); pooling pads become zero padding, which equals ONNX's −∞ padding only
 * on non-negative inputs (true after a ReLU, as in every ResNet stem).
 */
export function graphToKeras(graph: Graph, opts: { keepNames?: boolean } = {}): tf.LayersModel {
  const { names, fuseRelu } = opts.keepNames ? { names: new Map<string, string>(), fuseRelu: false } : kerasNames(graph);
  const used = new Set<string>();
  const kname = (n: GraphNode) => {
    let s = names.get(n.name) ?? n.name.replace(/[^A-Za-z0-9_]/g, '_');
    for (let k = 2; used.has(s); k++) s = `${names.get(n.name) ?? n.name.replace(/[^A-Za-z0-9_]/g, '_')}_${k}`;
    used.add(s);
    return s;
  };
  const readers = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const [h, w, c] = graph.input.shape;
  const input = tf.input({ shape: [h, w, c], name: 'input_1' });
  const sym = new Map<string, tf.SymbolicTensor>([[graph.input.name, input]]);
  const skip = new Set<string>();
  const weights: [tf.layers.Layer, tf.Tensor[]][] = [];
  const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;
  const padName = (base: string) => (base.endsWith('_conv') || base.endsWith('_pool') ? base.replace(/_(conv|pool)$/, '_pad') : `${base}_pad`);

  for (const n of graph.nodes) {
    if (skip.has(n.name)) continue;
    const x = sym.get(n.inputs[0])!;
    const name = kname(n);
    // VGG fuses ReLUs into its convs/denses; every Keras classifier fuses its output softmax
    const after = n.op === 'conv2d' || n.op === 'dense' ? (readers.get(n.output) ?? []) : [];
    const fusable = after.length === 1 && ((fuseRelu && after[0].op === 'relu') || (n.op === 'dense' && (after[0].op === 'softmax' || after[0].op === 'sigmoid')));
    const act = fusable ? after[0] : null;
    if (act) skip.add(act.name);
    const activation = (act?.op ?? 'linear') as 'relu' | 'softmax' | 'sigmoid' | 'linear';
    const outTensor = act ? act.output : n.output;
    let y: tf.SymbolicTensor;
    switch (n.op) {
      case 'conv2d': {
        const wt = graph.params[n.weight];
        const [kh, kw, , co] = wt.shape;
        const [t, l, b, r] = n.pads;
        if ((n.groups ?? 1) > 1) {
          // a depthwise conv: Keras' kernel [kh, kw, C, m] holds the same values as [kh, kw, 1, C·m]
          if (wt.shape[2] !== 1) throw new Error(`graphToKeras: ${n.name}: only depthwise grouped convs have a Keras layer`);
          const g = n.groups as number;
          let xin = x;
          if (t + l + b + r > 0) xin = apply(tf.layers.zeroPadding2d({ padding: [[t, b], [l, r]], name: padName(name) }), x);
          const layer = tf.layers.depthwiseConv2d({ kernelSize: [kh, kw], strides: n.strides, depthMultiplier: co / g, padding: 'valid', useBias: n.bias != null, activation, name });
          y = apply(layer, xin);
          weights.push([layer, [tf.tensor(wt.data, [kh, kw, g, co / g]), ...(n.bias ? [tf.tensor(graph.params[n.bias].data)] : [])]]);
          break;
        }
        const sameOk = n.strides[0] === 1 && n.strides[1] === 1 && t === b && l === r && 2 * t === (kh - 1) * n.dilations[0] && 2 * l === (kw - 1) * n.dilations[1];
        let xin = x;
        let padding: 'same' | 'valid' = 'valid';
        if (sameOk && t + l > 0) padding = 'same';
        else if (t + l + b + r > 0) xin = apply(tf.layers.zeroPadding2d({ padding: [[t, b], [l, r]], name: padName(name) }), x);
        const layer = tf.layers.conv2d({
          filters: co, kernelSize: [kh, kw], strides: n.strides, dilationRate: n.dilations, padding,
          useBias: n.bias != null, activation, name,
        });
        y = apply(layer, xin);
        weights.push([layer, [tf.tensor(wt.data, wt.shape), ...(n.bias ? [tf.tensor(graph.params[n.bias].data)] : [])]]);
        break;
      }
      case 'dense': {
        const wt = graph.params[n.weight];
        const layer = tf.layers.dense({ units: wt.shape[1], useBias: n.bias != null, activation, name });
        y = apply(layer, x);
        weights.push([layer, [tf.tensor(wt.data, wt.shape), ...(n.bias ? [tf.tensor(graph.params[n.bias].data)] : [])]]);
        break;
      }
      case 'batchnorm': {
        const layer = tf.layers.batchNormalization({ epsilon: n.epsilon, name });
        y = apply(layer, x);
        weights.push([layer, [n.gamma, n.beta, n.mean, n.variance].map((k) => tf.tensor(graph.params[k].data))]);
        break;
      }
      case 'relu':
      case 'sigmoid':
      case 'softmax':
        y = apply(tf.layers.activation({ activation: n.op, name }), x);
        break;
      case 'identity':
        y = x;
        break;
      case 'activation':
        y = apply(kerasActivation(n, name), x);
        break;
      case 'mul':
        y = apply(tf.layers.multiply({ name }), [x, sym.get(n.inputs[1])!]);
        break;
      case 'layernorm': {
        const layer = tf.layers.layerNormalization({ axis: -1, epsilon: n.epsilon, name, center: n.beta != null, scale: n.gamma != null });
        y = apply(layer, x);
        weights.push([layer, [n.gamma, n.beta].filter((p): p is string => p != null).map((p) => tf.tensor(graph.params[p].data))]);
        break;
      }
      case 'reshape':
        y = apply(tf.layers.reshape({ targetShape: n.shape, name }), x);
        break;
      case 'add':
        y = apply(tf.layers.add({ name }), n.inputs.map((i) => sym.get(i)!));
        break;
      case 'concat':
        y = apply(tf.layers.concatenate({ axis: -1, name }), n.inputs.map((i) => sym.get(i)!));
        break;
      case 'maxpool':
      case 'avgpool': {
        const [t, l, b, r] = n.pads;
        let xin = x;
        if (t + l + b + r > 0) {
          if (n.op === 'avgpool' && !n.countIncludePad) throw new Error(`graphToKeras: ${n.name}: padded avgpool without count_include_pad has no Keras equivalent`);
          xin = apply(tf.layers.zeroPadding2d({ padding: [[t, b], [l, r]], name: padName(name) }), x);
        }
        const cfg = { poolSize: n.kernel, strides: n.strides, padding: 'valid' as const, name };
        y = apply(n.op === 'maxpool' ? tf.layers.maxPooling2d(cfg) : tf.layers.averagePooling2d(cfg), xin);
        break;
      }
      case 'globalavgpool': {
        // Keras' GAP drops the 1×1 dims; a following flatten is then a no-op
        y = apply(tf.layers.globalAveragePooling2d({ name }), x);
        if (n.keepDims) for (const r of readers.get(n.output) ?? []) if (r.op === 'flatten') { skip.add(r.name); sym.set(r.output, y); }
        break;
      }
      case 'flatten':
        y = apply(tf.layers.flatten({ name }), x);
        break;
      case 'pad':
        if (n.value !== 0) throw new Error(`graphToKeras: ${n.name}: non-zero pad value`);
        y = apply(tf.layers.zeroPadding2d({ padding: [[n.pads[0], n.pads[2]], [n.pads[1], n.pads[3]]], name }), x);
        break;
      default:
        throw new Error(`graphToKeras: ${n.name}: no Keras layer written for ${n.op}`);
    }
    sym.set(outTensor, y);
  }
  const model = tf.model({ inputs: input, outputs: sym.get(graph.output)!, name: 'model' });
  for (const [layer, ws] of weights) {
    layer.setWeights(ws);
    tf.dispose(ws);
  }
  return model;
}

/** the Keras layer of an IR activation: ReLU(max_value=6), LeakyReLU, ELU, or Activation('swish' | 'hardSigmoid' | …) */
function kerasActivation(n: Extract<GraphNode, { op: 'activation' }>, name: string): tf.layers.Layer {
  switch (n.fn) {
    case 'clip':
      if (n.alpha !== 0 || n.beta === undefined) throw new Error(`graphToKeras: ${n.name}: only clip(0, max) is a Keras ReLU`);
      return tf.layers.reLU({ maxValue: n.beta, name });
    case 'leakyrelu':
      return tf.layers.leakyReLU({ alpha: n.alpha ?? 0.3, name });
    case 'elu':
      return tf.layers.elu({ alpha: n.alpha ?? 1, name });
    case 'hardsigmoid':
      if ((n.alpha ?? 0.2) !== 0.2 || (n.beta ?? 0.5) !== 0.5) throw new Error(`graphToKeras: ${n.name}: Keras' hard_sigmoid is clip(0.2x + 0.5, 0, 1)`);
      return tf.layers.activation({ activation: 'hardSigmoid', name });
    case 'silu':
      return tf.layers.activation({ activation: 'swish', name });
    case 'gelu':
      return tf.layers.activation({ activation: 'gelu', name });
    case 'gelu-tanh':
      return tf.layers.activation({ activation: 'gelu_new', name });
    case 'mish':
    case 'tanh':
    case 'softplus':
      return tf.layers.activation({ activation: n.fn, name });
    default:
      throw new Error(`graphToKeras: ${n.name}: no Keras layer for ${n.fn}`);
  }
}

/** Saves a tf.layers model as model.json + weights.bin in `dir`; returns the model.json path. */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'model.json');
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const data = a.weightData instanceof ArrayBuffer ? new Uint8Array(a.weightData) : new Uint8Array(await new Blob((a.weightData ?? []) as ArrayBuffer[]).arrayBuffer());
      await writeFile(path.join(dir, 'weights.bin'), data);
      const json = {
        format: 'layers-model',
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy ?? null,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      };
      await writeFile(file, JSON.stringify(json));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return file;
}
