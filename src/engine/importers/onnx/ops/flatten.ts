// Flatten to [N, features]. The IR flattens NHWC, so the output remembers the (h, w, c) map it
// came from: the Gemm that reads it reorders its weight rows from ONNX's (C,H,W) order.
import { attrInt, type NodeProto } from '../../../onnx/proto.ts';
import type { OpEntry } from '../registry.ts';
import type { ImportState } from '../state.ts';

/** an IR flatten of `input` (an identity when it is flat already) */
export function emitFlatten(n: NodeProto, name: string, input: string, out: string, state: ImportState): void {
  const s = state.shape(input);
  if (s.length === 1) return state.emit({ op: 'identity', name, inputs: [input], output: out }, out, state.flattenedFrom(input));
  if (s.some((d) => d == null)) state.fail(n, 'flattening a feature map needs a fixed input size');
  state.emit({ op: 'flatten', name, inputs: [input], output: out }, out, s as [number, number, number]);
}

export const flatten: OpEntry = {
  ops: ['Flatten'],
  layout: 'nchw',
  convert(n, name, state) {
    const out = state.singleOutput(n);
    const axis = attrInt(n, 'axis', 1);
    if (axis !== 1) state.fail(n, `Flatten axis must be 1, got ${axis}`);
    emitFlatten(n, name, state.input(n), out, state);
  },
};
