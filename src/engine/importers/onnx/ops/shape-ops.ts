// Ops that appear only as parts of something else: integer shape arithmetic (folded into
// constants, shape-folding.ts) and a decomposed LayerNorm's Pow and Sqrt (taken over by its
// pattern, layer-norm.ts). Reaching one on its own is an error naming both uses.
import type { Convert, OpEntry } from '../registry.ts';
import { foldGather, foldSame, foldShape } from '../shape-folding.ts';

const onlyAsPart: Convert = (n, _name, state) => {
  state.singleOutput(n);
  state.fail(n, `${n.opType} is supported only inside a LayerNorm (ReduceMean, Sub, Pow, Sqrt, Div) or on constant shape vectors`);
};

export const layerNormParts: OpEntry = { ops: ['Pow', 'Sqrt'], layout: 'nchw', convert: onlyAsPart };

export const shapeOf: OpEntry = { ops: ['Shape'], layout: 'nchw', fold: foldShape, convert: onlyAsPart };

export const gather: OpEntry = { ops: ['Gather'], layout: 'nchw', fold: foldGather, convert: onlyAsPart };

export const sameValues: OpEntry = { ops: ['Unsqueeze', 'Squeeze', 'Cast'], layout: 'nchw', fold: foldSame, convert: onlyAsPart };
