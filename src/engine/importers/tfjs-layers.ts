// TF.js layers model (model.json topology + decoded weights) → engine IR.
//
// Reads the Keras topology that tensorflowjs_converter and TF.js `model.save` write
// (Functional and Sequential, Keras 2 and Keras 3 inbound-node formats, nested models).
// Naming: a Keras layer's output tensor is called like the layer (`conv3_block4_out`).
// A fused activation (Conv2D/Dense `activation: 'relu'`) is split at import into a
// separate node — canonizer work in spirit, done here so every rule sees plain ops: the
// conv/dense node keeps the layer's name and writes `<layer>/preact`, the activation node
// `<layer>/<activation>` writes the layer's tensor. 'same' padding becomes explicit pads
// computed the TF way (the extra pixel at the bottom/right).
import { StudioError } from '../../contract/errors.ts';
import type { ActivationFn, Graph, GraphNode, Pads, Param } from '../ir.ts';
import { nodeOutputShape, type Shape } from './shapes.ts';
import { gateOperands, tfSamePads, UniqueNames, windowProblem } from './shared.ts';
import type { NamedWeight } from './tfjs-weights.ts';

type Json = Record<string, unknown>;

interface KerasLayer {
  class_name: string;
  name: string;
  config: Json;
  inbound_nodes?: unknown[];
}

/** [layer, call index, output index] as Keras records a layer input. */
type TensorRef = [string, number, number];

export const SUPPORTED_KERAS_LAYERS = [
  'InputLayer', 'Conv2D', 'DepthwiseConv2D', 'BatchNormalization', 'LayerNormalization', 'Activation',
  'ReLU', 'LeakyReLU', 'ELU', 'Softmax', 'Add', 'Multiply', 'MaxPooling2D', 'AveragePooling2D',
  'GlobalAveragePooling2D', 'ZeroPadding2D', 'Dense', 'Flatten', 'Dropout', 'SpatialDropout2D',
  'Concatenate', 'Reshape', 'Permute', 'Rescaling', 'Functional', 'Model', 'Sequential',
] as const;

/** an IR activation node's op and fields (without name / inputs / output) */
type ActivationSpec = { op: 'relu' | 'sigmoid' | 'softmax' | 'identity' } | { op: 'activation'; fn: ActivationFn; alpha?: number; beta?: number };

const ACTIVATION_NAMES = 'relu, relu6, sigmoid, softmax, linear, swish/silu, hard_sigmoid, hard_swish, gelu, elu, leaky_relu, tanh, softplus, mish';

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function importTfjsLayers(modelJson: unknown, weights: Map<string, NamedWeight>, file: string): Graph {
  if (!isObj(modelJson) || !isObj(modelJson.modelTopology)) {
    throw new StudioError('BAD_REQUEST', `${file}: not a TF.js layers model (no modelTopology)`);
  }
  let topo = modelJson.modelTopology;
  if (isObj(topo.model_config)) topo = topo.model_config;
  return new KerasImporter(weights, file).run(topo);
}

class KerasImporter {
  private readonly nodes: GraphNode[] = [];
  private readonly params: Record<string, Param> = {};
  private readonly shapes = new Map<string, Shape>();
  private readonly nodeNames = new UniqueNames();
  private readonly tensorNames = new UniqueNames();
  private readonly byKey = new Map<string, string>();
  private input: Graph['input'] | null = null;

  constructor(
    private readonly weights: Map<string, NamedWeight>,
    private readonly file: string,
  ) {
    // weight names as written by various converters: `conv1/kernel`, `model/conv1/kernel:0`,
    // `conv1/kernel_1` (TF.js de-duplication) — index them by `<layer>/<variable>`
    for (const name of weights.keys()) {
      const parts = name.replace(/:\d+$/, '').split('/');
      if (parts.length < 2) continue;
      const layer = parts[parts.length - 2];
      const v = parts[parts.length - 1];
      for (const key of [`${layer}/${v}`, `${layer}/${v.replace(/_\d+$/, '')}`]) if (!this.byKey.has(key)) this.byKey.set(key, name);
    }
  }

