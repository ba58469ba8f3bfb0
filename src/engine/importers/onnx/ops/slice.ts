// Slice of one contiguous channel range (steps 1); of constant shape vectors it folds.
import { oneInOneOut, type OpEntry } from '../registry.ts';
import { foldSlice } from '../shape-folding.ts';

export const slice: OpEntry = {
  ops: ['Slice'],
  layout: 'nchw',
  fold: foldSlice,
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const ins = n.input ?? [];
    const s = state.shape(input);
    const c = s[s.length - 1] as number;
    const starts = state.constInts(n, ins[1], 'starts');
    const ends = state.constInts(n, ins[2], 'ends');
    const axes = ins[3] ? state.constInts(n, ins[3], 'axes') : [0];
    const steps = ins[4] ? state.constInts(n, ins[4], 'steps') : [1];
    const channelAxis = s.length === 3 && !state.isChannelsLast(ins[0]) ? 1 : s.length;
    const ax = axes.map((a) => (a < 0 ? a + s.length + 1 : a));
    if (ax.length !== 1 || ax[0] !== channelAxis || steps[0] !== 1) state.fail(n, 'Slice is supported only as one contiguous range of channels');
    const clamp = (v: number) => Math.max(0, Math.min(c, v < 0 ? v + c : v));
    const begin = clamp(starts[0]);
    const size = clamp(ends[0]) - begin;
    state.emit({ op: 'slice', name, inputs: [input], output: out, begin, size }, out);
  }),
};
