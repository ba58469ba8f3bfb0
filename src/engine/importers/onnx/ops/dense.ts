// Gemm and MatMul: a Linear layer on [N, features] (weights [in, out], rows reordered when the
// input is an ONNX (C,H,W) flatten), or — MatMul on a channels-last map — a Linear applied per
// position (ConvNeXt's MLP), which is a 1×1 conv. MatMul keeps the layout; Gemm reads NCHW only.
import { attrFloat, attrInt, type NodeProto } from '../../../onnx/proto.ts';
import { permuteFlatRows, transpose2d } from '../../shared.ts';
import { oneInOneOut, type OpEntry } from '../registry.ts';
import type { ImportState } from '../state.ts';

/** a Linear applied per position of a channels-last map: a 1×1 conv, z⁺ per position */
function pointwise(n: NodeProto, name: string, input: string, out: string, state: ImportState): void {
  const w = state.constFloats(n, (n.input ?? [])[1], 'weight');
  const s = state.shape(input);
  if (w.dims.length !== 2 || w.dims[0] !== s[2]) state.fail(n, `weight must be [${s[2]}, out] for a per-position MatMul, got [${w.dims.join(', ')}]`);
  const [ci, co] = w.dims;
  const weight = state.param(`${name}.weight`, [1, 1, ci, co], w.floats.slice());
  state.emit({ op: 'conv2d', name, inputs: [input], output: out, weight, strides: [1, 1], pads: [0, 0, 0, 0], dilations: [1, 1] }, out);
}

const dense = oneInOneOut((n, { name, input, out }, state) => {
  const ins = n.input ?? [];
  const s = state.shape(input);
  if (n.opType === 'MatMul' && s.length === 3 && state.isChannelsLast(ins[0])) return pointwise(n, name, input, out, state);
  if (s.length !== 1) state.fail(n, `needs a 2-D [N, features] input, got rank ${s.length + 1} (add a Flatten)`);
  const w = state.constFloats(n, ins[1], 'weight');
  if (w.dims.length !== 2) state.fail(n, `weight must be 2-D, got ${w.dims.length}-D`);
  let data: Float32Array;
  let [inF, outF] = w.dims;
  let alpha = 1;
  let beta = 1;
  if (n.opType === 'Gemm') {
    if (attrInt(n, 'transA', 0) !== 0) state.fail(n, 'transA=1 is not supported');
    alpha = attrFloat(n, 'alpha', 1);
    beta = attrFloat(n, 'beta', 1);
    if (attrInt(n, 'transB', 0) === 1) {
      [outF, inF] = w.dims;
      data = transpose2d(w.floats, outF, inF);
    } else data = w.floats.slice();
  } else data = w.floats.slice();
  if (s[0] != null && s[0] !== inF) state.fail(n, `weight expects ${inF} input features, the input has ${s[0]}`);
  if (alpha !== 1) for (let k = 0; k < data.length; k++) data[k] *= alpha;
  const flat = state.flattenedFrom(input);
  if (flat && flat[0] * flat[1] > 1) data = permuteFlatRows(data, flat, outF);
  const weight = state.param(`${name}.weight`, [inF, outF], data);
  let bias: string | undefined;
  if (n.opType === 'Gemm' && ins[2]) {
    const b = state.constFloats(n, ins[2], 'bias');
    if (b.floats.length !== outF) state.fail(n, `bias must have ${outF} entries (per-output), got ${b.floats.length}`);
    bias = state.param(`${name}.bias`, [outF], b.floats.map((v) => v * beta));
  }
  state.emit({ op: 'dense', name, inputs: [input], output: out, weight, bias }, out);
});

export const gemm: OpEntry = { ops: ['Gemm'], layout: 'nchw', convert: dense };

export const matMul: OpEntry = { ops: ['MatMul'], layout: 'keeps', convert: dense };
