// Executor choice: onnxruntime when onnxruntime-node loads (one compiled
// graph per method and layer, ≈ 6× the throughput of tfjs-wasm on a laptop CPU, GPUs through
// CUDA / DirectML / CoreML), else TF.js on its best backend. RS_EXECUTOR=onnxruntime|tfjs
// overrides. Both executors sit behind one asynchronous surface, and every CamResult's
// timings say which executor and which backend / provider produced them.
import { StudioError } from '../contract/errors.ts';
import type { Graph } from './ir.ts';
import type { CamRequest, CamResult } from './cams/methods.ts';
import { OrtCamModel, type OrtCamModelOptions } from './ort/cam-model.ts';
import { loadOrt, ortLoadError } from './ort/session.ts';

export type ExecutorName = 'onnxruntime' | 'tfjs';
export const EXECUTORS: readonly ExecutorName[] = ['onnxruntime', 'tfjs'];

/** What every caller needs from a CAM executor (CamModel and OrtCamModel behind one face). */
export interface CamExecutor {
  readonly executor: ExecutorName;
  /** `onnxruntime-cpu`, `onnxruntime-cuda`, `tfjs-wasm`, … (as in CamTimings.backend) */
  readonly label: string;
  readonly graph: Graph;
  run(input: Float32Array, hw: [number, number], req: CamRequest): Promise<CamResult>;
  predict(input: Float32Array, shape: [number, number, number, number]): Promise<Float32Array>;
  dispose(): Promise<void>;
}

export interface ExecutorOptions extends OrtCamModelOptions {
  /** default: RS_EXECUTOR, else the fastest available */
  executor?: string;
  /** TF.js backend override (default RS_BACKEND, else tensorflow → wasm → cpu) */
  backend?: string;
}

/** the executor to use: `prefer` (or RS_EXECUTOR) when given, else onnxruntime if it loads, else tfjs */
export async function chooseExecutor(prefer: string | undefined = process.env.RS_EXECUTOR): Promise<ExecutorName> {
  if (prefer) {
    if (!(EXECUTORS as readonly string[]).includes(prefer)) {
      throw new StudioError('BAD_REQUEST', `RS_EXECUTOR=${prefer}: expected onnxruntime or tfjs`);
    }
    if (prefer === 'onnxruntime' && !(await loadOrt())) {
      throw new StudioError('INTERNAL', `RS_EXECUTOR=onnxruntime, but onnxruntime-node could not be loaded (${ortLoadError()})`);
    }
    return prefer as ExecutorName;
  }
  return (await loadOrt()) ? 'onnxruntime' : 'tfjs';
}

/** A CAM executor for `graph` on the chosen executor. */
export async function createCamExecutor(graph: Graph, opts: ExecutorOptions = {}): Promise<CamExecutor> {
  const which = await chooseExecutor(opts.executor ?? process.env.RS_EXECUTOR);
  if (which === 'onnxruntime') return new OrtExecutor(await OrtCamModel.create(graph, opts));
  // TF.js is loaded only when it is the executor (its wasm backend takes a moment to start)
  const { initBackend } = await import('./tfjs/backend.ts');
  const { CamModel } = await import('./tfjs/cam-model.ts');
  const backend = await initBackend(opts.backend);
  return new TfjsExecutor(new CamModel(graph), backend);
}

class OrtExecutor implements CamExecutor {
  readonly executor = 'onnxruntime' as const;
  constructor(readonly model: OrtCamModel) {}
  get graph(): Graph {
    return this.model.graph;
  }
  get label(): string {
    return `onnxruntime-${this.model.provider}`;
  }
  run(input: Float32Array, hw: [number, number], req: CamRequest): Promise<CamResult> {
    return this.model.run(input, hw, req);
  }
  predict(input: Float32Array, shape: [number, number, number, number]): Promise<Float32Array> {
    return this.model.predict(input, shape);
  }
  dispose(): Promise<void> {
    return this.model.dispose();
  }
}

interface TfjsCamModel {
  readonly graph: Graph;
  run(input: Float32Array, hw: [number, number], req: CamRequest): CamResult;
  predict(input: Float32Array, shape: [number, number, number, number]): Float32Array;
  dispose(): void;
}

class TfjsExecutor implements CamExecutor {
  readonly executor = 'tfjs' as const;
  readonly label: string;
  constructor(
    readonly model: TfjsCamModel,
    backend: string,
  ) {
    this.label = `tfjs-${backend}`;
  }
  get graph(): Graph {
    return this.model.graph;
  }
  async run(input: Float32Array, hw: [number, number], req: CamRequest): Promise<CamResult> {
    const r = this.model.run(input, hw, req);
    return { ...r, timings: { ...r.timings, executor: 'tfjs' } };
  }
  async predict(input: Float32Array, shape: [number, number, number, number]): Promise<Float32Array> {
    return this.model.predict(input, shape);
  }
  async dispose(): Promise<void> {
    this.model.dispose();
  }
}

/** `onnxruntime/cpu`, `tfjs/wasm`: the executor and its provider / backend, for reports */
export function executorLabel(t: { backend: string; executor?: string; provider?: string }): string {
  if (t.executor === 'onnxruntime') return `onnxruntime/${t.provider ?? 'cpu'}`;
  return `tfjs/${t.backend}`;
}
