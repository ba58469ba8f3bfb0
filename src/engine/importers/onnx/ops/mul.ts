// Mul: by a constant an affine scale (affine.ts); of two tensors a gate y = x ⊙ g
// (docs/engine.md §13): the gate is the operand that broadcasts (squeeze-excitation's [C,1,1]
// scale) or, for equal shapes, the one computed elementwise from the other (x·σ(x),
// x·hardsigmoid(x), GELU's x·Φ(x)). Of constant shape vectors it folds.
import type { NodeProto } from '../../../onnx/proto.ts';
import { gateOperands } from '../../shared.ts';
import type { OpEntry } from '../registry.ts';
import { foldArithmetic } from '../shape-folding.ts';
import type { ImportState } from '../state.ts';
import { constAffine } from './affine.ts';

export const mul: OpEntry = {
  ops: ['Mul'],
  layout: 'keeps',
  fold: foldArithmetic,
  convert(n: NodeProto, name: string, state: ImportState) {
    const out = state.singleOutput(n);
    const ins = n.input ?? [];
    if (ins.some((i) => state.isConst(i))) return constAffine(n, name, out, state);
    const [a, b] = [0, 1].map((k) => state.input(n, k));
    for (const t of [a, b]) state.noSpatialFlat(n, t);
    const [sa, sb] = [a, b].map((t) => state.shape(t));
    if (sa.length !== sb.length) state.fail(n, `multiplies tensors of ranks ${sa.length + 1} and ${sb.length + 1}`);
    if (sa.length === 3 && state.isChannelsLast(ins[0]) !== state.isChannelsLast(ins[1])) state.fail(n, 'multiplies an NCHW and a channels-last tensor');
    const pair = gateOperands(a, b, (t) => state.shape(t), (t) => state.producer(t));
    if (!pair) state.fail(n, `multiplies two feature maps ([${sa}] and [${sb}]) that are not a gate and its signal (a squeeze-excitation scale or an activation of the other operand)`);
    const [signal, gate] = pair;
    state.emit({ op: 'mul', name, inputs: [signal, gate], output: out }, out);
  },
};