  run(topo: Json): Graph {
    const outs = this.model(String(topo.class_name), topo.config, null, 'model');
    if (!this.input) throw new StudioError('BAD_REQUEST', `${this.file}: the model declares no input layer`);
    return {
      source: { format: 'tfjs-layers', file: this.file },
      input: this.input,
      output: outs[0],
      nodes: this.nodes,
      params: this.params,
    };
  }

  private fail(layer: KerasLayer, problem: string): never {
    throw new StudioError('BAD_REQUEST', `${this.file}: layer "${layer.name}" (${layer.class_name}): ${problem}`);
  }

  // ---- models -------------------------------------------------------------------------------

  /** Converts a (possibly nested) model; `inputs` are IR tensors when nested. Returns its outputs. */
  private model(className: string, config: unknown, inputs: string[] | null, name: string): string[] {
    if (className === 'Sequential') return this.sequential(config, inputs, name);
    if (className !== 'Functional' && className !== 'Model') {
      throw new StudioError('BAD_REQUEST', `${this.file}: model "${name}" has class ${className}; expected Functional, Model or Sequential`);
    }
    if (!isObj(config) || !Array.isArray(config.layers)) throw new StudioError('BAD_REQUEST', `${this.file}: model "${name}" has no layers`);
    const layers = (config.layers as KerasLayer[]).map(named);
    const tensors = new Map<string, string>(); // `${layer}:${call}:${index}` → IR tensor
    const inputLayers = refs(config.input_layers).map((r) => r[0]);
    inputLayers.forEach((layerName, k) => {
      const layer = layers.find((l) => l.name === layerName);
      if (!layer) throw new StudioError('BAD_REQUEST', `${this.file}: model "${name}" names input layer ${layerName}, which it does not define`);
      tensors.set(`${layerName}:0:0`, inputs ? inputs[k] : this.graphInput(layer));
    });
    // layers in config order are topological in practice; loop until all calls resolve to be safe
    const pending = layers.flatMap((layer) =>
      layer.class_name === 'InputLayer' ? [] : calls(layer).map((args, k) => ({ layer, args, k })),
    );
    // TF.js numbers a nested model's calls from 1 (its node 0 is its own creation), while its
    // inbound_nodes list has only the calls: a layer called once answers any node index
    const once = new Set(layers.filter((l) => (l.inbound_nodes ?? []).length === 1).map((l) => l.name));
    const key = (r: TensorRef) => (once.has(r[0]) ? `${r[0]}:0:${r[2]}` : r.join(':'));
    while (pending.length > 0) {
      const idx = pending.findIndex((p) => p.args.every((r) => tensors.has(key(r))));
      if (idx < 0) {
        const p = pending[0];
        throw new StudioError('BAD_REQUEST', `${this.file}: layer "${p.layer.name}" reads ${p.args.map((r) => r[0]).join(', ')}, which no layer produces`);
      }
      const { layer, args, k } = pending.splice(idx, 1)[0];
      const ins = args.map((r) => tensors.get(key(r))!);
      const outs = this.layer(layer, ins, k);
      outs.forEach((t, j) => tensors.set(`${layer.name}:${k}:${j}`, t));
    }
    return refs(config.output_layers).map((r) => {
      const t = tensors.get(key(r));
      if (!t) throw new StudioError('BAD_REQUEST', `${this.file}: model "${name}" output ${r[0]} is never computed`);
      return t;
    });
  }

  private sequential(config: unknown, inputs: string[] | null, name: string): string[] {
    const raw = (Array.isArray(config) ? config : isObj(config) ? config.layers : null) as KerasLayer[] | null;
    const layers = raw?.map(named);
    if (!layers || layers.length === 0) throw new StudioError('BAD_REQUEST', `${this.file}: model "${name}" has no layers`);
    let x = inputs ? inputs[0] : this.graphInput(layers[0]);
    for (const layer of layers) {
      if (layer.class_name === 'InputLayer') continue;
      x = this.layer(layer, [x], 0)[0];
    }
    return [x];
  }

