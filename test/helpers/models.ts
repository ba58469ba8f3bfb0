// IR graphs built in code for the engine tests and benchmarks: torchvision ResNet-18/34/50/
// 101/152 and VGG-16 layouts with torchvision node names (stem conv1/bn1/relu/maxpool,
// `layer2.3.conv1`, `layer2.0.downsample.0`, avgpool, fc), narrow widths allowed, seeded
// random weights, and BatchNorm with random positive AND negative gammas and random
// running statistics (so a rule that wrongly depends on the BN scale shows up).
// The importer tests write these graphs as ONNX / TF.js files (test/helpers/serialize.ts).
import type { ActivationFn, Graph, GraphNode, Pads, Param } from '../../src/engine/ir.ts';

/** mulberry32: small, seedable, good enough for weights. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BuildOptions {
  /** fraction of BN gammas that are negative (default 0.25); 0 for a BN-fold-exact model */
  negativeGammas?: number;
  seed?: number;
}

/** Appends nodes and parameters; each method returns the name of the tensor it wrote. */
export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly params: Record<string, Param> = {};
  readonly random: () => number;
  private readonly negativeGammas: number;

  constructor(opts: BuildOptions = {}) {
    this.random = prng(opts.seed ?? 1);
    this.negativeGammas = opts.negativeGammas ?? 0.25;
  }

  uniform(n: number, lo: number, hi: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * this.random();
    return out;
  }

  param(name: string, shape: number[], data: Float32Array): string {
    if (this.params[name]) throw new Error(`GraphBuilder: duplicate param ${name}`);
    this.params[name] = { shape, data };
    return name;
  }

  conv(name: string, x: string, cin: number, cout: number, k: number, stride = 1, pad = 0, bias = false, dilation = 1): string {
    const a = Math.sqrt(6 / (cin * k * k)); // He-uniform keeps activations O(1) through depth
    const weight = this.param(`${name}.weight`, [k, k, cin, cout], this.uniform(k * k * cin * cout, -a, a));
    const b = bias ? this.param(`${name}.bias`, [cout], this.uniform(cout, -0.1, 0.1)) : undefined;
    const pads: Pads = [pad, pad, pad, pad];
    this.nodes.push({ op: 'conv2d', name, inputs: [x], output: name, weight, bias: b, strides: [stride, stride], pads, dilations: [dilation, dilation] });
    return name;
  }

  /** grouped conv (depthwise when groups = cin = cout / multiplier): weight [k, k, cin / groups, cout] */
  groupConv(name: string, x: string, cin: number, cout: number, k: number, groups: number, stride = 1, pad = 0, bias = false): string {
    const cig = cin / groups;
    const a = Math.sqrt(6 / (cig * k * k));
    const weight = this.param(`${name}.weight`, [k, k, cig, cout], this.uniform(k * k * cig * cout, -a, a));
    const b = bias ? this.param(`${name}.bias`, [cout], this.uniform(cout, -0.1, 0.1)) : undefined;
    this.nodes.push({ op: 'conv2d', name, inputs: [x], output: name, weight, bias: b, strides: [stride, stride], pads: [pad, pad, pad, pad], dilations: [1, 1], groups });
    return name;
  }

  act(fn: ActivationFn, name: string, x: string, alpha?: number, beta?: number): string {
    this.nodes.push({ op: 'activation', fn, name, inputs: [x], output: name, ...(alpha !== undefined ? { alpha } : {}), ...(beta !== undefined ? { beta } : {}) });
    return name;
  }

  /** y = signal ⊙ gate (the gate broadcasts) */
  mul(name: string, signal: string, gate: string): string {
    this.nodes.push({ op: 'mul', name, inputs: [signal, gate], output: name });
    return name;
  }

  /** y = x·scale + shift per channel (layer scale γ when only `scale`) */
  affine(name: string, x: string, c: number, scale = true, shift = false): string {
    const sc = scale ? this.param(`${name}.scale`, [c], this.uniform(c, 0.2, 1.2)) : undefined;
    const sh = shift ? this.param(`${name}.shift`, [c], this.uniform(c, -0.3, 0.3)) : undefined;
    this.nodes.push({ op: 'affine', name, inputs: [x], output: name, scale: sc, shift: sh });
    return name;
  }

  layernorm(name: string, x: string, c: number): string {
    const gamma = this.param(`${name}.weight`, [c], this.uniform(c, 0.5, 1.5));
    const beta = this.param(`${name}.bias`, [c], this.uniform(c, -0.3, 0.3));
    this.nodes.push({ op: 'layernorm', name, inputs: [x], output: name, gamma, beta, epsilon: 1e-6 });
    return name;
  }

  groupnorm(name: string, x: string, c: number, groups: number): string {
    const gamma = this.param(`${name}.weight`, [c], this.uniform(c, 0.5, 1.5));
    const beta = this.param(`${name}.bias`, [c], this.uniform(c, -0.3, 0.3));
    this.nodes.push({ op: 'groupnorm', name, inputs: [x], output: name, groups, gamma, beta, epsilon: 1e-5 });
    return name;
  }

  /** ShuffleNet's channel shuffle of `groups` groups: y[k] = x[order[k]] */
  shuffle(name: string, x: string, c: number, groups: number): string {
    const per = c / groups;
    const order = Array.from({ length: c }, (_, k) => (k % groups) * per + Math.floor(k / groups));
    this.nodes.push({ op: 'permute', name, inputs: [x], output: name, order });
    return name;
  }

  slice(name: string, x: string, begin: number, size: number): string {
    this.nodes.push({ op: 'slice', name, inputs: [x], output: name, begin, size });
    return name;
  }

  reshape(name: string, x: string, shape: number[]): string {
    this.nodes.push({ op: 'reshape', name, inputs: [x], output: name, shape });
    return name;
  }

  bn(name: string, x: string, c: number): string {
    const gamma = this.uniform(c, 0.5, 1.5);
    for (let i = 0; i < c; i++) if (this.random() < this.negativeGammas) gamma[i] = -gamma[i];
    this.nodes.push({
      op: 'batchnorm',
      name,
      inputs: [x],
      output: name,
      gamma: this.param(`${name}.weight`, [c], gamma),
      beta: this.param(`${name}.bias`, [c], this.uniform(c, -0.3, 0.3)),
      mean: this.param(`${name}.running_mean`, [c], this.uniform(c, -0.3, 0.3)),
      variance: this.param(`${name}.running_var`, [c], this.uniform(c, 0.5, 2)),
      epsilon: 1e-5,
    });
    return name;
  }

  unary(op: 'relu' | 'identity' | 'sigmoid' | 'softmax', name: string, x: string): string {
    this.nodes.push({ op, name, inputs: [x], output: name });
    return name;
  }

  add(name: string, a: string, b: string): string {
    this.nodes.push({ op: 'add', name, inputs: [a, b], output: name });
    return name;
  }

  maxpool(name: string, x: string, k: number, stride: number, pad: number): string {
    this.nodes.push({ op: 'maxpool', name, inputs: [x], output: name, kernel: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad] });
    return name;
  }

  avgpool(name: string, x: string, k: number, stride: number, pad: number, countIncludePad = true): string {
    this.nodes.push({ op: 'avgpool', name, inputs: [x], output: name, kernel: [k, k], strides: [stride, stride], pads: [pad, pad, pad, pad], countIncludePad });
    return name;
  }

  gap(name: string, x: string, keepDims = true): string {
    this.nodes.push({ op: 'globalavgpool', name, inputs: [x], output: name, keepDims });
    return name;
  }

  flatten(name: string, x: string): string {
    this.nodes.push({ op: 'flatten', name, inputs: [x], output: name });
    return name;
  }

  pad(name: string, x: string, pads: Pads, value = 0): string {
    this.nodes.push({ op: 'pad', name, inputs: [x], output: name, pads, value });
    return name;
  }

  concat(name: string, xs: string[], axis = 3): string {
    this.nodes.push({ op: 'concat', name, inputs: xs, output: name, axis });
    return name;
  }

  dense(name: string, x: string, fin: number, fout: number, bias = true): string {
    const a = Math.sqrt(6 / fin);
    const weight = this.param(`${name}.weight`, [fin, fout], this.uniform(fin * fout, -a, a));
    const b = bias ? this.param(`${name}.bias`, [fout], this.uniform(fout, -0.1, 0.1)) : undefined;
    this.nodes.push({ op: 'dense', name, inputs: [x], output: name, weight, bias: b });
    return name;
  }

  graph(input: string, output: string, shape: [number, number, number]): Graph {
    return { source: { format: 'code' }, input: { name: input, shape }, output, nodes: this.nodes, params: this.params };
  }
}

