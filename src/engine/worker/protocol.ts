// Messages between the engine host (main thread) and its workers. Everything here is
// structured-clone data: graphs as plain objects with Float32Arrays, maps as Float32Arrays.
import type { Graph } from '../ir.ts';
import type { CamRequest, CamResult } from '../cams/methods.ts';

/** a model file path (ONNX / TF.js model.json, loaded in the worker) or an IR graph with a cache key */
export type ModelRef = { file: string } | { key: string; graph: Graph };

export interface EngineImage {
  /** preprocessed NHWC float32, [1, height, width, C] */
  data: Float32Array;
  height: number;
  width: number;
}

export interface EngineRequest {
  model: ModelRef;
  images: EngineImage[];
  cam: CamRequest;
}

export interface EngineResponse {
  backend: string;
  /** one per image, in order */
  results: CamResult[];
}

/** What each worker thread starts with (workerData). */
export interface WorkerSetup {
  /** the worker entry module (loaded through the tsx bootstrap in development) */
  entry: string;
  backend?: string;
  executor?: string;
  threads: number;
  /** the entry's task configuration (absent: the worker runs model requests only) */
  tasks?: unknown;
}

export type ToWorker =
  | { type: 'run'; id: number; model: ModelRef; images: EngineImage[]; cam: CamRequest }
  /** one of the worker entry's own tasks (serve.ts OpenTasks) */
  | { type: 'task'; id: number; task: unknown }
  | { type: 'cancel'; id: number }
  /** test hook: the worker dies as a native crash would */
  | { type: 'crash' };

export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'result'; id: number; response: EngineResponse }
  | { type: 'task-result'; id: number; backend: string; result: unknown }
  | { type: 'cancelled'; id: number }
  | { type: 'error'; id: number; code: string; message: string; userFacing: boolean };

export function modelKey(ref: ModelRef): string {
  return 'file' in ref ? `file:${ref.file}` : `ir:${ref.key}`;
}
