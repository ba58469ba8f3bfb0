// Softmax over the class axis of the logits.
import { attrInt } from '../../../onnx/proto.ts';
import { oneInOneOut, type OpEntry } from '../registry.ts';

export const softmax: OpEntry = {
  ops: ['Softmax'],
  layout: 'nchw',
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const s = state.shape(input);
    const axis = attrInt(n, 'axis', -1);
    if (s.length !== 1 || (axis !== 1 && axis !== -1)) state.fail(n, 'Softmax is supported only over the class axis of an [N, K] tensor');
    state.noSpatialFlat(n, input);
    state.emit({ op: 'softmax', name, inputs: [input], output: out }, out);
  }),
};
