// Concat along channels (DenseNet, Inception, ShuffleNet); of constant shape vectors it folds.
import { attrInt } from '../../../onnx/proto.ts';
import type { Convert, OpEntry } from '../registry.ts';
import { foldConcat } from '../shape-folding.ts';

const concatChannels: Convert = (n, name, state) => {
  const out = state.singleOutput(n);
  const inputs = (n.input ?? []).map((_, k) => state.input(n, k));
  const rank = state.shape(inputs[0]).length + 1;
  let axis = attrInt(n, 'axis', 1);
  if (axis < 0) axis += rank;
  if (axis !== 1) state.fail(n, `Concat is supported only along channels (axis 1), got axis ${axis}`);
  for (const i of inputs) state.noSpatialFlat(n, i);
  state.emit({ op: 'concat', name, inputs, output: out, axis: rank === 4 ? 3 : 1 }, out);
};

export const concat: OpEntry = { ops: ['Concat'], layout: 'nchw', fold: foldConcat, convert: concatChannels };
