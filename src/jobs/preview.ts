// The Generate panel's live threshold preview (issue 4 item 6, backend): the CAMs of one
// image are computed once (an engine worker, so the UI thread never stalls) and kept;
// every slider move rebuilds the mask from those float16 CAMs with maskFromStoredCams —
// the bytes a batch job with the same settings would store.
import type { Project } from '../project/index.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';
import { camPool } from './workers/pipeline.ts';
import { localRunner, workerRunner } from './workers/runners.ts';
import type { EnginePool, StoredCam } from './workers/types.ts';
import { maskFromStoredCams } from './mask.ts';
import { findModel, modelInfo } from './models.ts';
import { camMethod, classSource, maskSettings, multiScale } from './params.ts';
import type { ClassSource, MultiScale } from './types.ts';

export interface PreviewOptions {
  model?: string | number;
  method?: string;
  layer?: string;
  classes?: ClassSource;
  multiScale?: MultiScale | null;
  /** 0: the engine in this thread (tests); default 1 worker thread */
  workers?: number;
}

export interface Previewer {
  /** the image's CAMs (computed on first use, then cached) */
  cams(imageId: number): Promise<StoredCam[]>;
  /** the mask PNG for these settings, from the cached CAMs */
  mask(imageId: number, settings: Partial<MaskSettings>): Promise<Uint8Array>;
  close(): Promise<void>;
}

export async function createPreviewer(project: Project, opts: PreviewOptions = {}): Promise<Previewer> {
  const model = findModel(project, opts.model);
  const info = modelInfo(model);
  const spec = {
    modelFile: model.file,
    preprocess: info.preprocess,
    method: camMethod(opts.method),
    layer: opts.layer ?? 'layer2',
    multiScale: multiScale(opts.multiScale),
    classMap: model.classMap,
    classes: classSource(opts.classes),
    mask: maskSettings(),
  };
  const workers = opts.workers ?? 1;
  const pool: EnginePool = camPool(spec, workers > 0 ? await workerRunner(model.file, workers) : await localRunner(model.file));
  const outputOf = new Map<number, number>(model.classMap.map((c, k) => [c, k]));
  const cache = new Map<number, Promise<StoredCam[]>>();
  const MAX = 64;

  const cams = (imageId: number): Promise<StoredCam[]> => {
    let c = cache.get(imageId);
    if (!c) {
      const img = project.images.get(imageId);
      const targets = spec.classes.kind === 'tags' ? project.images.tags(imageId).flatMap((t) => (outputOf.has(t) ? [outputOf.get(t)!] : [])) : null;
      c = targets && targets.length === 0 ? Promise.resolve([]) : pool.run({ imageId, file: project.imagePath(imageId), width: img.width, height: img.height, targets }).then((r) => r.cams);
      c.catch(() => cache.delete(imageId));
      cache.set(imageId, c);
      if (cache.size > MAX) cache.delete(cache.keys().next().value as number);
    }
    return c;
  };

  return {
    cams,
    async mask(imageId, settings) {
      const img = project.images.get(imageId);
      return maskFromStoredCams(await cams(imageId), img.width, img.height, maskSettings(settings));
    },
    close: () => pool.close(),
  };
}
