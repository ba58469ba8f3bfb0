// The forward executor: runs the IR with plain ops (never tf.layers), keeping only the
// tensors a later backward walk declared it needs (docs/engine.md §3.9) and releasing every other
// intermediate right after its last reader.
import { StudioError } from '../../contract/errors.ts';
import type { Graph, GraphNode } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';
import { activationForward } from './activations.ts';
import { normForward } from './norms.ts';
import { batchNormAffine, param } from './params.ts';

/** One node's forward computation. */
export function forwardNode<T>(ops: TensorOps<T>, graph: Graph, node: GraphNode, xs: T[]): T {
  const x = xs[0];
  switch (node.op) {
    case 'conv2d': {
      const y = ops.conv2d(x, param(ops, graph, node.weight), node);
      if (!node.bias) return y;
      const out = ops.add(y, param(ops, graph, node.bias));
      ops.release(y);
      return out;
    }
    case 'batchnorm': {
      const { scale, shift } = batchNormAffine(ops, graph, node);
      const s = ops.mul(x, scale);
      const out = ops.add(s, shift);
      ops.release(s);
      return out;
    }
    case 'relu':
      return ops.relu(x);
    case 'sigmoid':
      return ops.sigmoid(x);
    case 'softmax':
      return ops.softmax(x);
    case 'identity':
      return ops.reshape(x, ops.shape(x));
    case 'add': {
      let acc = ops.add(xs[0], xs[1]);
      for (let i = 2; i < xs.length; i++) {
        const next = ops.add(acc, xs[i]);
        ops.release(acc);
        acc = next;
      }
      return acc;
    }
    case 'maxpool':
      return ops.maxPool(x, node);
    case 'avgpool':
      return ops.avgPool(x, node, node.countIncludePad ?? true);
    case 'globalavgpool': {
      const m = ops.mean(x, [1, 2], node.keepDims);
      return m;
    }
    case 'flatten': {
      const shape = ops.shape(x);
      return ops.reshape(x, [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)]);
    }
    case 'dense': {
      const shape = ops.shape(x);
      const x2 = shape.length === 2 ? x : ops.reshape(x, [shape[0], shape.slice(1).reduce((a, b) => a * b, 1)]);
      const y = ops.matmul(x2, param(ops, graph, node.weight), false);
      if (x2 !== x) ops.release(x2);
      if (!node.bias) return y;
      const out = ops.add(y, param(ops, graph, node.bias));
      ops.release(y);
      return out;
    }
    case 'pad':
      return ops.pad(x, node.pads, node.value);
    case 'concat':
      return ops.concat(xs, node.axis);
    case 'activation':
      return activationForward(ops, node, x);
    case 'mul':
      return ops.mul(xs[0], xs[1]);
    case 'affine': {
      const scaled = node.scale ? ops.mul(x, param(ops, graph, node.scale)) : x;
      if (!node.shift) return scaled === x ? ops.reshape(x, ops.shape(x)) : scaled;
      const out = ops.add(scaled, param(ops, graph, node.shift));
      if (scaled !== x) ops.release(scaled);
      return out;
    }
    case 'layernorm':
    case 'groupnorm':
      return normForward(ops, graph, node, x);
    case 'permute':
      return ops.gather(x, node.order, ops.shape(x).length - 1);
    case 'slice': {
      const rank = ops.shape(x).length;
      const begin = new Array<number>(rank).fill(0);
      const size = [-1, ...ops.shape(x).slice(1)];
      begin[rank - 1] = node.begin;
      size[rank - 1] = node.size;
      return ops.slice(x, begin, size);
    }
    case 'reshape':
      return ops.reshape(x, [-1, ...node.shape]);
    default: {
      const n = node as GraphNode;
      throw new StudioError('BAD_REQUEST', `node "${n.name}" has op type "${n.op}", which the engine cannot run`);
    }
  }
}

export interface ForwardOptions {
  /** tensors to keep (returned in the map); the graph output is always kept */
  keep?: Iterable<string>;
}

/**
 * Runs the graph on `input` ([N, H, W, C]); returns the kept tensors by name (the output
 * included). The caller owns them (release, or run inside tf.tidy).
 */
export function runForward<T>(ops: TensorOps<T>, graph: Graph, input: T, opts: ForwardOptions = {}): Map<string, T> {
  const keep = new Set(opts.keep ?? []);
  keep.add(graph.output);
  const lastUse = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.inputs.forEach((t) => lastUse.set(t, i)));
  const env = new Map<string, T>([[graph.input.name, input]]);
  const out = new Map<string, T>();
  if (keep.has(graph.input.name)) out.set(graph.input.name, input);
  graph.nodes.forEach((node, i) => {
    const xs = node.inputs.map((t) => {
      const v = env.get(t);
      if (v === undefined) throw new StudioError('BAD_REQUEST', `node "${node.name}" (${node.op}) reads "${t}", which no earlier node writes`);
      return v;
    });
    const y = forwardNode(ops, graph, node, xs);
    env.set(node.output, y);
    if (keep.has(node.output)) out.set(node.output, y);
    for (const t of new Set(node.inputs)) {
      if (lastUse.get(t) === i && t !== graph.input.name && !keep.has(t)) {
        ops.release(env.get(t) as T);
        env.delete(t);
      }
    }
    // a tensor nobody reads and nobody keeps (a dead branch) goes at once
    if (!lastUse.has(node.output) && !keep.has(node.output)) {
      ops.release(y);
      env.delete(node.output);
    }
  });
  return out;
}

/**
 * The tensor holding the logits: the graph output, or the input of a final softmax /
 * sigmoid node (relevance and gradients start from the raw logits, docs/engine.md §1, §4).
 */
export function logitsTensor(graph: Graph): { logits: string; activation: 'softmax' | 'sigmoid' | 'none' } {
  const last = graph.nodes.find((n) => n.output === graph.output);
  if (last && (last.op === 'softmax' || last.op === 'sigmoid')) return { logits: last.inputs[0], activation: last.op };
  return { logits: graph.output, activation: 'none' };
}
