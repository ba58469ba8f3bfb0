// Transpose: NCHW ↔ NHWC changes only how the ONNX tensor is laid out (the IR is NHWC
// already), so it emits nothing; axes 1↔2 of a grouped view is a channel shuffle's middle step.
import { attrInts } from '../../../onnx/proto.ts';
import type { Convert, OpEntry } from '../registry.ts';

const layoutOnly: Convert = (n, _name, state) => {
  const out = state.singleOutput(n);
  const ins = n.input ?? [];
  const perm = attrInts(n, 'perm') ?? [];
  const g = state.grouped.get(ins[0]);
  if (g && !g.transposed && perm.join() === '0,2,1,3,4') return void state.grouped.set(out, { ...g, transposed: true });
  const input = state.input(n);
  const s = state.shape(input);
  const last = state.isChannelsLast(ins[0]);
  if (s.length === 3 && !last && perm.join() === '0,2,3,1') state.setChannelsLast(out, true);
  else if (s.length === 3 && last && perm.join() === '0,3,1,2') state.setChannelsLast(out, false);
  else state.fail(n, `only NCHW↔NHWC transposes and channel shuffles are supported, got perm [${perm.join(', ')}] on a ${last ? 'channels-last' : 'NCHW'} rank-${s.length + 1} tensor`);
  state.aliasOf(out, input);
};

export const transpose: OpEntry = { ops: ['Transpose'], layout: 'own', convert: layoutOnly };
