// The CAM methods and their options (the engine's public vocabulary). The method names are
// the contract's (one list for the UI, the CLI and the engine).
import { CAM_METHOD_NAMES, type CamMethodName } from '../../contract/generation.ts';
import type { BiasMode } from '../rules/zplus.ts';

export const CAM_METHODS = CAM_METHOD_NAMES;
export type CamMethod = CamMethodName;
/** the methods that are one backward walk (all but Score-CAM, which is batched forwards) */
export type WalkMethod = Exclude<CamMethod, 'scorecam'>;

/** R-CAM's start vector at the logits (docs/engine.md §4) */
export type RelevanceInit = 'clrp' | 'onehot';

export type ScoreActivation = 'softmax' | 'sigmoid' | 'logits';

export interface CamRequest {
  method: CamMethod;
  /** `layer1..layer4`, `input` (the image: the walk goes through the stem) or any node / tensor name (resolved by layer-names.ts) */
  layer: string;
  /**
   * Further layers whose maps the same walk picks up on its way from the logits down to
   * `layer` (e.g. `['layer3', 'layer4']` with `layer: 'layer2'`): no extra forward and no
   * extra convolution, only one weighted sum per layer. Each must lie on that walk.
   * Not for scorecam (it has no walk).
   */
  deepLayers?: string[];
  /** 0-based output indices; default: the argmax of the logits */
  targets?: number[];
  /** rcam and clrp: output relevance (docs/engine.md §4), default clrp */
  init?: RelevanceInit;
  /** rcam: ReLU on the map (default false, docs/engine.md §5) */
  relu?: boolean;
  /** rcam and clrp: conv/dense bias in z⁺ (default ignore, docs/engine.md §3.1) */
  bias?: BiasMode;
  /** scorecam: how logits become scores (default: the model's own output activation, else softmax as the authors' code) */
  scoreActivation?: ScoreActivation;
  /** scorecam: channels per batched forward (default 16) */
  scoreBatch?: number;
  /** scorecam: only the first N channels (benchmarks extrapolate from it) */
  scoreChannels?: number;
}

/**
 * The raw map of one target output (model class) at one layer. Not src/masks' ClassCam,
 * which is the map of one project class ready for thresholding.
 */
export interface TargetMap {
  target: number;
  /** raw map at feature resolution, row-major h×w */
  data: Float32Array;
  h: number;
  w: number;
  /** Score-CAM: ReLU belongs after the resize (docs/engine.md §7.4); see displayMap */
  reluAfterResize: boolean;
}

/** The maps of one further layer of a request (CamRequest.deepLayers). */
export interface LayerMaps {
  /** the name as requested */
  layer: string;
  /** the tensor it resolved to */
  layerTensor: string;
  /** one per target, in the order of CamResult.maps */
  maps: TargetMap[];
}

export interface CamTimings {
  backend: string;
  forward_ms: number;
  map_ms: number;
  /** which executor ran it (absent: the TF.js CamModel) */
  executor?: 'tfjs' | 'onnxruntime';
  /** onnxruntime execution provider (cpu, cuda, dml, coreml) */
  provider?: string;
  /** onnxruntime intra-op threads of the session that ran it */
  threads?: number;
  /** forward, walk and map ran as one compiled graph: map_ms holds all of it, forward_ms is 0 */
  fused?: boolean;
  /** time to compile or load the compiled graph and open its session (first use only) */
  compile_ms?: number;
}

export interface CamResult {
  /** logits of the image (the pre-activation scores when the model ends in softmax/sigmoid) */
  logits: Float32Array;
  /** the tensor the layer name resolved to */
  layerTensor: string;
  maps: TargetMap[];
  /** the maps at CamRequest.deepLayers, in the requested order ([] when none were asked for) */
  deep: LayerMaps[];
  timings: CamTimings;
}

export function isCamMethod(s: string): s is CamMethod {
  return (CAM_METHODS as readonly string[]).includes(s);
}

/**
 * Every layer's maps of a result, the primary layer (`req.layer`) first, then
 * `req.deepLayers` in order: one TargetMap per (layer, target).
 */
export function layerMapsOf(req: Pick<CamRequest, 'layer'>, result: CamResult): LayerMaps[] {
  return [{ layer: req.layer, layerTensor: result.layerTensor, maps: result.maps }, ...result.deep];
}