  private graphInput(layer: KerasLayer): string {
    const c = layer.config;
    const shape = (c.batch_input_shape ?? c.batch_shape ?? (c.input_shape ? [null, ...(c.input_shape as unknown[])] : null)) as (number | null)[] | null;
    if (!shape) this.fail(layer, 'declares no input shape');
    if (shape.length !== 4) this.fail(layer, `the input must be an image batch [N, H, W, C], got rank ${shape.length}`);
    if (shape[3] == null) this.fail(layer, 'the input leaves the channel count free');
    if (this.input) this.fail(layer, 'models with several inputs are not supported');
    const name = this.tensorNames.take(layer.name);
    this.input = { name, shape: [shape[1], shape[2], shape[3]] };
    this.shapes.set(name, [shape[1], shape[2], shape[3]]);
    return name;
  }

  // ---- layers -------------------------------------------------------------------------------

  private weight(layer: KerasLayer, v: string, required = true): string | undefined {
    const name = this.weights.has(`${layer.name}/${v}`) ? `${layer.name}/${v}` : this.byKey.get(`${layer.name}/${v}`);
    if (!name) {
      if (required) this.fail(layer, `weight ${layer.name}/${v} is missing from the weights manifest`);
      return undefined;
    }
    const w = this.weights.get(name)!;
    const pname = `${layer.name}/${v}`;
    this.params[pname] = { shape: w.shape, data: w.data };
    return pname;
  }

  private emit(layer: KerasLayer, node: GraphNode): string {
    let shape: Shape;
    try {
      shape = nodeOutputShape(node, node.inputs.map((i) => this.shapes.get(i)!), this.params);
    } catch (e) {
      this.fail(layer, (e as Error).message);
    }
    this.nodes.push(node);
    this.shapes.set(node.output, shape);
    return node.output;
  }

  /**
   * Emits the layer's main node plus its activation (if not linear). `make` receives the
   * node name and output tensor name to use.
   */
  private withActivation(layer: KerasLayer, k: number, make: (name: string, out: string) => GraphNode): string {
    const base = k === 0 ? layer.name : `${layer.name}_call${k}`;
    const act = activation(layer.config.activation);
    if (act === null) this.fail(layer, `activation ${JSON.stringify(layer.config.activation)} is not supported (${ACTIVATION_NAMES})`);
    if (act.op === 'identity') return this.emit(layer, make(this.nodeNames.take(base), this.tensorNames.take(base)));
    const pre = this.emit(layer, make(this.nodeNames.take(base), this.tensorNames.take(`${base}/preact`)));
    if (act.op === 'softmax' && this.shapes.get(pre)!.length !== 1) this.fail(layer, 'softmax is supported only on [N, K] outputs');
    const label = act.op === 'activation' ? act.fn : act.op;
    return this.emit(layer, { ...act, name: this.nodeNames.take(`${base}/${label}`), inputs: [pre], output: this.tensorNames.take(base) } as GraphNode);
  }

  private spatial(layer: KerasLayer, x: string): Shape {
    const s = this.shapes.get(x)!;
    if (s.length !== 3) this.fail(layer, `needs an image-shaped input [N, H, W, C], got rank ${s.length + 1}`);
    const fmt = layer.config.data_format;
    if (fmt != null && fmt !== 'channels_last') this.fail(layer, `data_format ${String(fmt)} is not supported; only channels_last`);
    return s;
  }

  /** a checked window attribute: strides, dilation_rate, pool_size (whole numbers from 1) or padding (from 0) */
  private window<T extends readonly number[]>(layer: KerasLayer, attr: string, values: T, min: 0 | 1): T {
    const problem = windowProblem(attr, values, min);
    if (problem) this.fail(layer, problem);
    return values;
  }

