// The Generate panel's live preview: the CAMs of one image (the job layer's and the deeper
// layers every refinement preset reads) are computed once on an engine worker and kept
// here; every slider move or chain change rebuilds the mask on that worker too (it keeps
// the last images' decoded pixels for the chain's PAR step), so the UI's thread never runs
// the model or the chain — and gets the bytes a batch job with the same settings and chain
// would store (both go through maskFromStoredCams).
import type { Project } from '../project/index.ts';
import type { MaskSettings, StoredCam } from '../masks/cam-mask.ts';
import { maskSettings } from '../masks/cam-mask.ts';
import { DEFAULT_AUTO_BACKGROUND, deeperLayers, PRESET_DEEP_LAYERS, resolveRefine, type RefineChoice } from '../masks/refine/index.ts';
import { defaultPoolFactory } from './workers/pools.ts';
import type { EngineSpec } from './workers/types.ts';
import { findModel, modelInfo } from './models.ts';
import { camMethod, classSource, jobMaskSettings, multiScale } from './params.ts';
import type { ClassSource, MultiScale } from './types.ts';
import { DEFAULT_CAM_LAYER } from '../contract/generation.ts';

export interface PreviewOptions {
  model?: string | number;
  method?: string;
  layer?: string;
  classes?: ClassSource;
  multiScale?: MultiScale | null;
  /** 0: the engine in this thread (tests); default 1 worker thread */
  workers?: number;
}

export interface PreviewCams {
  cams: StoredCam[];
  deep: Record<string, StoredCam[]>;
}

export interface Previewer {
  /** the image's CAMs (computed on first use, then cached) */
  cams(imageId: number): Promise<PreviewCams>;
  /** the mask PNG for these settings and chain (a preset name, settings, or absent: the default), from the cached CAMs */
  mask(imageId: number, settings: Partial<MaskSettings>, refine?: RefineChoice): Promise<Uint8Array>;
  /** the τ_bg the studio's automatic rule picks for the image under this chain */
  background(imageId: number, refine?: RefineChoice): Promise<number>;
  close(): Promise<void>;
}

/** images whose CAMs are kept */
const MAX_CAMS = 64;
/** images whose decoded pixels a worker keeps (a photo's pixels are large; an older one is decoded again) */
const MAX_PIXELS = 4;

export async function createPreviewer(project: Project, opts: PreviewOptions = {}): Promise<Previewer> {
  const model = findModel(project, opts.model);
  const info = modelInfo(model);
  const layer = opts.layer ?? DEFAULT_CAM_LAYER;
  const spec: EngineSpec = {
    modelFile: model.file,
    preprocess: info.preprocess,
    method: camMethod(opts.method),
    layer,
    multiScale: multiScale(opts.multiScale),
    classMap: model.classMap,
    classes: classSource(opts.classes),
    mask: maskSettings(),
    refine: null,
    deepLayers: deeperLayers(PRESET_DEEP_LAYERS, layer),
  };
  const pool = await defaultPoolFactory({ spec, keepPixels: MAX_PIXELS }, opts.workers ?? 1);
  const outputOf = new Map<number, number>(model.classMap.map((c, k) => [c, k]));
  const cache = new Map<number, Promise<PreviewCams>>();

  const cams = (imageId: number): Promise<PreviewCams> => {
    let c = cache.get(imageId);
    if (!c) {
      const img = project.images.get(imageId);
      const targets = spec.classes.kind === 'tags' ? project.images.tags(imageId).flatMap((t) => (outputOf.has(t) ? [outputOf.get(t)!] : [])) : null;
      c =
        targets && targets.length === 0
          ? Promise.resolve({ cams: [], deep: {} })
          : pool.run({ imageId, file: project.imagePath(imageId), width: img.width, height: img.height, targets }).then((r) => ({ cams: r.cams, deep: r.deep }));
      c.catch(() => cache.delete(imageId));
      cache.set(imageId, c);
      if (cache.size > MAX_CAMS) cache.delete(cache.keys().next().value as number);
    }
    return c;
  };

  // the mask a job with these settings stores (jobMaskSettings: τ_bg per image unless one is given)
  const make = async (imageId: number, settings: Partial<MaskSettings>, refine?: RefineChoice) => {
    const img = project.images.get(imageId);
    const chain = resolveRefine(refine, layer);
    const { cams: c, deep } = await cams(imageId);
    return pool.mask({ width: img.width, height: img.height, cams: c, deep, file: project.imagePath(imageId), settings: jobMaskSettings(settings), refine: chain });
  };
  return {
    cams,
    async mask(imageId, settings, refine) {
      return (await make(imageId, settings, refine)).png;
    },
    async background(imageId, refine) {
      return (await make(imageId, { bgAuto: { ...DEFAULT_AUTO_BACKGROUND } }, refine)).bg;
    },
    close: () => pool.close(),
  };
}