export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

export const RESNET_LAYOUT: Record<ResNetDepth, { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
  101: { blocks: [3, 4, 23, 3], bottleneck: true },
  152: { blocks: [3, 8, 36, 3], bottleneck: true },
};

export interface ResNetOptions extends BuildOptions {
  /** channels of the stem / layer1 planes (torchvision: 64) */
  width?: number;
  /** input height = width (torchvision: 224) */
  size?: number;
  classes?: number;
  /** append a softmax (or sigmoid) node after fc, as a Keras model would */
  outputActivation?: 'softmax' | 'sigmoid';
}

/**
 * torchvision ResNet: conv1 7×7/2 p3, bn1, relu, maxpool 3×3/2 p1, layer1..4, avgpool, fc.
 * Bottleneck has its stride on conv2 (torchvision ≥ 0.3). Block ReLUs are named like the
 * ONNX export names the reused `relu` module: `relu`, `relu_1`, (`relu_2`).
 */
export function resnet(depth: ResNetDepth, opts: ResNetOptions = {}): Graph {
  const width = opts.width ?? 8;
  const size = opts.size ?? 64;
  const classes = opts.classes ?? 10;
  const { blocks, bottleneck } = RESNET_LAYOUT[depth];
  const b = new GraphBuilder({ seed: opts.seed ?? depth, negativeGammas: opts.negativeGammas });
  let x = b.unary('relu', 'relu', b.bn('bn1', b.conv('conv1', 'input', 3, width, 7, 2, 3), width));
  x = b.maxpool('maxpool', x, 3, 2, 1);
  let cin = width;
  const expansion = bottleneck ? 4 : 1;
  blocks.forEach((n, g) => {
    const planes = width * 2 ** g;
    const cout = planes * expansion;
    for (let k = 0; k < n; k++) {
      const pre = `layer${g + 1}.${k}`;
      const stride = k === 0 && g > 0 ? 2 : 1;
      let m: string;
      let last: string;
      if (bottleneck) {
        m = b.unary('relu', `${pre}.relu`, b.bn(`${pre}.bn1`, b.conv(`${pre}.conv1`, x, cin, planes, 1), planes));
        m = b.unary('relu', `${pre}.relu_1`, b.bn(`${pre}.bn2`, b.conv(`${pre}.conv2`, m, planes, planes, 3, stride, 1), planes));
        m = b.bn(`${pre}.bn3`, b.conv(`${pre}.conv3`, m, planes, cout, 1), cout);
        last = `${pre}.relu_2`;
      } else {
        m = b.unary('relu', `${pre}.relu`, b.bn(`${pre}.bn1`, b.conv(`${pre}.conv1`, x, cin, planes, 3, stride, 1), planes));
        m = b.bn(`${pre}.bn2`, b.conv(`${pre}.conv2`, m, planes, cout, 3, 1, 1), cout);
        last = `${pre}.relu_1`;
      }
      const short =
        stride !== 1 || cin !== cout
          ? b.bn(`${pre}.downsample.1`, b.conv(`${pre}.downsample.0`, x, cin, cout, 1, stride), cout)
          : x;
      x = b.unary('relu', last, b.add(`${pre}.add`, m, short));
      cin = cout;
    }
  });
  x = b.flatten('flatten', b.gap('avgpool', x, true));
  let out = b.dense('fc', x, cin, classes);
  if (opts.outputActivation) out = b.unary(opts.outputActivation, opts.outputActivation, out);
  return b.graph('input', out, [size, size, 3]);
}

