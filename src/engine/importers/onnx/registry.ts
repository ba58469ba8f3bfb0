// The ONNX op registry: one entry per op family, keyed by ONNX op type. An entry says which
// op types it converts, how it treats the channels-last layout, whether it folds integer
// shape arithmetic (shape-folding.ts), how it converts a node into IR nodes, and which
// multi-node patterns it recognises starting at another op's node. Entries live one family
// per file in ops/; ops/index.ts registers them all. Registering an op type twice is an error.
import type { NodeProto } from '../../onnx/proto.ts';
import type { Const, ImportState } from './state.ts';

/**
 * How an op family treats a channels-last tensor (an ONNX tensor after an NCHW→NHWC Transpose,
 * already in the IR's own order):
 *   'nchw'  reads NCHW tensors only; a channels-last input is refused before `convert` runs
 *   'keeps' elementwise: the output is channels-last when an input is
 *   'own'   the entry decides itself (Transpose, the LayerNorm pattern)
 */
export type Layout = 'nchw' | 'keeps' | 'own';

/** Evaluates a node of integer shape arithmetic into a constant; null: not shape arithmetic. */
export type ShapeFold = (n: NodeProto, state: ImportState) => Const | null;

/** Converts one node: `name` is its IR node name (the torch module path, see names.ts). */
export type Convert = (n: NodeProto, name: string, state: ImportState) => void;

/** A node that reads one tensor and writes one: its IR name, the IR tensor of input 0, the ONNX tensor it writes. */
export interface OneInOneOut {
  name: string;
  input: string;
  out: string;
}

/** The common form of `convert`: the node's extra outputs (if any) must be unused; then its one input and output. */
export function oneInOneOut(convert: (n: NodeProto, io: OneInOneOut, state: ImportState) => void): Convert {
  return (n, name, state) => {
    const out = state.singleOutput(n);
    convert(n, { name, input: state.input(n), out }, state);
  };
}

/**
 * A multi-node pattern this family converts whole, starting at a node of another op type
 * (torch writes GroupNorm as Reshape → InstanceNormalization → Reshape → Mul → Add). Tried
 * before that node's own entry; returns false when the node does not start the pattern.
 */
export interface Pattern {
  startsAt: string;
  convert: (n: NodeProto, name: string, state: ImportState) => boolean;
}

export interface OpEntry {
  ops: readonly string[];
  layout: Layout;
  fold?: ShapeFold;
  convert: Convert;
  patterns?: readonly Pattern[];
}

const entries = new Map<string, OpEntry>();
const patternsAt = new Map<string, Pattern[]>();

export function registerOp(entry: OpEntry): void {
  for (const op of entry.ops) {
    if (entries.has(op)) throw new Error(`ONNX op ${op} is registered twice`);
  }
  for (const op of entry.ops) entries.set(op, entry);
  for (const p of entry.patterns ?? []) patternsAt.set(p.startsAt, [...(patternsAt.get(p.startsAt) ?? []), p]);
}

export function opEntry(op: string): OpEntry | undefined {
  return entries.get(op);
}

/** the patterns that may start at a node of this op type, in registration order */
export function patternsStartingAt(op: string): readonly Pattern[] {
  return patternsAt.get(op) ?? [];
}

/** every registered op type, in registration order */
export function supportedOps(): string[] {
  return [...entries.keys()];
}
