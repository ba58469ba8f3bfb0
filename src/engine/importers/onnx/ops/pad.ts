// Pad: constant spatial padding of an NCHW tensor (pads as an input from opset 11, an
// attribute before).
import { attrFloat, attrInts, attrString } from '../../../onnx/proto.ts';
import { windowProblem } from '../../shared.ts';
import { oneInOneOut, type OpEntry } from '../registry.ts';

export const pad: OpEntry = {
  ops: ['Pad'],
  layout: 'nchw',
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const ins = n.input ?? [];
    const mode = attrString(n, 'mode') ?? 'constant';
    if (mode !== 'constant') state.fail(n, `only constant padding is supported, got mode ${mode}`);
    if (ins[3]) state.fail(n, 'the axes input is not supported');
    const p = ins[1] ? state.constInts(n, ins[1], 'pads') : attrInts(n, 'pads') ?? [];
    let value = attrFloat(n, 'value', 0);
    if (ins[2]) value = state.constFloats(n, ins[2], 'constant_value').floats[0] ?? 0;
    state.spatialIn(n, input);
    if (p.length !== 8 || p[0] || p[1] || p[4] || p[5]) state.fail(n, `only spatial padding of an NCHW tensor is supported, got pads [${p.join(', ')}]`);
    if (p.some((v) => v < 0)) state.fail(n, 'negative pads (cropping) are not supported');
    const problem = windowProblem('pads', p, 0);
    if (problem) state.fail(n, problem);
    state.emit({ op: 'pad', name, inputs: [input], output: out, pads: [p[2], p[3], p[6], p[7]], value }, out);
  }),
};
