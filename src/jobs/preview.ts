// The Generate panel's live preview: the CAMs of one image (the job layer's and the deeper
// layers every refinement preset reads) are computed once on an engine worker, so the UI
// thread never stalls, and kept; every slider move or chain change rebuilds the mask from
// those float16 CAMs with maskFromStoredCams — the bytes a batch job with the same settings
// and chain would store.
import type { Project } from '../project/index.ts';
import type { MaskSettings, StoredCam } from '../masks/cam-mask.ts';
import { DEFAULT_AUTO_BACKGROUND, deeperLayers, PRESET_DEEP_LAYERS, type RefineSettings } from '../masks/refine/index.ts';
import { decodeImage } from '../engine/index.ts';
import { camPool } from './workers/pipeline.ts';
import { localRunner, workerRunner } from './workers/runners.ts';
import type { EnginePool } from './workers/types.ts';
import { maskFromStoredCams, rgbAtMaskSize } from './mask.ts';
import { findModel, modelInfo } from './models.ts';
import { camMethod, classSource, jobMaskSettings, jobRefine, multiScale } from './params.ts';
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
  mask(imageId: number, settings: Partial<MaskSettings>, refine?: string | RefineSettings | null): Promise<Uint8Array>;
  /** the τ_bg the studio's automatic rule picks for the image under this chain */
  background(imageId: number, refine?: string | RefineSettings | null): Promise<number>;
  close(): Promise<void>;
}

/** images whose CAMs are kept */
const MAX_CAMS = 64;
/** images whose decoded pixels are kept (a photo's pixels are large; an older one is decoded again) */
const MAX_PIXELS = 4;

export async function createPreviewer(project: Project, opts: PreviewOptions = {}): Promise<Previewer> {
  const model = findModel(project, opts.model);
  const info = modelInfo(model);
  const layer = opts.layer ?? DEFAULT_CAM_LAYER;
  const spec = {
    modelFile: model.file,
    preprocess: info.preprocess,
    method: camMethod(opts.method),
    layer,
    multiScale: multiScale(opts.multiScale),
    classMap: model.classMap,
    classes: classSource(opts.classes),
    mask: jobMaskSettings(),
    refine: null,
    deepLayers: deeperLayers(PRESET_DEEP_LAYERS, layer),
  };
  const workers = opts.workers ?? 1;
  const pool: EnginePool = camPool(spec, workers > 0 ? await workerRunner(model.file, workers) : await localRunner(model.file));
  const outputOf = new Map<number, number>(model.classMap.map((c, k) => [c, k]));
  const cache = new Map<number, Promise<PreviewCams>>();
  const pixels = new Map<number, Uint8Array | null>();
  const keepPixels = (imageId: number, rgb: Uint8Array | null) => {
    pixels.delete(imageId);
    pixels.set(imageId, rgb);
    if (pixels.size > MAX_PIXELS) pixels.delete(pixels.keys().next().value as number);
  };

  const cams = (imageId: number): Promise<PreviewCams> => {
    let c = cache.get(imageId);
    if (!c) {
      const img = project.images.get(imageId);
      const targets = spec.classes.kind === 'tags' ? project.images.tags(imageId).flatMap((t) => (outputOf.has(t) ? [outputOf.get(t)!] : [])) : null;
      c =
        targets && targets.length === 0
          ? Promise.resolve({ cams: [], deep: {} })
          : pool.run({ imageId, file: project.imagePath(imageId), width: img.width, height: img.height, targets }).then((r) => {
              keepPixels(imageId, r.rgb);
              return { cams: r.cams, deep: r.deep };
            });
      c.catch(() => cache.delete(imageId));
      cache.set(imageId, c);
      if (cache.size > MAX_CAMS) cache.delete(cache.keys().next().value as number);
    }
    return c;
  };

  const rgbOf = async (imageId: number, width: number, height: number): Promise<Uint8Array | null> => {
    if (pixels.has(imageId)) return pixels.get(imageId)!;
    const rgb = rgbAtMaskSize(await decodeImage(project.imagePath(imageId)), width, height);
    keepPixels(imageId, rgb);
    return rgb;
  };

  const make = async (imageId: number, settings: Partial<MaskSettings>, refine?: string | RefineSettings | null) => {
    const img = project.images.get(imageId);
    const chain = jobRefine(refine, layer);
    const { cams: c, deep } = await cams(imageId);
    const rgb = chain?.par && c.length ? await rgbOf(imageId, img.width, img.height) : null;
    return maskFromStoredCams({ width: img.width, height: img.height, cams: c, deep, rgb }, jobMaskSettings(settings), chain);
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
