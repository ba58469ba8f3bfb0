// Add of two tensors of one shape (a residual); a constant added to a bias-less MatMul (or
// per-position 1×1 conv) output becomes that layer's bias; any other constant is an affine
// shift (affine.ts). Of constant shape vectors it folds.
import type { OpEntry } from '../registry.ts';
import { foldArithmetic } from '../shape-folding.ts';
import { constAffine } from './affine.ts';

export const add: OpEntry = {
  ops: ['Add'],
  layout: 'keeps',
  fold: foldArithmetic,
  convert(n, name, state) {
    const out = state.singleOutput(n);
    const ins = n.input ?? [];
    const ci = ins.findIndex((i) => state.isConst(i));
    if (ci < 0) {
      const inputs = ins.map((_, k) => state.input(n, k));
      const [a, b] = inputs.map((i) => state.shape(i));
      if (a.length !== b.length || a.some((d, k) => d != null && b[k] != null && d !== b[k])) {
        state.fail(n, `adds tensors of different shapes [${a}] and [${b}]; broadcasting is not supported`);
      }
      for (const i of inputs) state.noSpatialFlat(n, i);
      if (a.length === 3 && state.isChannelsLast(ins[0]) !== state.isChannelsLast(ins[1])) state.fail(n, 'adds an NCHW and a channels-last tensor');
      return state.emit({ op: 'add', name, inputs, output: out }, out);
    }
    // a constant added to a bias-less MatMul output is that dense layer's bias
    const other = state.input(n, 1 - ci);
    const prod = state.producer(other);
    const c = state.constFloats(n, ins[ci], 'bias');
    const last = state.isChannelsLast(ins[1 - ci]);
    const outC = prod?.op === 'dense' ? state.params[prod.weight].shape[1] : prod?.op === 'conv2d' && last ? state.params[prod.weight].shape[3] : -1;
    if ((prod?.op === 'dense' || prod?.op === 'conv2d') && !prod.bias && state.consumers(ins[1 - ci]) === 1 && c.floats.length === outC) {
      prod.bias = state.param(`${prod.name}.bias`, [c.floats.length], c.floats);
      state.aliasOf(out, prod.output);
      if (last) state.setChannelsLast(out, true);
      return;
    }
    constAffine(n, name, out, state);
  },
};