export interface VggOptions extends BuildOptions {
  /** divides torchvision's channel counts (64…512): width 4 → 4…32 channels */
  width?: number;
  size?: number;
  classes?: number;
  hidden?: number;
}

/**
 * torchvision VGG-16 (`features.N` convs with bias + ReLU, max-pools 2×2/2, classifier.0..6
 * with Dropout as identity). The adaptive 7×7 avgpool is left out: with a 224 input it is
 * an identity, and the tests use small inputs (flatten of the last pool instead).
 */
export function vgg16(opts: VggOptions = {}): Graph {
  const width = opts.width ?? 4;
  const size = opts.size ?? 32;
  const classes = opts.classes ?? 10;
  const hidden = opts.hidden ?? 32;
  const cfg: (number | 'M')[] = [1, 1, 'M', 2, 2, 'M', 4, 4, 4, 'M', 8, 8, 8, 'M', 8, 8, 8, 'M'];
  const b = new GraphBuilder({ seed: opts.seed ?? 16, negativeGammas: opts.negativeGammas });
  let x = 'input';
  let cin = 3;
  let idx = 0;
  let hw = size;
  for (const c of cfg) {
    if (c === 'M') {
      x = b.maxpool(`features.${idx++}`, x, 2, 2, 0);
      hw = Math.floor(hw / 2);
    } else {
      x = b.conv(`features.${idx++}`, x, cin, c * width, 3, 1, 1, true);
      x = b.unary('relu', `features.${idx++}`, x);
      cin = c * width;
    }
  }
  x = b.flatten('flatten', x);
  x = b.unary('identity', 'classifier.2', b.unary('relu', 'classifier.1', b.dense('classifier.0', x, cin * hw * hw, hidden)));
  x = b.unary('identity', 'classifier.5', b.unary('relu', 'classifier.4', b.dense('classifier.3', x, hidden, hidden)));
  const out = b.dense('classifier.6', x, hidden, classes);
  return b.graph('input', out, [size, size, 3]);
}

/** A seeded NHWC input batch, values roughly like an ImageNet-normalised image. */
export function randomInput(shape: [number, number, number, number], seed = 7): Float32Array {
  const r = prng(seed);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < out.length; i++) out[i] = (r() - 0.5) * 4;
  return out;
}
