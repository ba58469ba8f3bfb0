// Elementwise activations the IR's `activation` node computes, with their ONNX attribute
// defaults. Clip (ReLU6 is Clip(0, 6)) takes its bounds as attributes before opset 11, as
// constant inputs after.
import type { ActivationFn } from '../../../ir.ts';
import { attrFloat, attrString, type NodeProto } from '../../../onnx/proto.ts';
import { oneInOneOut, type OpEntry } from '../registry.ts';
import type { ImportState } from '../state.ts';

type Spec = { fn: ActivationFn; alpha?: number; beta?: number };

function clip(n: NodeProto, state: ImportState): Spec {
  const ins = n.input ?? [];
  const bound = (k: number, attr: string, dflt: number) => (ins[k] ? state.constFloats(n, ins[k], attr).floats[0] : attrFloat(n, attr, dflt));
  const lo = bound(1, 'min', -Infinity);
  const hi = bound(2, 'max', Infinity);
  return { fn: 'clip', ...(Number.isFinite(lo) ? { alpha: lo } : {}), ...(Number.isFinite(hi) ? { beta: hi } : {}) };
}

const SPECS: Record<string, (n: NodeProto, state: ImportState) => Spec> = {
  Clip: clip,
  LeakyRelu: (n) => ({ fn: 'leakyrelu', alpha: attrFloat(n, 'alpha', 0.01) }),
  Elu: (n) => ({ fn: 'elu', alpha: attrFloat(n, 'alpha', 1) }),
  HardSigmoid: (n) => ({ fn: 'hardsigmoid', alpha: attrFloat(n, 'alpha', 0.2), beta: attrFloat(n, 'beta', 0.5) }),
  HardSwish: () => ({ fn: 'hardswish', alpha: 1 / 6, beta: 0.5 }),
  Tanh: () => ({ fn: 'tanh' }),
  Softplus: () => ({ fn: 'softplus' }),
  Erf: () => ({ fn: 'erf' }),
  Mish: () => ({ fn: 'mish' }),
  Gelu: (n) => ({ fn: attrString(n, 'approximate') === 'tanh' ? 'gelu-tanh' : 'gelu' }),
};

export const activations: OpEntry = {
  ops: Object.keys(SPECS),
  layout: 'keeps',
  convert: oneInOneOut((n, { name, input, out }, state) => {
    const spec = SPECS[n.opType ?? ''](n, state);
    state.noSpatialFlat(n, input);
    state.emit({ op: 'activation', name, inputs: [input], output: out, ...spec }, out);
  }),
};
