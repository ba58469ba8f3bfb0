// The engine worker entry: model requests only (see serve.ts). The jobs' worker entry
// (src/jobs/workers/worker.ts) serves the same requests plus the per-image pipeline.
import { serveEngine } from './serve.ts';

await serveEngine();
