// Conv (grouped and depthwise too): OIHW weights → the IR's HWIO, explicit or automatic pads.
import { attrInt } from '../../../onnx/proto.ts';
import { oihwToHwio } from '../../shared.ts';
import { oneInOneOut, type OpEntry } from '../registry.ts';
import { pads2d, pair } from '../window.ts';

export const conv: OpEntry = {
  ops: ['Conv'],
  layout: 'nchw',
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const ins = n.input ?? [];
    const groups = attrInt(n, 'group', 1);
    const w = state.constFloats(n, ins[1], 'weight');
    if (w.dims.length !== 4) state.fail(n, `weight must be 4-D (OIHW), got ${w.dims.length}-D`);
    const [o, i, kh, kw] = w.dims;
    const xs = state.spatialIn(n, input);
    if (groups < 1 || o % groups !== 0) state.fail(n, `group=${groups} does not divide the ${o} output channels`);
    if (xs[2] !== i * groups) state.fail(n, `weight expects ${i * groups} input channels (${i} per group × ${groups}), the input has ${xs[2]}`);
    const strides = pair(n, state, 'strides', [1, 1]);
    const dilations = pair(n, state, 'dilations', [1, 1]);
    const weight = state.param(`${name}.weight`, [kh, kw, i, o], oihwToHwio(w.floats, w.dims));
    let bias: string | undefined;
    if (ins[2]) {
      const b = state.constFloats(n, ins[2], 'bias');
      bias = state.param(`${name}.bias`, [o], b.floats);
    }
    const pads = pads2d(n, state, xs, [kh, kw], strides, dilations);
    state.emit({ op: 'conv2d', name, inputs: [input], output: out, weight, bias, strides, pads, dilations, ...(groups > 1 ? { groups } : {}) }, out);
  }),
};
