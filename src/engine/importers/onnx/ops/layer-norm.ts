// LayerNorm over the channels of a channels-last tensor (or of a flat vector): the
// LayerNormalization op (opset 17), and the pattern torch writes before opset 17, which
// starts at a ReduceMean over the channels:
//   μ = ReduceMean(x); d = Sub(x, μ); v = ReduceMean(Pow(d, 2)); y = Div(d, Sqrt(Add(v, ε)))
import { attrFloat, attrInt, attrInts, type NodeProto } from '../../../onnx/proto.ts';
import type { Shape } from '../../shapes.ts';
import { oneInOneOut, type OpEntry, type Pattern } from '../registry.ts';
import type { ImportState } from '../state.ts';

/** whether ReduceMean's axes are the channel axis of its input (in the input's ONNX layout) */
function channelAxes(n: NodeProto, onnxIn: string, shape: Shape, state: ImportState): boolean {
  const axes = (attrInts(n, 'axes') ?? []).map((a) => (a < 0 ? a + shape.length + 1 : a));
  const ch = shape.length === 3 && !state.isChannelsLast(onnxIn) ? 1 : shape.length;
  return axes.length === 1 && axes[0] === ch && attrInt(n, 'keepdims', 1) === 1;
}

const decomposed: Pattern = {
  startsAt: 'ReduceMean',
  convert(n, name, state) {
    const out = state.singleOutput(n);
    const input = state.input(n);
    const ins = n.input ?? [];
    const s = state.shape(input);
    const only = (t: string, op: string): NodeProto | null => {
      const r = state.readers(t);
      return r.length === 1 && r[0].opType === op ? r[0] : null;
    };
    if (!channelAxes(n, ins[0], s, state)) return false;
    const sub = only(out, 'Sub');
    if (!sub || sub.input?.[0] !== ins[0]) return false;
    const d = sub.output![0];
    const dReaders = state.readers(d);
    const pow = dReaders.find((r) => r.opType === 'Pow' || (r.opType === 'Mul' && r.input?.[0] === d && r.input?.[1] === d));
    const div = dReaders.find((r) => r.opType === 'Div' && r.input?.[0] === d);
    if (!pow || !div || dReaders.length !== 2) return false;
    if (pow.opType === 'Pow' && state.constant(pow.input![1])?.floats?.[0] !== 2) return false;
    const mean2 = only(pow.output![0], 'ReduceMean');
    if (!mean2 || !channelAxes(mean2, ins[0], s, state)) return false;
    const addEps = only(mean2.output![0], 'Add');
    const epsName = addEps?.input?.find((i) => state.isConst(i));
    if (!addEps || !epsName) return false;
    const sqrt = only(addEps.output![0], 'Sqrt');
    if (!sqrt || div.input?.[1] !== sqrt.output![0]) return false;
    for (const m of [sub, pow, mean2, addEps, sqrt, div]) state.consume(m);
    const y = div.output![0];
    state.emit({ op: 'layernorm', name, inputs: [input], output: y, epsilon: state.constant(epsName)!.floats![0] }, y);
    if (state.isChannelsLast(ins[0])) state.setChannelsLast(y, true);
    return true;
  },
};

export const layerNormalization: OpEntry = {
  ops: ['LayerNormalization'],
  layout: 'keeps',
  patterns: [decomposed],
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const ins = n.input ?? [];
    const s = state.shape(input);
    const rank = s.length + 1;
    let axis = attrInt(n, 'axis', -1);
    if (axis < 0) axis += rank;
    if (axis !== rank - 1 || (s.length === 3 && !state.isChannelsLast(ins[0]))) state.fail(n, 'LayerNormalization is supported only over the channels (the last axis of a channels-last tensor)');
    const c = s[s.length - 1] as number;
    const gamma = ins[1] ? state.param(`${name}.weight`, [c], state.constFloats(n, ins[1], 'scale').floats) : undefined;
    const beta = ins[2] ? state.param(`${name}.bias`, [c], state.constFloats(n, ins[2], 'bias').floats) : undefined;
    state.emit({ op: 'layernorm', name, inputs: [input], output: out, gamma, beta, epsilon: attrFloat(n, 'epsilon', 1e-5) }, out);
  }),
};