  private padding(layer: KerasLayer, s: Shape, k: [number, number], st: [number, number], d: [number, number]): Pads {
    const p = layer.config.padding ?? 'valid';
    if (p === 'valid') return [0, 0, 0, 0];
    if (p !== 'same') this.fail(layer, `padding ${String(p)} is not supported`);
    const pads = tfSamePads(s[0], s[1], k, st, d);
    if (!pads) this.fail(layer, "padding 'same' with stride > 1 needs a fixed input size; the model leaves it free");
    return pads;
  }

  private layer(layer: KerasLayer, ins: string[], k: number): string[] {
    const c = layer.config;
    const x = ins[0];
    const simple = (op: 'relu' | 'identity' | 'softmax' | 'sigmoid', inputs = [x]) => {
      const [n, o] = this.take(layer, k);
      return [this.emit(layer, { op, name: n, inputs, output: o })];
    };
    const act = (spec: ActivationSpec) => {
      const [n, o] = this.take(layer, k);
      return [this.emit(layer, { ...spec, name: n, inputs: [x], output: o } as GraphNode)];
    };
    switch (layer.class_name) {
      case 'Conv2D':
      case 'DepthwiseConv2D': {
        const s = this.spatial(layer, x);
        const depthwise = layer.class_name === 'DepthwiseConv2D';
        const weight = this.weight(layer, depthwise ? 'depthwise_kernel' : 'kernel')!;
        const bias = c.use_bias === false ? undefined : this.weight(layer, 'bias');
        const w = this.params[weight].shape;
        // a depthwise kernel [kh, kw, C, m] holds output channel c·m + j at (c, j): the same
        // values as a grouped conv's [kh, kw, 1, C·m] with C groups
        if (depthwise) this.params[weight] = { shape: [w[0], w[1], 1, w[2] * w[3]], data: this.params[weight].data };
        const groups = depthwise ? w[2] : Number(c.groups ?? 1);
        const cig = depthwise ? 1 : w[2];
        const strides = this.window(layer, 'strides', pair(c.strides, 1), 1);
        const dilations = this.window(layer, 'dilation_rate', pair(c.dilation_rate, 1), 1);
        if (s[2] != null && cig * groups !== s[2]) this.fail(layer, `kernel expects ${cig * groups} input channels, the input has ${s[2]}`);
        const pads = this.padding(layer, s, [w[0], w[1]], strides, dilations);
        return [this.withActivation(layer, k, (name, output) => ({ op: 'conv2d', name, inputs: [x], output, weight, bias, strides, pads, dilations, ...(groups > 1 ? { groups } : {}) }))];
      }
      case 'LayerNormalization': {
        const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
        const rank = this.shapes.get(x)!.length + 1;
        if (axis.length !== 1 || ((axis[0] as number) !== -1 && (axis[0] as number) !== rank - 1)) this.fail(layer, `only normalisation over the channels is supported, got axis ${JSON.stringify(c.axis)}`);
        const gamma = c.scale === false ? undefined : this.weight(layer, 'gamma');
        const beta = c.center === false ? undefined : this.weight(layer, 'beta');
        const [n, o] = this.take(layer, k);
        return [this.emit(layer, { op: 'layernorm', name: n, inputs: [x], output: o, gamma, beta, epsilon: typeof c.epsilon === 'number' ? c.epsilon : 1e-3 })];
      }
      case 'Multiply': {
        if (ins.length !== 2) this.fail(layer, `a product of ${ins.length} tensors is supported only for two (a gate and its signal)`);
        const pairs = gateOperands(ins[0], ins[1], (t) => this.shapes.get(t)!, (t) => this.nodes.find((m) => m.output === t));
        if (!pairs) this.fail(layer, 'multiplies two feature maps that are not a gate (a squeeze-excitation scale or an activation of the other input) and its signal');
        const [n, o] = this.take(layer, k);
        return [this.emit(layer, { op: 'mul', name: n, inputs: pairs, output: o })];
      }
      case 'Rescaling': {
        // y = x·scale + offset (Keras applications normalise inside the model)
        const [n, o] = this.take(layer, k);
        const scale = this.constParam(`${layer.name}/scale`, 1, Number(c.scale ?? 1));
        const shift = this.constParam(`${layer.name}/offset`, 1, Number(c.offset ?? 0));
        return [this.emit(layer, { op: 'affine', name: n, inputs: [x], output: o, scale, shift })];
      }
      case 'Permute': {
        const dims = (c.dims as number[] | undefined) ?? [];
        if (dims.every((d, i) => d === i + 1)) return simple('identity');
        return this.fail(layer, `only the identity permutation is supported on channels-last maps, got dims ${JSON.stringify(dims)}`);
      }
      case 'LeakyReLU':
        return act({ op: 'activation', fn: 'leakyrelu', alpha: Number(c.alpha ?? c.negative_slope ?? 0.3) });
      case 'ELU':
        return act({ op: 'activation', fn: 'elu', alpha: Number(c.alpha ?? 1) });
      case 'Dense': {
        if (this.shapes.get(x)!.length !== 1) this.fail(layer, 'Dense on an image-shaped tensor is not supported; add a Flatten or GlobalAveragePooling2D');
        const weight = this.weight(layer, 'kernel')!;
        const bias = c.use_bias === false ? undefined : this.weight(layer, 'bias');
        return [this.withActivation(layer, k, (name, output) => ({ op: 'dense', name, inputs: [x], output, weight, bias }))];
      }
      case 'BatchNormalization': {
        const axis = Array.isArray(c.axis) ? c.axis : [c.axis ?? -1];
        const rank = this.shapes.get(x)!.length + 1;
        if (axis.length !== 1 || ((axis[0] as number) !== -1 && (axis[0] as number) !== rank - 1)) this.fail(layer, `only the channel axis is supported, got axis ${JSON.stringify(c.axis)}`);
        const mean = this.weight(layer, 'moving_mean')!;
        const variance = this.weight(layer, 'moving_variance')!;
        const ch = this.params[mean].shape[0];
        // scale=false / center=false: Keras has no gamma / beta; store the neutral values
        const gamma = c.scale === false ? this.constParam(`${layer.name}/gamma`, ch, 1) : this.weight(layer, 'gamma')!;
        const beta = c.center === false ? this.constParam(`${layer.name}/beta`, ch, 0) : this.weight(layer, 'beta')!;
        const epsilon = typeof c.epsilon === 'number' ? c.epsilon : 1e-3;
        const [n, o] = this.take(layer, k);
        return [this.emit(layer, { op: 'batchnorm', name: n, inputs: [x], output: o, gamma, beta, mean, variance, epsilon })];
      }
      case 'Activation': {
        const spec = activation(c.activation);
        if (spec === null) this.fail(layer, `activation ${JSON.stringify(c.activation)} is not supported (${ACTIVATION_NAMES})`);
        if (spec.op === 'softmax' && this.shapes.get(x)!.length !== 1) this.fail(layer, 'softmax is supported only on [N, K] tensors');
        return act(spec);
      }
      case 'ReLU': {
        const max = c.max_value ?? null;
        const slope = Number(c.negative_slope ?? 0);
        if (Number(c.threshold ?? 0) !== 0 || (max !== null && slope !== 0)) this.fail(layer, 'a ReLU with a threshold, or with both max_value and negative_slope, is not supported');
        if (max !== null) return act({ op: 'activation', fn: 'clip', alpha: 0, beta: Number(max) });
        if (slope !== 0) return act({ op: 'activation', fn: 'leakyrelu', alpha: slope });
        return simple('relu');
      }
      case 'Softmax':
        if (this.shapes.get(x)!.length !== 1) this.fail(layer, 'softmax is supported only on [N, K] tensors');
        return simple('softmax');
      case 'Dropout':
      case 'SpatialDropout2D':
        return simple('identity');
      case 'Add': {
        if (ins.length < 2) this.fail(layer, 'needs at least two inputs');
        // Keras Add takes any number of inputs; the IR adds two at a time
        let acc = ins[0];
        for (let j = 1; j < ins.length; j++) {
          const last = j === ins.length - 1;
          const base = k === 0 ? layer.name : `${layer.name}_call${k}`;
          const n = this.nodeNames.take(last ? base : `${base}/partial${j}`);
          const o = this.tensorNames.take(last ? base : `${base}/partial${j}`);
          acc = this.emit(layer, { op: 'add', name: n, inputs: [acc, ins[j]], output: o });
        }
        return [acc];
      }
      case 'Concatenate': {
        const rank = this.shapes.get(x)!.length + 1;
        const axis = (c.axis as number | undefined) ?? -1;
        if (axis !== -1 && axis !== rank - 1) this.fail(layer, `only concatenation along channels is supported, got axis ${axis}`);
        const [n, o] = this.take(layer, k);
        return [this.emit(layer, { op: 'concat', name: n, inputs: ins, output: o, axis: rank - 1 })];
      }
      case 'MaxPooling2D':
      case 'AveragePooling2D': {
        const s = this.spatial(layer, x);
        const kernel = this.window(layer, 'pool_size', pair(c.pool_size, 2), 1);
        const strides = c.strides == null ? kernel : this.window(layer, 'strides', pair(c.strides, 1), 1);
        const pads = this.padding(layer, s, kernel, strides, [1, 1]);
        const [n, o] = this.take(layer, k);
        if (layer.class_name === 'MaxPooling2D') return [this.emit(layer, { op: 'maxpool', name: n, inputs: [x], output: o, kernel, strides, pads })];
        // TF's 'same' average pooling divides by the number of real (unpadded) cells
        return [this.emit(layer, { op: 'avgpool', name: n, inputs: [x], output: o, kernel, strides, pads, countIncludePad: false })];
      }
      case 'GlobalAveragePooling2D': {
        this.spatial(layer, x);
        const [n, o] = this.take(layer, k);
        return [this.emit(layer, { op: 'globalavgpool', name: n, inputs: [x], output: o, keepDims: c.keepdims === true })];
      }
      case 'ZeroPadding2D': {
        this.spatial(layer, x);
        const [[t, b], [l, r]] = zeroPadding(c.padding);
        this.window(layer, 'padding', [t, b, l, r], 0);
        const [n, o] = this.take(layer, k);
        return [this.emit(layer, { op: 'pad', name: n, inputs: [x], output: o, pads: [t, l, b, r], value: 0 })];
      }
      case 'Flatten':
        return this.flatten(layer, x, k);
      case 'Reshape': {
        const s = this.shapes.get(x)!;
        const target = (c.target_shape as number[] | undefined) ?? [];
        const total = s.every((d) => d != null) ? (s as number[]).reduce((a, b) => a * b, 1) : null;
        if (target.length === 1 && (target[0] === -1 || target[0] === total)) return this.flatten(layer, x, k);
        if (s.length === 1 && target.length === 3 && target[0] === 1 && target[1] === 1 && target[2] === s[0]) {
          const [n, o] = this.take(layer, k);
          return [this.emit(layer, { op: 'reshape', name: n, inputs: [x], output: o, shape: [1, 1, target[2]] })];
        }
        return this.fail(layer, `only a flatten and [C] → [1, 1, C] (a squeeze-excitation vector) are supported, got target_shape ${JSON.stringify(target)}`);
      }
      case 'Functional':
      case 'Model':
      case 'Sequential':
        return this.model(layer.class_name, c, ins, layer.name);
      default:
        return this.fail(layer, `unsupported layer class ${layer.class_name} (supported: ${SUPPORTED_KERAS_LAYERS.join(', ')})`);
    }
  }

