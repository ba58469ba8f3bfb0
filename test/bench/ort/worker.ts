// A throughput worker of the ort benchmark: builds the benchmark's ResNet-50 (same seed,
// same weights), opens the requested executor, warms up, then on 'go' maps `images`
// images back to back and reports the time.
import { parentPort, workerData } from 'node:worker_threads';
import { createCamExecutor } from '../../../src/engine/executor.ts';
import { randomInput } from '../../helpers/models.ts';
import { benchGraph, BENCH_SIZE } from './model.ts';

const { executor, images, cacheDir } = workerData as { executor: string; images: number; cacheDir: string };
const port = parentPort!;
const ex = await createCamExecutor(benchGraph(), { executor, backend: 'wasm', cacheDir });
const input = randomInput([1, BENCH_SIZE, BENCH_SIZE, 3], 3);
const req = { method: 'rcam' as const, layer: 'layer2' };
await ex.run(input, [BENCH_SIZE, BENCH_SIZE], req);
port.postMessage({ type: 'ready', label: ex.label });
port.once('message', async () => {
  const t0 = performance.now();
  for (let i = 0; i < images; i++) await ex.run(input, [BENCH_SIZE, BENCH_SIZE], req);
  port.postMessage({ type: 'done', ms: performance.now() - t0 });
  await ex.dispose();
});
