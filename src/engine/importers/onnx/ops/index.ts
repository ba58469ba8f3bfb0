// Registers every ONNX op family (one file each in this folder), in the order the
// "unsupported op" message lists them. A new op: its file here, one line below, its test.
import { registerOp } from '../registry.ts';
import { activations } from './activations.ts';
import { add } from './add.ts';
import { divSub } from './affine.ts';
import { batchNormalization } from './batchnorm.ts';
import { concat } from './concat.ts';
import { constant } from './constant.ts';
import { conv } from './conv.ts';
import { gemm, matMul } from './dense.ts';
import { flatten } from './flatten.ts';
import { instanceNormalization } from './group-norm.ts';
import { layerNormalization } from './layer-norm.ts';
import { mul } from './mul.ts';
import { pad } from './pad.ts';
import { globalAveragePool, pool } from './pool.ts';
import { reduceMean } from './reduce-mean.ts';
import { reshape } from './reshape.ts';
import { gather, layerNormParts, sameValues, shapeOf } from './shape-ops.ts';
import { slice } from './slice.ts';
import { softmax } from './softmax.ts';
import { split } from './split.ts';
import { transpose } from './transpose.ts';
import { unary } from './unary.ts';

for (const entry of [
  conv, batchNormalization, unary, add, pool, globalAveragePool, gemm, matMul, flatten, reshape, pad,
  softmax, concat, constant, activations, mul, divSub, transpose, split, slice, layerNormalization,
  reduceMean, layerNormParts, shapeOf, gather, sameValues, instanceNormalization,
]) {
  registerOp(entry);
}
