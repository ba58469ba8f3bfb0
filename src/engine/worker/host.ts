// The engine host: N worker_threads, one executor each (onnxruntime or TF.js). Requests —
// model requests, or tasks of the worker entry's own (the jobs' per-image pipeline) —
// queue and go to the next idle worker; a request can be cancelled with an AbortSignal
// (between images; a worker that does not stop within `cancelGraceMs` is terminated and
// replaced); a worker that crashes fails its request with an error saying so and is
// replaced. Maps come back as Float32Arrays; tensors never leave the workers.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { StudioError } from '../../contract/errors.ts';
import type { ErrorCode } from '../../contract/api.ts';
import { sessionThreads } from '../ort/session.ts';
import { modelKey, type EngineRequest, type EngineResponse, type FromWorker, type ToWorker, type WorkerSetup } from './protocol.ts';

export interface EngineHostOptions {
  /** number of workers (default 1) */
  workers?: number;
  /** onnxruntime | tfjs (default: RS_EXECUTOR, else the fastest available; ../executor.ts) */
  executor?: string;
  /** RS_BACKEND-style override for the TF.js executor */
  backend?: string;
  /**
   * onnxruntime intra-op threads per worker (default: RS_ORT_THREADS, else the cores shared
   * out among the workers — one each when there are as many workers as cores, all of them
   * for a single worker such as the studio's live preview)
   */
  threads?: number;
  /**
   * the worker entry module (default: the engine's own, model requests only); a module
   * that calls serveEngine with its tasks (serve.ts), e.g. src/jobs/workers/worker.ts
   */
  entry?: URL;
  /** the entry's task configuration, handed to every worker (and to a replacement) */
  tasks?: unknown;
  /** called when a worker crashed (after its request was failed) */
  onWorkerCrash?: (info: { worker: number; message: string }) => void;
  cancelGraceMs?: number;
}

export class CancelledError extends Error {
  constructor() {
    super('engine request cancelled');
    this.name = 'CancelledError';
  }
}

/** a model request, or one of the entry's tasks */
type Work = { kind: 'run'; req: EngineRequest } | { kind: 'task'; task: unknown };

interface Job {
  id: number;
  work: Work;
  signal?: AbortSignal;
  resolve(r: unknown): void;
  reject(e: Error): void;
  slot?: Slot;
  onAbort?: () => void;
}

interface Slot {
  index: number;
  worker: Worker;
  ready: Promise<string>;
  job: Job | null;
  /** IR models already sent to this worker */
  models: Set<string>;
  dead: boolean;
  /** the worker reported its backend */
  up: boolean;
}

const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);
const ENTRY = new URL('./worker.ts', import.meta.url);

export class EngineHost {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private backendName = 'unknown';

  private constructor(private readonly opts: EngineHostOptions) {}

  /** starts the workers and waits until every one has its backend */
  static async start(opts: EngineHostOptions = {}): Promise<EngineHost> {
    const host = new EngineHost(opts);
    const n = Math.max(1, opts.workers ?? 1);
    for (let i = 0; i < n; i++) host.slots.push(host.spawn(i));
    const names = await Promise.all(host.slots.map((s) => s.ready));
    host.backendName = names[0];
    return host;
  }

  get backend(): string {
    return this.backendName;
  }

  get size(): number {
    return this.slots.length;
  }

  /** onnxruntime intra-op threads each worker's sessions get */
  get threads(): number {
    return workerThreads(this.opts.threads, Math.max(1, this.opts.workers ?? 1));
  }

  run(req: EngineRequest, signal?: AbortSignal): Promise<EngineResponse> {
    return this.submit<EngineResponse>({ kind: 'run', req }, signal);
  }

  /** One of the worker entry's own tasks (EngineHostOptions.entry); resolves with its result. */
  task<R>(task: unknown, signal?: AbortSignal): Promise<R> {
    return this.submit<R>({ kind: 'task', task }, signal);
  }

