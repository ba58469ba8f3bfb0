// The CAM methods and their options (the engine's public vocabulary).
import type { BiasMode } from '../rules/zplus.ts';
import type { RelevanceInit } from './start.ts';

export const CAM_METHODS = ['rcam', 'gradcam', 'gradcampp', 'layercam', 'scorecam'] as const;
export type CamMethod = (typeof CAM_METHODS)[number];

export type ScoreActivation = 'softmax' | 'sigmoid' | 'logits';

export interface CamRequest {
  method: CamMethod;
  /** `layer1..layer4` or any node / tensor name (resolved by layer-names.ts) */
  layer: string;
  /** 0-based output indices; default: the argmax of the logits */
  targets?: number[];
  /** rcam: output relevance (spec §4), default clrp */
  init?: RelevanceInit;
  /** rcam: ReLU on the map (default false, spec §5) */
  relu?: boolean;
  /** rcam: conv/dense bias in z⁺ (default ignore, spec §3.1) */
  bias?: BiasMode;
  /** scorecam: how logits become scores (default: the model's own output activation, else softmax as the authors' code) */
  scoreActivation?: ScoreActivation;
  /** scorecam: channels per batched forward (default 16) */
  scoreBatch?: number;
  /** scorecam: only the first N channels (benchmarks extrapolate from it) */
  scoreChannels?: number;
}

export interface CamMap {
  target: number;
  /** raw map at feature resolution, row-major h×w */
  data: Float32Array;
  h: number;
  w: number;
  /** Score-CAM: ReLU belongs after the resize (spec §8.4); see displayMap */
  reluAfterResize: boolean;
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
  maps: CamMap[];
  timings: CamTimings;
}

export function isCamMethod(s: string): s is CamMethod {
  return (CAM_METHODS as readonly string[]).includes(s);
}
