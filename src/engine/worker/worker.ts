// The engine worker: one executor per thread (onnxruntime when it loads, else TF.js on its
// best backend; RS_EXECUTOR overrides — see ../executor.ts); keeps loaded models; runs
// requests one image at a time, checking for cancellation between images.
import { stat } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import type { Graph } from '../ir.ts';
import { loadModel } from '../load.ts';
import { chooseExecutor, createCamExecutor, type CamExecutor } from '../executor.ts';
import type { CamResult } from '../cams/methods.ts';
import { modelKey, type FromWorker, type ModelRef, type ToWorker } from './protocol.ts';

const port = parentPort;
if (!port) throw new Error('engine worker: must run in a worker thread');

const models = new Map<string, { model: CamExecutor; stamp: string }>();
const cancelled = new Set<number>();

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
  const model = await createCamExecutor(graph as Graph, { executor, backend: requestedBackend, threads });
  models.set(key, { model, stamp });
  return model;
}

function send(msg: FromWorker, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(msg, transfer);
}

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
    const err = e as Error & { code?: string; userFacing?: boolean };
    send({ type: 'error', id: msg.id, code: err.code ?? 'INTERNAL', message: err.message, userFacing: err.userFacing === true });
  }
}

const requestedBackend = (workerData as { backend?: string }).backend;
// onnxruntime intra-op threads for this worker's sessions (the host shares the cores out)
const threads = (workerData as { threads?: number }).threads;
const executor = await chooseExecutor((workerData as { executor?: string }).executor);
// the TF.js backend starts once per thread, before the first model (its wasm takes a moment)
const backend = executor === 'tfjs' ? `tfjs-${await (await import('../tfjs/backend.ts')).initBackend(requestedBackend)}` : 'onnxruntime-cpu';
// requests run strictly one after another; cancel messages are handled at once
let chain: Promise<void> = Promise.resolve();
port.on('message', (msg: ToWorker) => {
  if (msg.type === 'cancel') cancelled.add(msg.id);
  else if (msg.type === 'crash') setImmediate(() => {
    throw new Error('engine worker: crash requested (test hook)');
  });
  else chain = chain.then(() => run(msg));
});
send({ type: 'ready', backend });