  private submit<R>(work: Work, signal?: AbortSignal): Promise<R> {
    if (this.closed) return Promise.reject(new Error('engine host is closed'));
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise<R>((resolve, reject) => {
      const job: Job = { id: this.nextId++, work, signal, resolve: resolve as (r: unknown) => void, reject };
      if (signal) {
        job.onAbort = () => this.cancel(job);
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.dispatch();
    });
  }

  /** test hook: makes worker `index` crash */
  crashWorker(index: number): void {
    this.slots[index].worker.postMessage({ type: 'crash' } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    // a request still waiting when the studio closes the project or shuts down: an expected
    // end, answered in one line (BUSY: asked again, it runs on the next engine)
    const closed = () => new StudioError('BUSY', 'the engine was stopped (project closed or studio shutting down) before this request finished; try again');
    for (const j of this.queue.splice(0)) this.finish(j, closed());
    await Promise.all(
      this.slots.map((s) => {
        s.dead = true;
        if (s.job) this.finish(s.job, closed());
        return s.worker.terminate();
      }),
    );
  }

  private spawn(index: number): Slot {
    const setup: WorkerSetup = { entry: (this.opts.entry ?? ENTRY).href, backend: this.opts.backend, executor: this.opts.executor, threads: this.threads, tasks: this.opts.tasks };
    const worker = new Worker(BOOTSTRAP, { workerData: setup });
    let readyResolve!: (b: string) => void;
    let readyReject!: (e: Error) => void;
    const ready = new Promise<string>((res, rej) => {
      readyResolve = res;
      readyReject = rej;
    });
    ready.catch(() => {});
    const slot: Slot = { index, worker, ready, job: null, models: new Set(), dead: false, up: false };
    worker.on('message', (msg: FromWorker) => {
      if (msg.type === 'ready') {
        slot.up = true;
        readyResolve(msg.backend);
        this.dispatch();
        return;
      }
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      slot.job = null;
      if (msg.type === 'result') {
        // the executor label gets precise once a model runs (e.g. the provider onnxruntime chose)
        this.backendName = msg.response.backend;
        this.finish(job, null, msg.response);
      } else if (msg.type === 'task-result') {
        this.backendName = msg.backend;
        this.finish(job, null, msg.result);
      } else if (msg.type === 'cancelled') this.finish(job, new CancelledError());
      else {
        this.finish(job, msg.userFacing ? new StudioError(msg.code as ErrorCode, msg.message) : new Error(msg.message));
        // a failed IR transfer must not be assumed cached
        if (job.work.kind === 'run' && 'key' in job.work.req.model) slot.models.delete(modelKey(job.work.req.model));
      }
      this.dispatch();
    });
    const died = (message: string) => {
      if (slot.dead) return;
      slot.dead = true;
      readyReject(new Error(message));
      const job = slot.job;
      slot.job = null;
      if (job) this.finish(job, new StudioError('INTERNAL', `engine worker ${index} crashed while running ${job.work.kind === 'run' ? `a ${job.work.req.cam.method} request` : 'an image'}: ${message}; it was replaced`));
      this.opts.onWorkerCrash?.({ worker: index, message });
      void worker.terminate();
      if (!this.closed) {
        this.slots[index] = this.spawn(index);
      }
    };
    worker.on('error', (e) => died(e.message));
    worker.on('exit', (code) => died(`exited with code ${code}`));
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.dead || slot.job) continue;
      if (!slot.up) continue; // only workers whose backend is up take work
      const job = this.queue.shift() as Job;
      slot.job = job;
      job.slot = slot;
      if (job.work.kind === 'task') {
        slot.worker.postMessage({ type: 'task', id: job.id, task: job.work.task } satisfies ToWorker);
        continue;
      }
      const req = job.work.req;
      const key = modelKey(req.model);
      // send an IR graph only once per worker
      const model = 'key' in req.model && slot.models.has(key) ? { key: req.model.key, graph: emptyGraph } : req.model;
      if ('key' in req.model) slot.models.add(key);
      slot.worker.postMessage({ type: 'run', id: job.id, model, images: req.images, cam: req.cam } satisfies ToWorker);
    }
  }

  private cancel(job: Job): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.finish(job, new CancelledError());
      return;
    }
    const slot = job.slot;
    if (!slot || slot.job !== job) return;
    slot.worker.postMessage({ type: 'cancel', id: job.id } satisfies ToWorker);
    setTimeout(() => {
      if (slot.job !== job || slot.dead) return;
      // still busy inside one image: stop the thread, start a fresh one
      slot.dead = true;
      slot.job = null;
      this.finish(job, new CancelledError());
      void slot.worker.terminate();
      if (!this.closed) {
        this.slots[slot.index] = this.spawn(slot.index);
        this.dispatch();
      }
    }, this.opts.cancelGraceMs ?? 2000).unref();
  }

  private finish(job: Job, err: Error | null, res?: unknown): void {
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    if (err) job.reject(err);
    else job.resolve(res);
  }
}

/** placeholder sent when the worker already holds the IR under that key */
const emptyGraph = { source: { format: 'code' as const }, input: { name: '', shape: [null, null, 0] as [null, null, number] }, output: '', nodes: [], params: {} };

/** intra-op threads per worker: `asked`, else RS_ORT_THREADS, else the cores over the workers */
export function workerThreads(asked: number | undefined, workers: number, cores = os.availableParallelism()): number {
  return sessionThreads(asked, Math.floor(cores / Math.max(1, workers)));
}
