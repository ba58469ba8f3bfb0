// The explicit backward walk (one for every method; only the composite differs): from a
// start tensor (the logits) down to a target tensor (the CAM layer), node by node in
// reverse topological order, applying each node's rule; relevance reaching a tensor from
// several readers is summed (fan-out, docs/engine.md §3.8). Tensors the walk passes on its
// way down can be tapped: their relevance, complete once the walk reaches the node that
// wrote them, is handed to a callback (the deeper layers' maps of one request).
import { StudioError } from '../../contract/errors.ts';
import type { Graph, GraphNode } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';
import type { Composite } from '../rules/composite.ts';
import type { Rule, RuleContext } from '../rules/rule.ts';
import { nonNegativeTensors } from './analysis.ts';

export interface WalkPlan {
  graph: Graph;
  from: string;
  to: string;
  /** nodes between `to` and `from`, in forward (topological) order, with their rules */
  steps: { node: GraphNode; rule: Rule; wanted: boolean[] }[];
  /** forward tensors the walk reads (keep them in the forward pass, docs/engine.md §3.9) */
  needed: Set<string>;
  nonNegative: Set<string>;
}

/**
 * Plans a walk from `to` (where relevance starts, e.g. the logits) back to `from` (the
 * target layer's tensor). Only nodes on a path from `from` to `to` are visited; each
 * must have a rule in the composite (else a StudioError naming node and type).
 */
export function planWalk(graph: Graph, from: string, to: string, composite: Composite): WalkPlan {
  const produced = new Set([graph.input.name, ...graph.nodes.map((n) => n.output)]);
  if (!produced.has(from)) throw new StudioError('NOT_FOUND', `tensor "${from}" is not in the graph`);
  // descendants of `from`
  const below = new Set([from]);
  for (const n of graph.nodes) if (n.inputs.some((i) => below.has(i))) below.add(n.output);
  if (!below.has(to)) throw new StudioError('BAD_REQUEST', `the output "${to}" does not depend on "${from}"`);
  // ancestors of `to`
  const above = new Set([to]);
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i];
    if (above.has(n.output)) for (const x of n.inputs) above.add(x);
  }
  const steps: WalkPlan['steps'] = [];
  const needed = new Set<string>([from]);
  for (const node of graph.nodes) {
    if (!below.has(node.output) || !above.has(node.output) || node.output === from) continue;
    const rule = composite.ruleFor(node);
    const wanted = node.inputs.map((i) => below.has(i) && above.has(i));
    const needs = rule.needs(node);
    for (const i of needs.inputs) needed.add(node.inputs[i]);
    if (needs.output) needed.add(node.output);
    steps.push({ node, rule, wanted });
  }
  return { graph, from, to, steps, needed, nonNegative: nonNegativeTensors(graph) };
}

/** the tensors strictly between `plan.from` and `plan.to` that the walk passes (tap candidates) */
export function walkTensors(plan: WalkPlan): Set<string> {
  return new Set(plan.steps.map((s) => s.node.output).filter((t) => t !== plan.to));
}

/** tensors to tap during a walk, and what to do with the relevance at each */
export interface WalkTaps<T> {
  tensors: ReadonlySet<string>;
  /** called once per tapped tensor that relevance reached; `r` stays the walk's (do not release it) */
  onRelevance(tensor: string, r: T): void;
}

/**
 * Runs a planned walk. `forward` holds the forward values named in `plan.needed`;
 * `start` is the relevance at `plan.to` (batch B). Returns the relevance at `plan.from`
 * (null if none arrived). `start` stays the caller's; everything else is released.
 */
export function runWalk<T>(
  ops: TensorOps<T>,
  plan: WalkPlan,
  forward: Map<string, T>,
  shapes: Map<string, number[]>,
  start: T,
  taps?: WalkTaps<T>,
): T | null {
  const refs = new Map<T, number>();
  const hold = (t: T) => refs.set(t, (refs.get(t) ?? 0) + 1);
  const drop = (t: T) => {
    const n = (refs.get(t) ?? 0) - 1;
    if (n > 0) refs.set(t, n);
    else {
      refs.delete(t);
      if (t !== start) ops.release(t);
    }
  };
  const rel = new Map<string, T>();
  const put = (name: string, t: T) => {
    const prev = rel.get(name);
    hold(t);
    if (prev === undefined) {
      rel.set(name, t);
      return;
    }
    const sum = ops.add(prev, t);
    drop(prev);
    drop(t);
    hold(sum);
    rel.set(name, sum);
  };
  hold(start);
  rel.set(plan.to, start);
  const value = (name: string, node: GraphNode): T => {
    const v = forward.get(name);
    if (v === undefined) throw new Error(`walk: forward value "${name}" for node ${node.name} was not kept`);
    return v;
  };
  for (let k = plan.steps.length - 1; k >= 0; k--) {
    const { node, rule, wanted } = plan.steps[k];
    const r = rel.get(node.output);
    if (r === undefined) continue;
    rel.delete(node.output);
    // every reader of node.output lies later in the order, so its relevance is complete here
    if (taps?.tensors.has(node.output)) taps.onRelevance(node.output, r);
    const ctx: RuleContext<T> = {
      ops,
      graph: plan.graph,
      node,
      input: (i) => value(node.inputs[i], node),
      output: () => value(node.output, node),
      inputShape: (i) => shapes.get(node.inputs[i]) as number[],
      outputShape: () => shapes.get(node.output) as number[],
      wanted,
      nonNegative: (t) => plan.nonNegative.has(t),
    };
    const outs = rule.propagate(ctx, r);
    outs.forEach((o, i) => {
      if (o !== null && wanted[i]) put(node.inputs[i], o);
      else if (o !== null && o !== r) ops.release(o);
    });
    drop(r);
  }
  const result = rel.get(plan.from) ?? null;
  for (const [name, t] of rel) if (name !== plan.from) drop(t);
  return result;
}
