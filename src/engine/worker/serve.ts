// The engine worker's runtime: one executor per thread (onnxruntime when it loads, else
// TF.js on its best backend; RS_EXECUTOR overrides — see ../executor.ts); keeps loaded
// models; runs requests strictly one after another, checking for cancellation between
// images. A worker entry may add tasks of its own (the jobs' per-image pipeline) that run
// here over the same models, so a task's whole pipeline stays off the host's thread.
import { stat } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { Graph } from '../ir.ts';
import { loadModel } from '../load.ts';
import { chooseExecutor, createCamExecutor, type CamExecutor } from '../executor.ts';
import type { CamRequest, CamResult } from '../cams/methods.ts';
import { modelKey, type EngineImage, type FromWorker, type ModelRef, type ToWorker, type WorkerSetup } from './protocol.ts';

/** The engine as a worker entry's tasks see it: models loaded and kept in this thread. */
export interface InThreadEngine {
  run(model: ModelRef, images: readonly EngineImage[], cam: CamRequest): Promise<CamResult[]>;
}

/** What a task hands back: a structured-clone result and the buffers moved (not copied) with it. */
export interface TaskOutput {
  result: unknown;
  transfer?: ArrayBuffer[];
}

/** A worker entry's tasks, opened once per thread with the host's `tasks` value. */
export type OpenTasks = (config: unknown, engine: InThreadEngine) => Promise<(task: unknown) => Promise<TaskOutput>>;

export async function serveEngine(openTasks?: OpenTasks): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('engine worker: must run in a worker thread');
  const setup = workerData as WorkerSetup;
  const models = new Map<string, { model: CamExecutor; stamp: string }>();
  const cancelled = new Set<number>();
  // onnxruntime intra-op threads for this worker's sessions (the host shares the cores out)
  const executor = await chooseExecutor(setup.executor);
  // the TF.js backend starts once per thread, before the first model (its wasm takes a moment)
  let label = executor === 'tfjs' ? `tfjs-${await (await import('../tfjs/backend.ts')).initBackend(setup.backend)}` : 'onnxruntime-cpu';

  async function getModel(ref: ModelRef): Promise<CamExecutor> {
    const key = modelKey(ref);
    let stamp = 'ir';
    let graph: Graph | null = null;
    if ('file' in ref) {
      const st = await stat(ref.file).catch(() => null);
      stamp = st ? `${st.mtimeMs}:${st.size}` : 'missing';
    } else {
      graph = ref.graph;
    }
    const cached = models.get(key);
    if (cached && cached.stamp === stamp) return cached.model;
    await cached?.model.dispose();
    if ('file' in ref) graph = await loadModel(ref.file);
    const model = await createCamExecutor(graph as Graph, { executor, backend: setup.backend, threads: setup.threads });
    models.set(key, { model, stamp });
    // the executor label gets precise once a model runs (e.g. the provider onnxruntime chose)
    label = model.label;
    return model;
  }

  const engine: InThreadEngine = {
    async run(ref, images, cam) {
      const model = await getModel(ref);
      const out: CamResult[] = [];
      for (const img of images) out.push(await model.run(img.data, [img.height, img.width], cam));
      return out;
    },
  };
  const task = openTasks && setup.tasks !== undefined ? await openTasks(setup.tasks, engine) : null;

  const send = (msg: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
  const failed = (id: number, e: unknown) => {
    const err = e as Error & { code?: string; userFacing?: boolean };
    send({ type: 'error', id, code: err.code ?? 'INTERNAL', message: err.message, userFacing: err.userFacing === true });
  };

  async function run(msg: Extract<ToWorker, { type: 'run' }>): Promise<void> {
    try {
      const model = await getModel(msg.model);
      const results: CamResult[] = [];
      for (const img of msg.images) {
        // let a 'cancel' message in between images
        await new Promise((r) => setImmediate(r));
        if (cancelled.delete(msg.id)) {
          send({ type: 'cancelled', id: msg.id });
          return;
        }
        results.push(await model.run(img.data, [img.height, img.width], msg.cam));
      }
      const transfer = results.flatMap((r) => [r.logits.buffer as ArrayBuffer, ...[...r.maps, ...r.deep.flatMap((d) => d.maps)].map((m) => m.data.buffer as ArrayBuffer)]);
      send({ type: 'result', id: msg.id, response: { backend: model.label, results } }, transfer);
    } catch (e) {
      failed(msg.id, e);
    }
  }

  async function runTask(msg: Extract<ToWorker, { type: 'task' }>): Promise<void> {
    await new Promise((r) => setImmediate(r));
    if (cancelled.delete(msg.id)) return send({ type: 'cancelled', id: msg.id });
    if (!task) return failed(msg.id, new Error('engine worker: this worker entry runs no tasks'));
    try {
      const out = await task(msg.task);
      send({ type: 'task-result', id: msg.id, backend: label, result: out.result }, movable(out.transfer ?? []));
    } catch (e) {
      failed(msg.id, e);
    }
  }

  // requests run strictly one after another; cancel messages are handled at once
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'cancel') cancelled.add(msg.id);
    else if (msg.type === 'crash')
      setImmediate(() => {
        throw new Error('engine worker: crash requested (test hook)');
      });
    else if (msg.type === 'task') chain = chain.then(() => runTask(msg));
    else chain = chain.then(() => run(msg));
  });
  send({ type: 'ready', backend: label });
}

/** each buffer once, and only whole ones (a view into a shared pool is copied instead) */
function movable(buffers: ArrayBuffer[]): ArrayBuffer[] {
  return [...new Set(buffers)].filter((b) => b instanceof ArrayBuffer && b.byteLength > 0);
}
