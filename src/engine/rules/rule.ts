// A rule says how relevance (or a gradient) at a node's output passes to its inputs
// (Zennit's idea: every method is one backward walk; only the per-node rules differ).
// Rules are written against the op interface, so any executor can run them.
import type { Graph, GraphNode } from '../ir.ts';
import type { TensorOps } from '../ops/ops.ts';

export interface RuleContext<T> {
  ops: TensorOps<T>;
  graph: Graph;
  node: GraphNode;
  /** forward value of input i (only inputs listed in `needs().inputs`) */
  input(i: number): T;
  /** forward value of the node's output (only when `needs().output`) */
  output(): T;
  /** per-sample static shape of input i ([H, W, C] or [F]) */
  inputShape(i: number): number[];
  /** per-sample static shape of the output */
  outputShape(): number[];
  /** which inputs lead back to the target layer (others need no relevance) */
  wanted: readonly boolean[];
  /** whether a tensor is ≥ 0 by construction (a ReLU output…): lets z⁺ skip the x⁻ terms */
  nonNegative(tensor: string): boolean;
}

export interface RuleNeeds {
  /** indices of inputs whose forward values the rule reads */
  inputs: number[];
  output: boolean;
}

export interface Rule {
  /** short name for messages and tests */
  readonly name: string;
  needs(node: GraphNode): RuleNeeds;
  /**
   * Relevance at the output (batch B: one row per target; forward values have batch 1 and
   * broadcast) → relevance per input (null for an input that is not wanted). The returned
   * tensors are new (or `r` itself, handed over); the walker releases `r` otherwise.
   */
  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[];
}

export const NEEDS_NOTHING: RuleNeeds = { inputs: [], output: false };

/** releases temporaries that are not the value being returned */
export function releaseAll<T>(ops: TensorOps<T>, ...xs: (T | null | undefined)[]): void {
  for (const x of xs) if (x !== null && x !== undefined) ops.release(x);
}
