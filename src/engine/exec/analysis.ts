// Static facts about a graph that the executor and rules use.
import type { Graph } from '../ir.ts';
import { inferShapes } from '../importers/shapes.ts';
import { activationNonNegative } from './activations.ts';

/** Tensors that are ≥ 0 by construction (ReLU/sigmoid/softmax outputs and what only moves them). */
export function nonNegativeTensors(graph: Graph): Set<string> {
  const nn = new Set<string>();
  for (const n of graph.nodes) {
    const all = n.inputs.every((i) => nn.has(i));
    switch (n.op) {
      case 'relu':
      case 'sigmoid':
      case 'softmax':
        nn.add(n.output);
        break;
      case 'maxpool':
      case 'avgpool':
      case 'globalavgpool':
      case 'flatten':
      case 'identity':
      case 'concat':
      case 'add':
      case 'mul':
      case 'permute':
      case 'slice':
      case 'reshape':
        if (all) nn.add(n.output);
        break;
      case 'pad':
        if (all && n.value >= 0) nn.add(n.output);
        break;
      case 'activation':
        if (activationNonNegative(n)) nn.add(n.output);
        break;
      default:
        break;
    }
  }
  return nn;
}

/** Per-sample shapes of every tensor for a concrete input size. */
export function concreteShapes(graph: Graph, hw: [number, number]): Map<string, number[]> {
  const g: Graph = { ...graph, input: { ...graph.input, shape: [hw[0], hw[1], graph.input.shape[2]] } };
  const shapes = inferShapes(g);
  const out = new Map<string, number[]>();
  for (const [k, s] of shapes) {
    if (s.some((d) => d == null)) throw new Error(`shape of ${k} is not determined by the input size`);
    out.set(k, s as number[]);
  }
  return out;
}

