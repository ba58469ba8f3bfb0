// MaxPool and AveragePool (explicit or automatic pads, ceil_mode, count_include_pad) and
// GlobalAveragePool.
import { attrInt, attrInts } from '../../../onnx/proto.ts';
import { oneInOneOut, type OpEntry } from '../registry.ts';
import { ceilPads, pads2d, pair } from '../window.ts';

export const pool: OpEntry = {
  ops: ['MaxPool', 'AveragePool'],
  layout: 'nchw',
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const xs = state.spatialIn(n, input);
    const kernel = pair(n, state, 'kernel_shape');
    const strides = pair(n, state, 'strides', [1, 1]);
    const dil = attrInts(n, 'dilations');
    if (dil && dil.some((d) => d !== 1)) state.fail(n, 'dilated pooling is not supported');
    const countIncludePad = attrInt(n, 'count_include_pad', 0) === 1;
    if (n.opType === 'AveragePool' && countIncludePad && attrInt(n, 'ceil_mode', 0) === 1) {
      state.fail(n, 'count_include_pad=1 with ceil_mode=1 is not supported');
    }
    const pads = ceilPads(n, state, xs, kernel, strides, pads2d(n, state, xs, kernel, strides, [1, 1]));
    if (n.opType === 'MaxPool') state.emit({ op: 'maxpool', name, inputs: [input], output: out, kernel, strides, pads }, out);
    else state.emit({ op: 'avgpool', name, inputs: [input], output: out, kernel, strides, pads, countIncludePad }, out);
  }),
};

export const globalAveragePool: OpEntry = {
  ops: ['GlobalAveragePool'],
  layout: 'nchw',
  convert: oneInOneOut((n, { name, input, out }, state) => {
    state.spatialIn(n, input);
    state.emit({ op: 'globalavgpool', name, inputs: [input], output: out, keepDims: true }, out);
  }),
};
