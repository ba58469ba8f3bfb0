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
  | ConcatNode;

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
