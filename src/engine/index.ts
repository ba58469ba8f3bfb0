// The engine's public face: what the jobs, the CLI and the services use. Everything else
// under src/engine is the engine's own (tests may reach in to check the parts).
//
// A CAM request goes through a CamExecutor (createCamExecutor: onnxruntime or TF.js) in
// this thread, or through an EngineHost (worker threads) for batches; both take the same
// CamRequest and give the same CamResult (docs/engine.md §10).

// CAM requests and results
export {
  CAM_METHODS,
  isCamMethod,
  layerMapsOf,
  type CamMethod,
  type CamRequest,
  type CamResult,
  type CamTimings,
  type LayerMaps,
  type RelevanceInit,
  type ScoreActivation,
  type TargetMap,
  type WalkMethod,
} from './cams/methods.ts';
export { displayMap, meanStdMask } from './cams/display.ts';
export { assertFinite, nonFinite, type EngineOutputs } from './cams/finite.ts';

// models
export type { Graph } from './ir.ts';
export { loadModel } from './load.ts';
export { resolveLayer, residualGroupNames } from './layer-names.ts';
export { logitsTensor } from './exec/forward.ts';
export { concreteShapes } from './exec/analysis.ts';

// input and output
export { IMAGENET, decodeImage, parsePreprocess, preprocessFile, preprocessRgb, readPreprocessFor, type PreprocessConfig, type Preprocessed } from './preprocess.ts';
export { probabilities } from './scores.ts';

// executors
export { EXECUTORS, chooseExecutor, createCamExecutor, executorLabel, type CamExecutor, type ExecutorName, type ExecutorOptions } from './executor.ts';
export { CancelledError, EngineHost, type EngineHostOptions } from './worker/host.ts';
export { serveEngine, type InThreadEngine, type OpenTasks, type TaskOutput } from './worker/serve.ts';
export type { EngineImage, EngineRequest, EngineResponse, ModelRef } from './worker/protocol.ts';
