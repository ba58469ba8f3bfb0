// The jobs' engine worker entry: the engine's model requests (serve.ts) plus the per-image
// pipeline (pipeline.ts) as its tasks, so an image is read, decoded, explained and turned
// into mask bytes on this thread. It is also the app bundle's one worker (a host started
// without tasks gets plain model requests from it).
import { serveEngine } from '../../engine/index.ts';
import { openPipeline } from './pipeline.ts';
import type { PipelineConfig, PipelineTask } from './types.ts';

await serveEngine(async (config, engine) => {
  const c = config as PipelineConfig;
  const spec = c.spec;
  const pipeline = openPipeline(c, spec ? { run: (images, cam) => engine.run({ file: spec.modelFile }, images, cam) } : null);
  return async (task) => {
    const t = task as PipelineTask;
    if (t.kind === 'image') {
      const r = await pipeline.image(t);
      // the bytes move to the host's thread instead of being copied
      return { result: r, transfer: [r.png, ...r.cams.map((c) => c.f16), ...Object.values(r.deep).flat().map((c) => c.f16)].map((b) => b.buffer as ArrayBuffer) };
    }
    const m = await pipeline.mask(t);
    return { result: m, transfer: [m.png.buffer as ArrayBuffer] };
  };
});
