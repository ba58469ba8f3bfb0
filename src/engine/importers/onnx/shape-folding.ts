// Integer shape arithmetic folded into constants at import. torch writes `x.view(b, g, c // g, h, w)`
// as Shape → Gather → Div → Unsqueeze → Concat → Reshape; evaluating that chain here makes the
// Reshape's target a known constant, so the op entries only ever see constant shapes. Each
// op entry that may compute on shape vectors names its fold here.
import type { NodeProto } from '../../onnx/proto.ts';
import type { ShapeFold } from './registry.ts';
import type { Const, ImportState } from './state.ts';

const ints = (v: number[], dims = [v.length]): Const => ({ dims, floats: Float32Array.from(v), ints: v });

/** the integer values of every (non-empty) input, or null when one is not a constant integer tensor */
function intInputs(n: NodeProto, state: ImportState): number[][] | null {
  const all = (n.input ?? []).filter((i) => i).map((i) => state.constant(i)?.ints ?? null);
  if (all.length === 0 || all.some((v) => v === null)) return null;
  return all as number[][];
}

const isScalar = (state: ImportState, onnxName: string | undefined): boolean => (onnxName ? state.constant(onnxName)?.dims.length ?? 1 : 1) === 0;

/** Shape: the ONNX-order shape of a tensor, batch as −1 */
export const foldShape: ShapeFold = (n, state) => {
  const onnxName = (n.input ?? [])[0];
  const s = state.shape(state.input(n));
  if (s.some((d) => d == null)) state.fail(n, 'reads the shape of a tensor whose size depends on the input size; export with a fixed input size');
  const d = s as number[];
  if (d.length !== 3) return ints([-1, ...d]);
  return ints(state.isChannelsLast(onnxName) ? [-1, d[0], d[1], d[2]] : [-1, d[2], d[0], d[1]]);
};

export const foldGather: ShapeFold = (n, state) => {
  const vs = intInputs(n, state);
  if (!vs) return null;
  const idx = vs[1].map((i) => (i < 0 ? i + vs[0].length : i));
  return ints(idx.map((i) => vs[0][i]), isScalar(state, (n.input ?? [])[1]) ? [] : [idx.length]);
};

/** Unsqueeze, Squeeze, Cast: the values pass unchanged */
export const foldSame: ShapeFold = (n, state) => {
  const vs = intInputs(n, state);
  return vs ? ints(vs[0]) : null;
};

export const foldConcat: ShapeFold = (n, state) => {
  const vs = intInputs(n, state);
  return vs ? ints(vs.flat()) : null;
};

export const foldSlice: ShapeFold = (n, state) => {
  const vs = intInputs(n, state);
  if (!vs) return null;
  const [data, starts, ends] = vs;
  const clamp = (v: number) => Math.max(0, Math.min(data.length, v < 0 ? v + data.length : v));
  return ints(data.slice(clamp(starts[0]), clamp(ends[0])));
};

const ARITHMETIC: Record<string, (x: number, y: number) => number> = {
  Mul: (x, y) => x * y,
  Div: (x, y) => Math.trunc(x / y),
  Add: (x, y) => x + y,
  Sub: (x, y) => x - y,
};

/** Mul, Div (integer division), Add, Sub, broadcasting a one-element operand */
export const foldArithmetic: ShapeFold = (n, state) => {
  const vs = intInputs(n, state);
  if (!vs) return null;
  const f = ARITHMETIC[n.opType ?? ''];
  const [a, b] = vs;
  const len = Math.max(a.length, b.length);
  const at = (v: number[], i: number) => (v.length === 1 ? v[0] : v[i]);
  const scalar = a.length === 1 && b.length === 1 && isScalar(state, (n.input ?? [])[0]);
  return ints(Array.from({ length: len }, (_, i) => f(at(a, i), at(b, i))), scalar ? [] : [len]);
};
