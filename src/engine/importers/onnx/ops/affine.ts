// Arithmetic with one constant operand — x·c, x/c, x + c, x − c, c − x — as one IR affine node
// y = x·scale + shift, the constant per channel or one scalar. Div and Sub are always this;
// Add and Mul are this when one operand is constant (add.ts, mul.ts).
import type { NodeProto } from '../../../onnx/proto.ts';
import type { OpEntry } from '../registry.ts';
import { foldArithmetic } from '../shape-folding.ts';
import type { ImportState } from '../state.ts';

/**
 * A constant per channel (or one scalar) for elementwise arithmetic with `x`: dims that
 * broadcast along the channel axis only ([C,1,1] or [1,C,1,1] on a feature map, [C] on
 * a flat tensor); returns [C] or [1] values.
 */
function channelConst(n: NodeProto, constName: string, x: string, onnxX: string, state: ImportState): Float32Array {
  const c = state.constFloats(n, constName, 'constant operand');
  const s = state.shape(x);
  const ch = s[s.length - 1];
  if (c.floats.length === 1) return c.floats;
  const last = s.length !== 3 || state.isChannelsLast(onnxX);
  const dims = c.dims.slice();
  while (dims.length > 1 && dims[0] === 1 && (last || dims.length > 3)) dims.shift();
  const perChannel = last ? dims.length === 1 : dims.length === 3 && dims[1] === 1 && dims[2] === 1;
  if (!perChannel || dims[0] !== ch) {
    state.fail(n, `its constant of shape [${c.dims.join(', ')}] does not broadcast per channel over a tensor with ${ch} channels`);
  }
  return c.floats;
}

/** x·c, x/c, x + c, x − c and c − x with a constant c: one affine node y = x·scale + shift */
export function constAffine(n: NodeProto, name: string, out: string, state: ImportState): void {
  const op = n.opType ?? '';
  const ins = n.input ?? [];
  const ci = ins.findIndex((i) => state.isConst(i));
  if (ci < 0 || ins.length !== 2 || state.isConst(ins[1 - ci])) state.fail(n, `${op} is supported with one constant operand (a scale or shift), or as a gate`);
  if (op === 'Div' && ci === 0) state.fail(n, 'dividing a constant by a tensor is not supported');
  const x = state.input(n, 1 - ci);
  state.noSpatialFlat(n, x);
  const c = channelConst(n, ins[ci], x, ins[1 - ci], state);
  let scale: Float32Array | null = null;
  let shift: Float32Array | null = null;
  if (op === 'Mul') scale = c.slice();
  else if (op === 'Div') scale = c.map((v) => 1 / v);
  else if (op === 'Add') shift = c.slice();
  else if (ci === 1) shift = c.map((v) => -v);
  else {
    scale = Float32Array.of(-1);
    shift = c.slice();
  }
  if (scale?.some((v) => !Number.isFinite(v))) state.fail(n, 'divides by zero');
  state.emit({
    op: 'affine', name, inputs: [x], output: out,
    ...(scale ? { scale: state.param(`${name}.scale`, [scale.length], scale) } : {}),
    ...(shift ? { shift: state.param(`${name}.shift`, [shift.length], shift) } : {}),
  }, out);
}

export const divSub: OpEntry = {
  ops: ['Div', 'Sub'],
  layout: 'keeps',
  fold: foldArithmetic,
  convert(n, name, state) {
    constAffine(n, name, state.singleOutput(n), state);
  },
};
