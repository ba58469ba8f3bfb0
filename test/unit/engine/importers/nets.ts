// Narrow torchvision-layout IR graphs (ResNet-18/34/50/101/152, VGG-16) with seeded random
// weights and torchvision node names, for the importer tests. (ENGINE-CORE's
// test/helpers/models.ts builds the same family; these keep the importer tests independent.)
import type { Graph, GraphNode, Pads, Param } from '../../../../src/engine/ir.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

class Builder {
  nodes: GraphNode[] = [];
  params: Record<string, Param> = {};
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = rng(seed);
  }
  uniform(n: number, lo: number, hi: number): Float32Array {
    return Float32Array.from({ length: n }, () => lo + (hi - lo) * this.r());
  }
  conv(name: string, x: string, cin: number, cout: number, k: number, s: number, p: number, bias = false): string {
    const a = Math.sqrt(6 / (cin * k * k));
    this.params[`${name}.weight`] = { shape: [k, k, cin, cout], data: this.uniform(k * k * cin * cout, -a, a) };
    if (bias) this.params[`${name}.bias`] = { shape: [cout], data: this.uniform(cout, -0.1, 0.1) };
    const pads: Pads = [p, p, p, p];
    this.nodes.push({ op: 'conv2d', name, inputs: [x], output: name, weight: `${name}.weight`, bias: bias ? `${name}.bias` : undefined, strides: [s, s], pads, dilations: [1, 1] });
    return name;
  }
  bn(name: string, x: string, c: number): string {
    const set = (k: string, lo: number, hi: number) => {
      this.params[`${name}.${k}`] = { shape: [c], data: this.uniform(c, lo, hi) };
      return `${name}.${k}`;
    };
    this.nodes.push({
      op: 'batchnorm', name, inputs: [x], output: name, gamma: set('weight', 0.5, 1.5), beta: set('bias', -0.2, 0.2),
      mean: set('running_mean', -0.2, 0.2), variance: set('running_var', 0.5, 1.5), epsilon: 1e-5,
    });
    return name;
  }
  op(op: 'relu' | 'identity', name: string, x: string): string {
    this.nodes.push({ op, name, inputs: [x], output: name });
    return name;
  }
  add(name: string, a: string, b: string): string {
    this.nodes.push({ op: 'add', name, inputs: [a, b], output: name });
    return name;
  }
  dense(name: string, x: string, fin: number, fout: number): string {
    const a = Math.sqrt(6 / fin);
    this.params[`${name}.weight`] = { shape: [fin, fout], data: this.uniform(fin * fout, -a, a) };
    this.params[`${name}.bias`] = { shape: [fout], data: this.uniform(fout, -0.1, 0.1) };
    this.nodes.push({ op: 'dense', name, inputs: [x], output: name, weight: `${name}.weight`, bias: `${name}.bias` });
    return name;
  }
}

export type ResNetDepth = 18 | 34 | 50 | 101 | 152;
const LAYOUT: Record<ResNetDepth, { blocks: number[]; bottleneck: boolean }> = {
  18: { blocks: [2, 2, 2, 2], bottleneck: false },
  34: { blocks: [3, 4, 6, 3], bottleneck: false },
  50: { blocks: [3, 4, 6, 3], bottleneck: true },
  101: { blocks: [3, 4, 23, 3], bottleneck: true },
  152: { blocks: [3, 8, 36, 3], bottleneck: true },
};

