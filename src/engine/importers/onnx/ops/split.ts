// Split along channels (torch.chunk / split): one slice node per output.
import { attrInt, attrInts } from '../../../onnx/proto.ts';
import type { OpEntry } from '../registry.ts';

export const split: OpEntry = {
  ops: ['Split'],
  layout: 'nchw',
  convert(n, name, state) {
    const ins = n.input ?? [];
    const input = state.input(n);
    const s = state.shape(input);
    const rank = s.length + 1;
    let axis = attrInt(n, 'axis', 0);
    if (axis < 0) axis += rank;
    const last = state.isChannelsLast(ins[0]);
    const channelAxis = s.length === 3 ? (last ? 3 : 1) : 1;
    if (axis !== channelAxis) state.fail(n, `Split is supported only along channels, got axis ${axis}`);
    const c = s[s.length - 1] as number;
    const outs = n.output ?? [];
    const sizes = ins[1] ? state.constInts(n, ins[1], 'split') : (attrInts(n, 'split') ?? outs.map(() => c / outs.length));
    if (sizes.length !== outs.length || sizes.reduce((a, b) => a + b, 0) !== c) state.fail(n, `split sizes [${sizes.join(', ')}] do not cover the ${c} channels`);
    let begin = 0;
    outs.forEach((o, k) => {
      if (o) {
        state.emit({ op: 'slice', name: k === 0 ? name : `${name}_${k}`, inputs: [input], output: o, begin, size: sizes[k] }, o);
        if (last) state.setChannelsLast(o, true);
      }
      begin += sizes[k];
    });
  },
};
