// The engine's graph IR: what the importers (TF.js layers, ONNX) produce and what the
// executors and the rules consume. Plain data, no tensors: a graph can be built, checked,
// rewritten (canonizers) and serialised without a TF.js backend.
//
// Layout conventions (fixed for the whole engine):
//   activations NHWC; conv weights [kh, kw, inC, outC]; dense weights [in, out].
// Importers convert from their source layout (ONNX is NCHW / OIHW / [out, in]).

/** A constant tensor (weights, BN statistics). */
export interface Param {
  shape: number[];
  data: Float32Array;
}

interface NodeBase {
  /** unique, taken from the source file so errors and layer names can refer to it */
  name: string;
  /** names of the tensors this node reads */
  inputs: string[];
  /** name of the tensor this node writes (one output per node) */
  output: string;
}

/** Explicit padding [top, left, bottom, right] in pixels; never 'same'. */
export type Pads = [number, number, number, number];

export interface Conv2dNode extends NodeBase {
  op: 'conv2d';
  /** param name, [kh, kw, inC, outC] */
  weight: string;
  /** param name, [outC]; absent when the conv has no bias */
  bias?: string;
  strides: [number, number];
  pads: Pads;
  dilations: [number, number];
  /**
   * grouped convolution (ResNeXt, RegNet; depthwise when groups = inC): the input channels
   * and the output channels are each cut into `groups` contiguous parts, part g of the output
   * reads only part g of the input; the weight is then [kh, kw, inC / groups, outC].
   * Absent = 1.
   */
  groups?: number;
}

export interface BatchNormNode extends NodeBase {
  op: 'batchnorm';
  /** param names, each [C] */
  gamma: string;
  beta: string;
  mean: string;
  variance: string;
  epsilon: number;
}

export interface ActivationNode extends NodeBase {
  op: 'relu' | 'sigmoid' | 'softmax' | 'identity';
}

export interface AddNode extends NodeBase {
  op: 'add';
}

/**
 * The elementwise activations beyond ReLU / sigmoid (MobileNet, EfficientNet, ConvNeXt …):
 *   clip         min(max(x, alpha), beta)            (ReLU6: alpha 0, beta 6)
 *   leakyrelu    x > 0 ? x : alpha·x
 *   elu          x > 0 ? x : alpha·(eˣ − 1)
 *   hardsigmoid  clip(alpha·x + beta, 0, 1)          (torch: 1/6, 1/2; Keras 2: 0.2, 0.5)
 *   hardswish    x · hardsigmoid(x) with alpha 1/6, beta 1/2
 *   silu         x · σ(x)  (Swish)
 *   gelu         x · Φ(x), Φ the normal CDF (erf form)
 *   gelu-tanh    0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
 *   mish         x · tanh(softplus(x))
 *   tanh, softplus, erf (the pieces torch.onnx.export writes GELU / Mish with)
 */
export type ActivationFn =
  | 'clip' | 'leakyrelu' | 'elu' | 'hardsigmoid' | 'hardswish' | 'silu' | 'gelu' | 'gelu-tanh' | 'mish' | 'tanh' | 'softplus' | 'erf';

export interface ElementwiseNode extends NodeBase {
  op: 'activation';
  fn: ActivationFn;
  alpha?: number;
  beta?: number;
}

/**
 * A multiplicative gate y = x ⊙ g (squeeze-excitation, SiLU written as Mul(x, Sigmoid(x))):
 * inputs[0] is the signal x, inputs[1] the gate g, which broadcasts against x (numpy rules,
 * per sample: [1, 1, C] against [H, W, C]). The output has the signal's shape.
 */
export interface MulNode extends NodeBase {
  op: 'mul';
}

/**
 * Multiplication and addition by constants, y = x·scale + shift, per channel (the last axis)
 * or by one scalar: layer scale γ (ConvNeXt), input normalisation written into the graph.
 * Params have shape [C] or [1]; either may be absent.
 */
export interface AffineNode extends NodeBase {
  op: 'affine';
  scale?: string;
  shift?: string;
}

/** LayerNorm over the channels of each position (ConvNeXt), then ·gamma + beta when present. */
export interface LayerNormNode extends NodeBase {
  op: 'layernorm';
  gamma?: string;
  beta?: string;
  epsilon: number;
}

/** GroupNorm: channels in `groups` contiguous parts, each normalised over (H, W, C/groups). */
export interface GroupNormNode extends NodeBase {
  op: 'groupnorm';
  groups: number;
  gamma?: string;
  beta?: string;
  epsilon: number;
}

/** A permutation of the channels (last axis): y[…, k] = x[…, order[k]] (channel shuffle). */
export interface PermuteNode extends NodeBase {
  op: 'permute';
  order: number[];
}

/** Channels [begin, begin + size) of the input (torch.chunk / ONNX Split along channels). */
export interface SliceNode extends NodeBase {
  op: 'slice';
  begin: number;
  size: number;
}

/**
 * A reshape that keeps the values in NHWC order, e.g. [C] ↔ [1, 1, C] (a squeeze-excitation
 * vector). `shape` is per sample.
 */
export interface ReshapeNode extends NodeBase {
  op: 'reshape';
  shape: number[];
}

export interface PoolNode extends NodeBase {
  op: 'maxpool' | 'avgpool';
  kernel: [number, number];
  strides: [number, number];
  pads: Pads;
  /** avgpool only: whether padded cells count in the divisor (ONNX count_include_pad) */
  countIncludePad?: boolean;
}

export interface GlobalAvgPoolNode extends NodeBase {
  op: 'globalavgpool';
  /** true: output [N,1,1,C]; false: output [N,C] */
  keepDims: boolean;
}

export interface DenseNode extends NodeBase {
  op: 'dense';
  /** param name, [in, out] */
  weight: string;
  bias?: string;
}

export interface FlattenNode extends NodeBase {
  op: 'flatten';
}

export interface PadNode extends NodeBase {
  op: 'pad';
  pads: Pads;
  value: number;
}

export interface ConcatNode extends NodeBase {
  op: 'concat';
  /** axis in NHWC terms (3 = channels) */
  axis: number;
}

export type GraphNode =
  | Conv2dNode
  | BatchNormNode
  | ActivationNode
  | AddNode
  | PoolNode
  | GlobalAvgPoolNode
  | DenseNode
  | FlattenNode
  | PadNode
  | ConcatNode
  | ElementwiseNode
  | MulNode
  | AffineNode
  | LayerNormNode
  | GroupNormNode
  | PermuteNode
  | SliceNode
  | ReshapeNode;

export type OpType = GraphNode['op'];

export interface GraphInput {
  name: string;
  /** [H, W, C]; null where the file leaves a dimension free */
  shape: [number | null, number | null, number];
}

export interface Graph {
  /** where the graph came from, for messages */
  source: { format: 'tfjs-layers' | 'onnx' | 'code'; file?: string };
  input: GraphInput;
  /** name of the output tensor (the classifier's scores) */
  output: string;
  /** topologically ordered */
  nodes: GraphNode[];
  params: Record<string, Param>;
}
