// ModelRunners: the engine's worker host (src/engine/worker, N worker_threads with an
// executor each), or the engine in this thread (workers = 0: tests, tiny jobs). Both use the
// same executor choice (src/engine/executor.ts), so results don't depend on the worker count.
import { createCamExecutor, EngineHost, loadModel, type CamRequest, type CamResult, type EngineImage } from '../../engine/index.ts';
import { camPool } from './pipeline.ts';
import type { EnginePool, EnginePoolFactory, ModelRunner } from './types.ts';

export async function workerRunner(modelFile: string, workers: number, backend?: string): Promise<ModelRunner> {
  const host = await EngineHost.start({ workers, backend });
  const model = { file: modelFile };
  try {
    // load the model in every worker now, so a model that cannot load fails the job before any image
    await Promise.all(Array.from({ length: host.size }, () => host.run({ model, images: [], cam: { method: 'rcam', layer: 'layer1' } })));
  } catch (e) {
    await host.close();
    throw e;
  }
  return {
    size: host.size,
    backend: host.backend,
    async run(images: EngineImage[], cam: CamRequest): Promise<CamResult[]> {
      return (await host.run({ model, images, cam })).results;
    },
    close: () => host.close(),
  };
}

export async function localRunner(modelFile: string, backend?: string): Promise<ModelRunner> {
  const model = await createCamExecutor(await loadModel(modelFile), { backend });
  let chain: Promise<unknown> = Promise.resolve();
  return {
    size: 1,
    backend: model.label,
    run(images, cam) {
      const p = chain.then(async () => {
        const out: CamResult[] = [];
        for (const img of images) out.push(await model.run(img.data, [img.height, img.width], cam));
        return out;
      });
      chain = p.catch(() => undefined);
      return p;
    },
    async close() {
      await chain;
      await model.dispose();
    },
  };
}

/** worker threads for workers ≥ 1, this thread for 0 */
export const defaultPoolFactory: EnginePoolFactory = async (spec, workers): Promise<EnginePool> =>
  camPool(spec, workers > 0 ? await workerRunner(spec.modelFile, workers, spec.backend) : await localRunner(spec.modelFile, spec.backend));