  private flatten(layer: KerasLayer, x: string, k: number): string[] {
    const [n, o] = this.take(layer, k);
    const op = this.shapes.get(x)!.length === 1 ? 'identity' : 'flatten';
    return [this.emit(layer, { op, name: n, inputs: [x], output: o })];
  }

  /** node and tensor name for call k of a layer (the layer name for its first call) */
  private take(layer: KerasLayer, k: number): [string, string] {
    const base = k === 0 ? layer.name : `${layer.name}_call${k}`;
    return [this.nodeNames.take(base), this.tensorNames.take(base)];
  }

  private constParam(name: string, n: number, value: number): string {
    this.params[name] = { shape: [n], data: new Float32Array(n).fill(value) };
    return name;
  }
}

/** Sequential configs keep a layer's name only inside its config. */
function named(l: KerasLayer): KerasLayer {
  if (!isObj(l) || !isObj(l.config)) throw new StudioError('BAD_REQUEST', `malformed layer entry ${JSON.stringify(l).slice(0, 80)}`);
  return typeof l.name === 'string' ? l : { ...l, name: String(l.config.name ?? l.class_name) };
}

/** Keras activation name → IR node fields; identity for linear; null when unsupported. */
function activation(a: unknown): ActivationSpec | null {
  const raw = isObj(a) ? a.class_name : a; // Keras 3 may serialize activations as objects
  if (raw == null) return { op: 'identity' };
  // TF.js writes camelCase (hardSigmoid), Keras snake_case (hard_sigmoid)
  const name = String(raw).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  const fn = (f: ActivationFn, alpha?: number, beta?: number): ActivationSpec => ({ op: 'activation', fn: f, ...(alpha !== undefined ? { alpha } : {}), ...(beta !== undefined ? { beta } : {}) });
  switch (name) {
    case 'linear':
      return { op: 'identity' };
    case 'relu':
    case 'sigmoid':
    case 'softmax':
      return { op: name };
    case 'relu6':
      return fn('clip', 0, 6);
    case 'swish':
    case 'silu':
      return fn('silu');
    // Keras 2 and TF.js: clip(0.2·x + 0.5, 0, 1); Keras 3 changed it to relu6(x + 3) / 6
    case 'hard_sigmoid':
      return fn('hardsigmoid', 0.2, 0.5);
    case 'hard_swish':
    case 'hard_silu':
      return fn('hardswish', 1 / 6, 0.5);
    case 'gelu':
      return fn('gelu');
    case 'gelu_new':
      return fn('gelu-tanh');
    case 'elu':
      return fn('elu', 1);
    case 'leaky_relu':
      return fn('leakyrelu', 0.2);
    case 'tanh':
      return fn('tanh');
    case 'softplus':
      return fn('softplus');
    case 'mish':
      return fn('mish');
    default:
      return null;
  }
}

