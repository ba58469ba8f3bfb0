// One image → CAMs → mask, in an engine worker (or, for workers = 0, in this thread):
// read and decode, preprocess (the engine's preprocess.ts), the model through a
// ModelRunner, the maps to float16, and the mask made from those exact bytes (mask.ts).
// Each image is computed alone, so results never depend on batching, on the number of
// workers, or on which worker ran it. A mask from maps already computed (re-threshold,
// re-refine, the preview's slider) goes through the same mask maker here.
import { assertFinite, decodeImage, preprocessRgb, type CamRequest, type CamResult, type EngineImage } from '../../engine/index.ts';
import { encodeFloat16 } from '../../masks/float16.ts';
import { resizeBilinear } from '../../masks/resize.ts';
import { maskFromStoredCams, rgbAtMaskSize, type MadeMask } from '../mask.ts';
import { probabilities } from '../preprocess-spec.ts';
import type { StoredCam } from '../../masks/cam-mask.ts';
import type { CamTask, CamTaskResult, EngineSpec, MaskTask, ModelRunner, PipelineConfig } from './types.ts';

interface Map2d {
  h: number;
  w: number;
  data: Float32Array;
}

interface Decoded {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface ImagePipeline {
  image(task: CamTask): Promise<CamTaskResult>;
  mask(task: MaskTask): Promise<MadeMask>;
}

/** `runner` runs `config.spec`'s model (null with no spec: masks from stored maps only). */
export function openPipeline(config: PipelineConfig, runner: ModelRunner | null): ImagePipeline {
  const pixels = new Map<string, Decoded>();

  /** the one place a job's image is read and decoded; the last `keepPixels` images are kept */
  async function readImage(file: string): Promise<Decoded> {
    const kept = pixels.get(file);
    if (kept) {
      pixels.delete(file);
      pixels.set(file, kept);
      return kept;
    }
    let img: Decoded;
    try {
      img = await decodeImage(file);
    } catch (e) {
      throw new Error((e as Error).message.split('\n')[0]);
    }
    if (config.keepPixels > 0) {
      pixels.set(file, img);
      if (pixels.size > config.keepPixels) pixels.delete(pixels.keys().next().value as string);
    }
    return img;
  }

  async function mask(task: MaskTask): Promise<MadeMask> {
    // the pixels only matter to a PAR step, and only at the mask's size
    const rgb = task.file && task.refine?.par && task.cams.length ? rgbAtMaskSize(await readImage(task.file), task.width, task.height) : null;
    return maskFromStoredCams({ width: task.width, height: task.height, cams: task.cams, deep: task.deep, rgb }, task.settings, task.refine);
  }

  const spec = config.spec;
  if (!spec || !runner) {
    return {
      image: () => Promise.reject(new Error('this engine pool makes masks from stored maps only (no model)')),
      mask,
    };
  }
  const model = camMaps(spec, runner);

  async function image(task: CamTask): Promise<CamTaskResult> {
    const t0 = performance.now();
    const img = await readImage(task.file);
    const t1 = performance.now();
    const { targets, got, logits } = await model.maps(img, task.targets);
    // a NaN map (a model with NaN/Inf weights) fails this image by name instead of becoming an empty mask
    assertFinite(task.file, { logits, layers: [spec!.layer, ...model.deepLayers].map((layer, k) => ({ layer, maps: k === 0 ? got.maps : got.deep[k - 1], targets })) });
    const t2 = performance.now();
    const stored = (ms: Map2d[], ts: number[]): StoredCam[] =>
      ms.map((m, i) => ({ classIndex: spec!.classMap[ts[i]], h: m.h, w: m.w, f16: encodeFloat16(m.data) })).sort((a, b) => a.classIndex - b.classIndex);
    const cams = stored(got.maps, targets);
    const deep: Record<string, StoredCam[]> = {};
    if (targets.length > 0) model.deepLayers.forEach((layer, k) => (deep[layer] = stored(got.deep[k], targets)));
    const rgb = rgbAtMaskSize(img, task.width, task.height);
    const { png, classes, steps, bg } = maskFromStoredCams({ width: task.width, height: task.height, cams, deep, rgb }, spec!.mask, spec!.refine);
    const t3 = performance.now();
    return { imageId: task.imageId, cams, deep, png, classes, steps, bg, timings: { decode: t1 - t0, model: t2 - t1, mask: t3 - t2 } };
  }

  return { image, mask };
}

/** The model side of an image: its targets and their maps (the job layer's and every deep layer's). */
function camMaps(spec: EngineSpec, runner: ModelRunner) {
  const baseSize = spec.preprocess.size;
  const deepLayers = spec.deepLayers.filter((l) => l !== spec.layer);

  const input = (rgb: Uint8Array, w: number, h: number, size: [number, number], flip: boolean): EngineImage => {
    const pixels = flip ? mirrorRgb(rgb, w, h) : rgb;
    const p = preprocessRgb(pixels, w, h, { ...spec.preprocess, size });
    return { data: p.data, height: size[0], width: size[1] };
  };

  /** a walk result's deeper maps in deepLayers' order */
  const deepOf = (r: CamResult): Map2d[][] => deepLayers.map((l) => r.deep.find((d) => d.layer === l)!.maps);

  /**
   * Per image: the job layer's maps and every deep layer's, from one walk (the walk from the
   * logits passes the deeper layers on its way down); Score-CAM has no walk, so one request
   * per layer.
   */
  async function camsOf(images: EngineImage[], targets: number[]): Promise<{ maps: Map2d[]; deep: Map2d[][] }[]> {
    if (spec.method !== 'scorecam' || deepLayers.length === 0) {
      const req: CamRequest = { method: spec.method, layer: spec.layer, targets, ...(deepLayers.length ? { deepLayers } : {}) };
      const rs = await runner.run(images, req);
      return rs.map((r) => ({ maps: r.maps, deep: deepOf(r) }));
    }
    const per = await Promise.all([spec.layer, ...deepLayers].map((layer) => runner.run(images, { method: spec.method, layer, targets })));
    return images.map((_, i) => ({ maps: per[0][i].maps, deep: per.slice(1).map((r) => r[i].maps) }));
  }

  function predicted(logits: Float32Array): number[] {
    if (spec.classes.kind !== 'predicted') return [];
    const min = spec.classes.minProbability;
    const p = probabilities(logits, spec.preprocess.output);
    const out: number[] = [];
    p.forEach((v, k) => {
      if (v >= min) out.push(k);
    });
    return out;
  }

  /** every scale (and its mirror) in one request; each layer's maps resized to its scale-1 grid and summed */
  async function multiScale(img: Decoded, base: EngineImage, targets: number[]): Promise<{ maps: Map2d[]; deep: Map2d[][] }> {
    const ms = spec.multiScale!;
    const views: { image: EngineImage; flip: boolean }[] = [];
    for (const s of ms.scales) {
      const size: [number, number] = [Math.max(8, Math.round(baseSize[0] * s)), Math.max(8, Math.round(baseSize[1] * s))];
      for (const flip of ms.flip ? [false, true] : [false]) {
        views.push({ image: s === 1 && !flip ? base : input(img.rgb, img.width, img.height, size, flip), flip });
      }
    }
    const results = await camsOf(
      views.map((v) => v.image),
      targets,
    );
    const ref = results[views.findIndex((v) => v.image === base)];
    const sum = (pick: (r: { maps: Map2d[]; deep: Map2d[][] }) => Map2d[]): Map2d[] => {
      const acc = pick(ref).map((m) => ({ h: m.h, w: m.w, data: new Float32Array(m.h * m.w) }));
      results.forEach((r, vi) => {
        pick(r).forEach((m, i) => {
          const a = acc[i];
          let d = m.h === a.h && m.w === a.w ? m.data : resizeBilinear(m.data, m.w, m.h, a.w, a.h);
          if (views[vi].flip) d = mirrorMap(d, a.w, a.h);
          for (let j = 0; j < d.length; j++) a.data[j] += d[j];
        });
      });
      return acc;
    };
    return { maps: sum((r) => r.maps), deep: deepLayers.map((_, k) => sum((r) => r.deep[k])) };
  }

  async function maps(img: Decoded, asked: number[] | null): Promise<{ targets: number[]; got: { maps: Map2d[]; deep: Map2d[][] }; logits?: Float32Array }> {
    const base = input(img.rgb, img.width, img.height, baseSize, false);
    let targets = asked;
    let logits: Float32Array | undefined;
    let first: { maps: Map2d[]; deep: Map2d[][] } | null = null;
    if (targets === null) {
      // the default request explains the top class and returns the logits
      // (with the deeper layers when one walk gives them: Score-CAM's are asked for separately)
      const oneWalk = deepLayers.length === 0 || spec.method !== 'scorecam';
      const [r] = await runner.run([base], { method: spec.method, layer: spec.layer, ...(oneWalk && deepLayers.length ? { deepLayers } : {}) });
      logits = r.logits;
      targets = predicted(r.logits);
      if (targets.length === 1 && r.maps[0].target === targets[0] && !spec.multiScale && oneWalk) first = { maps: r.maps, deep: deepOf(r) };
    }
    let got: { maps: Map2d[]; deep: Map2d[][] } = { maps: [], deep: deepLayers.map(() => []) };
    if (targets.length > 0) {
      if (first) got = first;
      else if (!spec.multiScale) got = (await camsOf([base], targets))[0];
      else got = await multiScale(img, base, targets);
    }
    return { targets, got, logits };
  }

  return { deepLayers, maps };
}

function mirrorRgb(rgb: Uint8Array, w: number, h: number): Uint8Array {
  const out = new Uint8Array(rgb.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s = (y * w + (w - 1 - x)) * 3;
      const d = (y * w + x) * 3;
      out[d] = rgb[s];
      out[d + 1] = rgb[s + 1];
      out[d + 2] = rgb[s + 2];
    }
  }
  return out;
}

function mirrorMap(d: Float32Array, w: number, h: number): Float32Array {
  const out = new Float32Array(d.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = d[y * w + (w - 1 - x)];
  return out;
}
