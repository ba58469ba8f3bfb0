// Relu, Sigmoid and the no-ops (Identity, Dropout in inference): the IR's own unary nodes.
// A flattened map passing through keeps its (C,H,W) order note for the Gemm after it.
import type { OpEntry } from '../registry.ts';

const IR_OP = { Relu: 'relu', Sigmoid: 'sigmoid', Identity: 'identity', Dropout: 'identity' } as const;

export const unary: OpEntry = {
  ops: ['Relu', 'Sigmoid', 'Identity', 'Dropout'],
  layout: 'keeps',
  convert(n, name, state) {
    const op = n.opType as keyof typeof IR_OP;
    const out = state.singleOutput(n);
    // torch.onnx.export writes an Identity over an initializer when two parameters share
    // one value (e.g. equal BN biases): the output is that constant under a new name.
    const shared = (op === 'Identity' || op === 'Dropout') && state.constant((n.input ?? [])[0]);
    if (shared) return state.setConst(out, shared);
    const input = state.input(n);
    state.emit({ op: IR_OP[op], name, inputs: [input], output: out }, out, state.flattenedFrom(input));
  },
};
