// Reshapes torch writes: a flatten ([N, -1]); a channel shuffle ([N, g, C/g, H, W], Transpose
// of axes 1 and 2, back to [N, C, H, W]) as one channel permutation; [N, C] ↔ [N, C, 1, 1].
// The target must be constant (shape-folding.ts evaluates torch's Shape/Gather/Concat chains).
import type { OpEntry } from '../registry.ts';
import { emitFlatten } from './flatten.ts';

export const reshape: OpEntry = {
  ops: ['Reshape'],
  layout: 'nchw',
  convert(n, name, state) {
    const out = state.singleOutput(n);
    const ins = n.input ?? [];
    const target = state.constInts(n, ins[1], 'shape');
    const g = state.grouped.get(ins[0]);
    if (g) {
      const [h, w, c] = state.shape(g.ir) as number[];
      const ok = g.transposed && target.length === 4 && (target[1] === c || target[1] === -1) && target[2] === h && target[3] === w;
      if (!ok) state.fail(n, 'a grouped view [N, g, C/g, H, W] is supported only as a channel shuffle (Transpose 1↔2, then back to [N, C, H, W])');
      const per = c / g.g;
      const order = Array.from({ length: c }, (_, k) => (k % g.g) * per + Math.floor(k / g.g));
      return state.emit({ op: 'permute', name, inputs: [g.ir], output: out, order }, out);
    }
    const input = state.input(n);
    const s = state.shape(input);
    const known = s.every((d) => d != null) ? (s as number[]).reduce((a, b) => a * b, 1) : null;
    const per = target.slice(1);
    if (s.length === 3 && !state.isChannelsLast(ins[0]) && per.length === 4 && per[2] === s[0] && per[3] === s[1] && per[0] * per[1] === s[2]) {
      return void state.grouped.set(out, { ir: input, g: per[0], transposed: false });
    }
    if (s.length === 1 && per.length === 3 && per[0] === s[0] && per[1] === 1 && per[2] === 1) {
      return state.emit({ op: 'reshape', name, inputs: [input], output: out, shape: [1, 1, per[0]] }, out);
    }
    // only [N, -1] style reshapes: keep the batch (0, -1 or a batch size) and flatten the rest
    const ok = target.length === 2 && (target[1] === -1 ? target[0] !== -1 || known != null : known != null && target[1] === known);
    if (!ok) state.fail(n, `only reshapes to [N, -1] (a flatten), channel shuffles and [N, C] ↔ [N, C, 1, 1] are supported, got [${target.join(', ')}]`);
    emitFlatten(n, name, input, out, state);
  },
};
