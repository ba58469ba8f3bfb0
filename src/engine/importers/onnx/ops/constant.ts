// Constant nodes become constants of the walk (converted before every other node: patterns
// read ahead, e.g. a LayerNorm's ε written after its ReduceMean).
import { attrInts } from '../../../onnx/proto.ts';
import type { OpEntry } from '../registry.ts';

export const constant: OpEntry = {
  ops: ['Constant'],
  layout: 'own',
  convert(n, _name, state) {
    const out = n.output![0];
    const t = n.attribute?.find((a) => a.name === 'value')?.t;
    if (t) return state.addConst(out, t);
    const ints = attrInts(n, 'value_ints');
    if (ints) return state.setConst(out, { dims: [ints.length], floats: Float32Array.from(ints), ints });
    const f = n.attribute?.find((a) => a.name === 'value_float');
    if (f) return state.setConst(out, { dims: [], floats: Float32Array.of(f.f ?? 0), ints: null });
    state.fail(n, 'only tensor, value_ints and value_float constants are supported');
  },
};