function pair(v: unknown, dflt: number): [number, number] {
  if (v == null) return [dflt, dflt];
  if (typeof v === 'number') return [v, v];
  const a = v as number[];
  return [a[0], a[1] ?? a[0]];
}

function zeroPadding(p: unknown): [[number, number], [number, number]] {
  if (typeof p === 'number') return [[p, p], [p, p]];
  const a = (p ?? [1, 1]) as (number | number[])[];
  const axis = (v: number | number[]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  return [axis(a[0]), axis(a[1])];
}

/** input_layers / output_layers: [[name, node, tensor], …] (or one ref). */
function refs(v: unknown): TensorRef[] {
  if (!Array.isArray(v)) return [];
  if (typeof v[0] === 'string') return [[v[0], Number(v[1] ?? 0), Number(v[2] ?? 0)]];
  return v.map((r) => [String(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)]);
}

/** The inputs of each call of a layer, from Keras 2 (nested lists) or Keras 3 (args) format. */
function calls(layer: KerasLayer): TensorRef[][] {
  return (layer.inbound_nodes ?? []).map((node) => {
    if (Array.isArray(node)) return node.map((r) => [String(r[0]), Number(r[1] ?? 0), Number(r[2] ?? 0)] as TensorRef);
    if (isObj(node) && Array.isArray(node.args)) {
      const out: TensorRef[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (isObj(v) && v.class_name === '__keras_tensor__' && isObj(v.config)) {
          const h = v.config.keras_history as unknown[];
          out.push([String(h[0]), Number(h[1] ?? 0), Number(h[2] ?? 0)]);
        }
      };
      walk(node.args);
      return out;
    }
    return [];
  });
}