export function resnet(depth: ResNetDepth, opts: { width?: number; size?: number; classes?: number; seed?: number } = {}): Graph {
  const { width = 4, size = 32, classes = 10, seed = depth } = opts;
  const { blocks, bottleneck } = LAYOUT[depth];
  const b = new Builder(seed);
  let x = b.op('relu', 'relu', b.bn('bn1', b.conv('conv1', 'input', 3, width, 7, 2, 3), width));
  b.nodes.push({ op: 'maxpool', name: 'maxpool', inputs: [x], output: 'maxpool', kernel: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1] });
  x = 'maxpool';
  let cin = width;
  const exp = bottleneck ? 4 : 1;
  blocks.forEach((n, g) => {
    const planes = width * 2 ** g;
    for (let k = 0; k < n; k++) {
      const pre = `layer${g + 1}.${k}`;
      const s = k === 0 && g > 0 ? 2 : 1;
      const cout = planes * exp;
      let m: string;
      let last: string;
      if (bottleneck) {
        m = b.op('relu', `${pre}.relu`, b.bn(`${pre}.bn1`, b.conv(`${pre}.conv1`, x, cin, planes, 1, 1, 0), planes));
        m = b.op('relu', `${pre}.relu_1`, b.bn(`${pre}.bn2`, b.conv(`${pre}.conv2`, m, planes, planes, 3, s, 1), planes));
        m = b.bn(`${pre}.bn3`, b.conv(`${pre}.conv3`, m, planes, cout, 1, 1, 0), cout);
        last = `${pre}.relu_2`;
      } else {
        m = b.op('relu', `${pre}.relu`, b.bn(`${pre}.bn1`, b.conv(`${pre}.conv1`, x, cin, planes, 3, s, 1), planes));
        m = b.bn(`${pre}.bn2`, b.conv(`${pre}.conv2`, m, planes, cout, 3, 1, 1), cout);
        last = `${pre}.relu_1`;
      }
      const short = s !== 1 || cin !== cout ? b.bn(`${pre}.downsample.1`, b.conv(`${pre}.downsample.0`, x, cin, cout, 1, s, 0), cout) : x;
      x = b.op('relu', last, b.add(`${pre}.add`, m, short));
      cin = cout;
    }
  });
  b.nodes.push({ op: 'globalavgpool', name: 'avgpool', inputs: [x], output: 'avgpool', keepDims: true });
  b.nodes.push({ op: 'flatten', name: 'flatten', inputs: ['avgpool'], output: 'flatten' });
  const out = b.dense('fc', 'flatten', cin, classes);
  return { source: { format: 'code' }, input: { name: 'input', shape: [size, size, 3] }, output: out, nodes: b.nodes, params: b.params };
}

/** VGG-16 (torchvision `features.N` / `classifier.N` names); no adaptive pool (tiny inputs). */
export function vgg16(opts: { width?: number; size?: number; classes?: number; seed?: number } = {}): Graph {
  const { width = 4, size = 64, classes = 10, seed = 16 } = opts;
  const cfg: (number | 'M')[] = [1, 1, 'M', 2, 2, 'M', 4, 4, 4, 'M', 8, 8, 8, 'M', 8, 8, 8, 'M'];
  const b = new Builder(seed);
  let x = 'input';
  let cin = 3;
  let idx = 0;
  let hw = size;
  for (const c of cfg) {
    if (c === 'M') {
      b.nodes.push({ op: 'maxpool', name: `features.${idx}`, inputs: [x], output: `features.${idx}`, kernel: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] });
      x = `features.${idx++}`;
      hw /= 2;
    } else {
      x = b.conv(`features.${idx++}`, x, cin, c * width, 3, 1, 1, true);
      x = b.op('relu', `features.${idx++}`, x);
      cin = c * width;
    }
  }
  b.nodes.push({ op: 'flatten', name: 'flatten', inputs: [x], output: 'flatten' });
  const hidden = 16 * width;
  x = b.op('identity', 'classifier.2', b.op('relu', 'classifier.1', b.dense('classifier.0', 'flatten', cin * hw * hw, hidden)));
  x = b.op('identity', 'classifier.5', b.op('relu', 'classifier.4', b.dense('classifier.3', x, hidden, hidden)));
  const out = b.dense('classifier.6', x, hidden, classes);
  return { source: { format: 'code' }, input: { name: 'input', shape: [size, size, 3] }, output: out, nodes: b.nodes, params: b.params };
}
