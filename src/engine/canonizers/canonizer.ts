// A canonizer rewrites the IR so that a rule applies or a pass is cheaper, without changing
// the function the graph computes (Zennit's canonizers). Graphs are plain data, so a
// rewrite returns a new graph and leaves the original untouched (that is the "undo").
import type { Graph } from '../ir.ts';

export interface Canonizer {
  readonly name: string;
  apply(graph: Graph): Graph;
}

export function canonize(graph: Graph, canonizers: readonly Canonizer[]): Graph {
  return canonizers.reduce((g, c) => c.apply(g), graph);
}
