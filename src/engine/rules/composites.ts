// The composites the CAM methods use.
import { Composite } from './composite.ts';
import {
  addGradient, avgPoolGradient, batchNormGradient, convGradient, denseGradient, globalAvgPoolGradient,
  maxPoolGradient, reluGradient, sigmoidGradient, softmaxGradient,
} from './gradient.ts';
import { activationGradient, affineGradient, gateGradient, gateRule, normGradientRule } from './elementwise.ts';
import { concatRule, flattenRule, padRule, unpermuteRule, unreshapeRule, unsliceRule } from './layout.ts';
import { passRule } from './pass.ts';
import { avgPoolProportionalRule, gapProportionalRule, maxPoolWinnerRule } from './pool.ts';
import { residualSplitRule } from './residual.ts';
import { type BiasMode, ZPlusRule } from './zplus.ts';
import { zboxEntries } from './zbox.ts';
import type { Graph } from '../ir.ts';

export interface RcamCompositeOptions {
  /** conv / dense bias in z⁺: ignored (default, docs/engine.md §3.1) or counted as the authors' code does */
  bias?: BiasMode;
  /** the graph the walk runs on: its first convolutions get the zᴮ rule (§3.12; only a walk to the input reaches them) */
  graph?: Graph;
}

/**
 * Relevance-CAM's LRP composite (docs/engine.md §3): α1β0 for conv and dense, identity for
 * BatchNorm / ReLU / Dropout / Identity, proportional global average pool, signed residual
 * split, winner-take-all max pool; fan-out is summed by the walker (§3.8). Beyond the
 * authors' code (§13): grouped convs by the same z⁺, every other activation, sigmoid
 * inside the body, constant scale/shift and LayerNorm/GroupNorm as identity, gates give
 * all relevance to the signal, permutations / slices / reshapes are undone. With the graph,
 * the convolutions that read the image take zᴮ as the authors' code does (CLRP at the input).
 */
export function rcamComposite(opts: RcamCompositeOptions = {}): Composite {
  const zplus = new ZPlusRule(opts.bias ?? 'ignore');
  const base = new Composite('rcam', [
    { match: { op: ['conv2d', 'dense'] }, rule: zplus },
    { match: { op: ['batchnorm', 'relu', 'identity', 'activation', 'sigmoid', 'affine', 'layernorm', 'groupnorm'] }, rule: passRule },
    { match: { op: 'mul' }, rule: gateRule },
    { match: { op: 'add' }, rule: residualSplitRule },
    { match: { op: 'globalavgpool' }, rule: gapProportionalRule },
    { match: { op: 'avgpool' }, rule: avgPoolProportionalRule },
    { match: { op: 'maxpool' }, rule: maxPoolWinnerRule },
    { match: { op: 'flatten' }, rule: flattenRule },
    { match: { op: 'pad' }, rule: padRule },
    { match: { op: 'concat' }, rule: concatRule },
    ...layoutEntries(),
  ]);
  return opts.graph ? base.with(zboxEntries(opts.graph)) : base;
}

function layoutEntries() {
  return [
    { match: { op: 'permute' as const }, rule: unpermuteRule },
    { match: { op: 'slice' as const }, rule: unsliceRule },
    { match: { op: 'reshape' as const }, rule: unreshapeRule },
  ];
}

/** The chain rule for every node type (Grad-CAM family). */
export function gradientComposite(): Composite {
  return new Composite('gradient', [
    { match: { op: 'conv2d' }, rule: convGradient },
    { match: { op: 'dense' }, rule: denseGradient },
    { match: { op: 'batchnorm' }, rule: batchNormGradient },
    { match: { op: 'relu' }, rule: reluGradient },
    { match: { op: 'sigmoid' }, rule: sigmoidGradient },
    { match: { op: 'softmax' }, rule: softmaxGradient },
    { match: { op: 'identity' }, rule: passRule },
    { match: { op: 'add' }, rule: addGradient },
    { match: { op: 'globalavgpool' }, rule: globalAvgPoolGradient },
    { match: { op: 'maxpool' }, rule: maxPoolGradient },
    { match: { op: 'avgpool' }, rule: avgPoolGradient },
    { match: { op: 'flatten' }, rule: flattenRule },
    { match: { op: 'pad' }, rule: padRule },
    { match: { op: 'concat' }, rule: concatRule },
    { match: { op: 'activation' }, rule: activationGradient },
    { match: { op: 'mul' }, rule: gateGradient },
    { match: { op: 'affine' }, rule: affineGradient },
    { match: { op: ['layernorm', 'groupnorm'] }, rule: normGradientRule },
    ...layoutEntries(),
  ]);
}
