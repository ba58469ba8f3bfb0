// BatchNormalization in inference mode (a model exported after model.eval(), BN kept with
// TrainingMode.PRESERVE); a training-mode export is refused with how to re-export.
import { attrFloat, attrInt } from '../../../onnx/proto.ts';
import type { OpEntry } from '../registry.ts';

const INPUTS = ['scale', 'bias', 'mean', 'variance'];
const PARAMS = ['weight', 'bias', 'running_mean', 'running_var'];

export const batchNormalization: OpEntry = {
  ops: ['BatchNormalization'],
  layout: 'nchw',
  convert(n, name, state) {
    const ins = n.input ?? [];
    if (attrInt(n, 'training_mode', 0) !== 0 || (n.output ?? []).slice(1).some((o) => o && state.consumers(o) > 0)) {
      state.fail(n, 'BatchNormalization was exported in training mode; export with model.eval() (and training=TrainingMode.PRESERVE to keep BN)');
    }
    const out = state.singleOutput(n);
    const [gamma, beta, mean, variance] = [1, 2, 3, 4].map((k, j) => {
      const c = state.constFloats(n, ins[k], INPUTS[j]);
      return state.param(`${name}.${PARAMS[j]}`, [c.floats.length], c.floats);
    });
    const input = state.input(n);
    state.spatialIn(n, input);
    state.emit({ op: 'batchnorm', name, inputs: [input], output: out, gamma, beta, mean, variance, epsilon: attrFloat(n, 'epsilon', 1e-5) }, out);
  },
};
