// Per-sample shape inference over the IR (batch dimension left out): a spatial tensor is
// [H, W, C], a flat one [F]; null where the model leaves a size free. The importers need
// it to lay out weights (flatten order, TF 'same' padding) and the ONNX writer to undo that.
import type { Graph, GraphNode, Pads } from '../ir.ts';

export type Shape = (number | null)[];

function outSize(n: number | null, k: number, s: number, d: number, padTotal: number): number | null {
  if (n == null) return null;
  return Math.floor((n + padTotal - d * (k - 1) - 1) / s) + 1;
}

function spatial(
  s: Shape,
  k: [number, number],
  strides: [number, number],
  dil: [number, number],
  pads: Pads,
  c: number | null,
): Shape {
  return [
    outSize(s[0], k[0], strides[0], dil[0], pads[0] + pads[2]),
    outSize(s[1], k[1], strides[1], dil[1], pads[1] + pads[3]),
    c,
  ];
}

/** The output shape of one node from its input shapes; throws on a rank mismatch. */
export function nodeOutputShape(node: GraphNode, inputs: Shape[], params: Graph['params']): Shape {
  const x = inputs[0];
  const need4d = () => {
    if (x.length !== 3) throw new Error(`node ${node.name} (${node.op}) needs a spatial input, got rank ${x.length + 1}`);
  };
  switch (node.op) {
    case 'conv2d': {
      need4d();
      const w = params[node.weight].shape;
      return spatial(x, [w[0], w[1]], node.strides, node.dilations, node.pads, w[3]);
    }
    case 'maxpool':
    case 'avgpool':
      need4d();
      return spatial(x, node.kernel, node.strides, [1, 1], node.pads, x[2]);
    case 'pad':
      need4d();
      return [
        x[0] == null ? null : x[0] + node.pads[0] + node.pads[2],
        x[1] == null ? null : x[1] + node.pads[1] + node.pads[3],
        x[2],
      ];
    case 'globalavgpool':
      need4d();
      return node.keepDims ? [1, 1, x[2]] : [x[2]];
    case 'flatten':
      return [x.some((d) => d == null) ? null : x.reduce<number>((a, b) => a * (b as number), 1)];
    case 'dense':
      return [params[node.weight].shape[1]];
    case 'concat': {
      const ax = node.axis - 1; // NHWC axis → per-sample axis
      const out = [...x];
      out[ax] = inputs.reduce<number | null>((a, s) => (a == null || s[ax] == null ? null : a + (s[ax] as number)), 0);
      return out;
    }
    case 'slice': {
      const out = [...x];
      out[out.length - 1] = node.size;
      return out;
    }
    case 'reshape':
      return [...node.shape];
    default:
      // batchnorm, activations, add, mul (the signal's shape), affine, norms, permute: shape-preserving
      return [...x];
  }
}

/** Shapes of every tensor of a graph (input included). */
export function inferShapes(graph: Graph): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  shapes.set(graph.input.name, [...graph.input.shape]);
  for (const node of graph.nodes) {
    const ins = node.inputs.map((i) => {
      const s = shapes.get(i);
      if (!s) throw new Error(`node ${node.name} reads ${i}, which no earlier node writes`);
      return s;
    });
    shapes.set(node.output, nodeOutputShape(node, ins, graph.params));
  }
  return shapes;
}
