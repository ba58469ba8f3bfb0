// Where a backward walk starts: which target rows (the requested classes, else the argmax of
// the logits) and the start vector of each row (docs/engine.md §4). Written against the op
// interface, so the TF.js executor runs it eagerly and the graph compiler puts it into the
// compiled graph: one compiled graph serves every target, including "the top class", in a
// single run. The host side only says which rows are explicit classes and which are "the
// argmax" (`targetRows`) and reads the chosen class back (`chosenTargets`).
import type { TensorOps } from '../ops/ops.ts';
import { checkTargets } from './request.ts';
import type { RelevanceInit } from './methods.ts';

/** Host data of the target rows: `rows` [B, classes] one-hot of the requested classes, `auto` [B, 1] = 1 where the row is the argmax instead. */
export interface TargetRowData {
  rows: Float32Array;
  auto: Float32Array;
  count: number;
  /** the requested classes, null: one row, the argmax */
  explicit: number[] | null;
}

/** the target rows of a request (checked against the class count) */
export function targetRows(requested: readonly number[] | undefined, classes: number): TargetRowData {
  if (!requested || requested.length === 0) {
    return { rows: new Float32Array(classes), auto: Float32Array.of(1), count: 1, explicit: null };
  }
  checkTargets(requested, classes);
  const rows = new Float32Array(requested.length * classes);
  requested.forEach((t, b) => (rows[b * classes + t] = 1));
  return { rows, auto: new Float32Array(requested.length), count: requested.length, explicit: [...requested] };
}

/** the classes the rows explained: the requested ones, else the argmax index the ops computed (`argmaxIndex` output) */
export function chosenTargets(t: TargetRowData, argmaxIndex: ArrayLike<number>): number[] {
  return t.explicit ?? [Math.round(argmaxIndex[0])];
}

/**
 * The target class as ops: for logits y [N, C], `index` [N, 1] = the first index of the
 * maximum (as an exact float) and `onehot` [N, C] its one-hot row. Exact in float32: the
 * maxima are where max(y) − y is exactly 0, and ties go to the lowest index.
 */
export function argmaxTarget<T>(ops: TensorOps<T>, y: T, classes: number): { index: T; onehot: T } {
  const iota = ops.constant(`iota:${classes}`, () => ops.fromArray(Float32Array.from({ length: classes }, (_, i) => i), [classes]));
  const past = ops.constant(`iota-past:${classes}`, () => ops.fromArray(Float32Array.from({ length: classes }, (_, i) => i - classes), [classes]));
  const one = ops.constant('scalar:1', () => ops.fromArray(Float32Array.of(1), []));
  const count = ops.constant(`scalar:${classes}`, () => ops.fromArray(Float32Array.of(classes), []));
  const mx = ops.max(y, [1], true);
  const gap = ops.sub(mx, y);
  const below = ops.step(gap);
  const isMax = ops.sub(one, below);
  // the index where y is maximal, C elsewhere; the smallest of them is the first maximum
  const offset = ops.mul(isMax, past);
  const candidate = ops.add(count, offset);
  const index = ops.min(candidate, [1], true);
  const after = ops.sub(iota, index);
  const before = ops.sub(index, iota);
  const beyond = ops.step(after);
  const short = ops.step(before);
  const off = ops.add(beyond, short);
  const onehot = ops.sub(one, off);
  for (const t of [mx, gap, below, isMax, offset, candidate, after, before, beyond, short, off]) ops.release(t);
  return { index, onehot };
}

/**
 * The rows to start the walk from: `rows` + `auto` ⊙ onehot(argmax y), [B, C] with B the
 * number of target rows. `index` is the argmax (for chosenTargets).
 */
export function targetOneHot<T>(ops: TensorOps<T>, logits: T, classes: number, rows: T, auto: T): { onehot: T; index: T } {
  const top = argmaxTarget(ops, logits, classes);
  const picked = ops.mul(auto, top.onehot);
  const onehot = ops.add(rows, picked);
  ops.release(picked);
  ops.release(top.onehot);
  return { onehot, index: top.index };
}

/**
 * The start vector of each one-hot row (docs/engine.md §4). `onehot`: the row itself (the
 * gradient methods' ∂y_t/∂y, and R-CAM's `init: 'onehot'`); `clrp` as the authors' code
 * defines it: r_t = 1 and r_j = −1/C for j ≠ t (not scaled by the logit, no softmax),
 * computed as row + (1 − row)·(−1/C), which is exact for 0/1 rows.
 */
export function startVector<T>(ops: TensorOps<T>, init: RelevanceInit, onehot: T, classes: number): T {
  if (init === 'onehot') return onehot;
  const one = ops.constant('scalar:1', () => ops.fromArray(Float32Array.of(1), []));
  const rest = ops.constant(`clrp-rest:${classes}`, () => ops.fromArray(Float32Array.of(-1 / classes), []));
  const others = ops.sub(one, onehot);
  const share = ops.mul(others, rest);
  const start = ops.add(onehot, share);
  ops.release(others);
  ops.release(share);
  return start;
}
