// ReduceMean over H and W: a global average pool. Over the channels it may only open a
// LayerNorm as torch writes it before opset 17 (that pattern lives in layer-norm.ts).
import { attrInt, attrInts } from '../../../onnx/proto.ts';
import { oneInOneOut, type OpEntry } from '../registry.ts';

export const reduceMean: OpEntry = {
  ops: ['ReduceMean'],
  layout: 'own',
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const s = state.shape(input);
    const axes = (attrInts(n, 'axes') ?? []).map((a) => (a < 0 ? a + s.length + 1 : a)).sort();
    if (s.length !== 3 || state.isChannelsLast((n.input ?? [])[0]) || axes.join() !== '2,3') {
      state.fail(n, 'ReduceMean is supported only over H and W (a global average pool) or as the start of a LayerNorm over the channels (ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div)');
    }
    state.emit({ op: 'globalavgpool', name, inputs: [input], output: out, keepDims: attrInt(n, 'keepdims', 1) === 1 }, out);
  }),
};
