// Engine pools: N worker threads each running an image's whole pipeline (the jobs' worker
// entry, worker.ts), or the same pipeline in this thread (workers = 0: tests, tiny jobs).
// Both run the same code on the same executor choice (src/engine/executor.ts), so results
// don't depend on the worker count.
import { createCamExecutor, EngineHost, loadModel, type CamResult } from '../../engine/index.ts';
import { openPipeline } from './pipeline.ts';
import type { CamTask, CamTaskResult, EnginePool, EnginePoolFactory, MadeMask, MaskTask, ModelRunner, PipelineConfig, PipelineTask } from './types.ts';

const WORKER_ENTRY = new URL('./worker.ts', import.meta.url);

export async function workerPool(config: PipelineConfig, workers: number): Promise<EnginePool> {
  const host = await EngineHost.start({ workers, backend: config.spec?.backend, entry: WORKER_ENTRY, tasks: config });
  const spec = config.spec;
  if (spec) {
    try {
      // load the model in every worker now, so a model that cannot load fails the job before any image
      const model = { file: spec.modelFile };
      await Promise.all(Array.from({ length: host.size }, () => host.run({ model, images: [], cam: { method: 'rcam', layer: 'layer1' } })));
    } catch (e) {
      await host.close();
      throw e;
    }
  }
  return {
    size: host.size,
    get backend() {
      return host.backend;
    },
    run: (task: CamTask) => host.task<CamTaskResult>({ kind: 'image', ...task } satisfies PipelineTask),
    mask: (task: MaskTask) => host.task<MadeMask>({ kind: 'mask', ...task } satisfies PipelineTask),
    close: () => host.close(),
  };
}

export async function inProcessPool(config: PipelineConfig): Promise<EnginePool> {
  const runner = config.spec ? await localRunner(config.spec.modelFile, config.spec.backend) : null;
  const pipeline = openPipeline(config, runner);
  // one image at a time, as one worker would
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(f: () => Promise<T>): Promise<T> => {
    const p = chain.then(f);
    chain = p.catch(() => undefined);
    return p;
  };
  return {
    size: 1,
    backend: runner?.label ?? 'this thread',
    run: (task) => serial(() => pipeline.image(task)),
    mask: (task) => serial(() => pipeline.mask(task)),
    async close() {
      await chain;
      await runner?.dispose();
    },
  };
}

/** The model in this thread. */
async function localRunner(modelFile: string, backend?: string): Promise<ModelRunner & { label: string; dispose(): Promise<void> }> {
  const model = await createCamExecutor(await loadModel(modelFile), { backend });
  return {
    label: model.label,
    async run(images, cam) {
      const out: CamResult[] = [];
      for (const img of images) out.push(await model.run(img.data, [img.height, img.width], cam));
      return out;
    },
    dispose: () => model.dispose(),
  };
}

/** worker threads for workers ≥ 1, this thread for 0 */
export const defaultPoolFactory: EnginePoolFactory = (config, workers) => (workers > 0 ? workerPool(config, workers) : inProcessPool(config));
