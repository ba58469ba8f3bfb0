// CAM → label map, IRN style: per tagged class a CAM at feature
// resolution is normalised, upsampled bilinearly to the image size, and each pixel takes
// the argmax over {τ_bg, CAM_c : c ∈ tags}.
//
// Decisions (fixed, so re-thresholding gives identical bytes):
// - Normalisation happens at feature resolution, before upsampling (docs/engine.md §6 order).
//   'relu-max' (default): max(v, 0) / max; a map with no positive value → zeros.
//   'minmax': (v − min) / (max − min); a constant map → zeros (the official code's NaN).
// - Ties: a class wins only with a score strictly above τ_bg, so a tie with the
//   background is background; between classes the lower class index wins (maps are
//   processed in ascending class order and a later class must be strictly greater).
// - Ignore band δ > 0: a pixel whose best class score s satisfies |s − τ_bg| ≤ δ → 255.
//   Pixels of an image with no tags are background (there is no class score).
// - Clean-up order: argmax → ignore band → small class regions (8-connected, < minArea
//   px) become `smallTo` (default 255: a fragment the CAM barely supports should not
//   teach the model "background" either) → background holes enclosed by one class are
//   filled with it.
import { StudioError } from '../contract/errors.ts';
import { fillHoles, removeSmallComponents } from './components.ts';
import { decodeFloat16 } from './float16.ts';
import { BACKGROUND, IGNORE } from './labels.ts';
import { bilinearTaps, resizeBilinear } from './resize.ts';
import { autoBackground, autoBackgroundSettings, type AutoBackground } from './refine/calibrate.ts';

export type CamNormalisation = 'relu-max' | 'minmax';

/** One class's CAM, decoded, at feature resolution. */
export interface ClassCam {
  /** project class index (1..254) the map is for */
  classIndex: number;
  /** feature-resolution size */
  width: number;
  height: number;
  data: Float32Array;
}

/** One class's CAM as the cams table stores it (and a job's engine returns it). */
export interface StoredCam {
  classIndex: number;
  h: number;
  w: number;
  /** h·w IEEE half floats, little-endian */
  f16: Uint8Array;
}

/** A class's normalised map at image resolution (what the argmax runs over). */
export interface UpsampledCam {
  classIndex: number;
  map: Float32Array;
}

export interface MaskSettings {
  /** τ_bg on the normalised [0, 1] maps (with bgAuto: the fallback when an image's scores cannot be split) */
  bg: number;
  /** τ_bg chosen per image from its own scores (refine/calibrate.ts); null: `bg` for every image */
  bgAuto: AutoBackground | null;
  normalisation: CamNormalisation;
  /** δ of the ignore band; 0 = off */
  ignoreBand: number;
  /** class regions smaller than this many pixels are removed; 0 = off */
  minArea: number;
  smallTo: 'ignore' | 'background';
  fillHoles: boolean;
}

/**
 * τ_bg = 0.40: the best raw rcam@layer2 value on the demo net (docs/quality/: textured and
 * flat tiers agree). The kernel's fixed default; a job without a given τ_bg picks it per
 * image instead (jobs/params.ts jobMaskSettings, refine/calibrate.ts).
 */
export const DEFAULT_MASK_SETTINGS: Readonly<MaskSettings> = Object.freeze({
  bg: 0.4,
  bgAuto: null,
  normalisation: 'relu-max',
  ignoreBand: 0,
  minArea: 0,
  smallTo: 'ignore',
  fillHoles: false,
});

/**
 * Defaults filled in (a field given as undefined takes its default) and every field
 * checked, with one StudioError naming the bad setting: the one checker for jobs, the CLI,
 * the preview and every mask maker.
 */
export function maskSettings(partial: Partial<MaskSettings> = {}): MaskSettings {
  const given = Object.fromEntries(Object.entries(partial).filter(([, v]) => v !== undefined)) as Partial<MaskSettings>;
  const s: MaskSettings = { ...DEFAULT_MASK_SETTINGS, ...given };
  const bad = (what: string): never => {
    throw new StudioError('BAD_REQUEST', `mask settings: ${what}`);
  };
  if (!(typeof s.bg === 'number' && s.bg >= 0 && s.bg <= 1)) bad(`bg (τ_bg) must be a number within 0…1, got ${String(s.bg)}`);
  const bgAuto = autoBackgroundSettings(s.bgAuto);
  if (s.normalisation !== 'relu-max' && s.normalisation !== 'minmax') bad(`normalisation must be relu-max or minmax, got '${String(s.normalisation)}'`);
  if (!(typeof s.ignoreBand === 'number' && s.ignoreBand >= 0 && s.ignoreBand < 1)) bad(`ignoreBand (δ) must be a number in [0, 1), got ${String(s.ignoreBand)}`);
  if (!(Number.isInteger(s.minArea) && s.minArea >= 0)) bad(`minArea must be a whole number ≥ 0, got ${String(s.minArea)}`);
  if (s.smallTo !== 'ignore' && s.smallTo !== 'background') bad(`smallTo must be ignore or background, got '${String(s.smallTo)}'`);
  if (typeof s.fillHoles !== 'boolean') bad(`fillHoles must be true or false, got ${String(s.fillHoles)}`);
  return { bg: s.bg, bgAuto, normalisation: s.normalisation, ignoreBand: s.ignoreBand, minArea: s.minArea, smallTo: s.smallTo, fillHoles: s.fillHoles };
}

/** A normalised copy of `data` (see the file comment). */
export function normaliseCam(data: Float32Array, mode: CamNormalisation): Float32Array {
  const out = new Float32Array(data.length);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (mode === 'relu-max') {
    if (!(max > 0)) return out;
    for (let i = 0; i < data.length; i++) out[i] = data[i] > 0 ? data[i] / max : 0;
    return out;
  }
  const range = max - min;
  if (!(range > 0) || !Number.isFinite(range)) return out;
  for (let i = 0; i < data.length; i++) out[i] = (data[i] - min) / range;
  return out;
}

/** A stored CAM (float16 blob, as in the cams table) as a ClassCam. */
export function camFromFloat16(classIndex: number, width: number, height: number, bytes: Uint8Array): ClassCam {
  if (bytes.length !== width * height * 2) throw new Error(`CAM for class ${classIndex}: ${bytes.length} bytes for a ${width}x${height} float16 map`);
  return { classIndex, width, height, data: decodeFloat16(bytes) };
}

export function camFromStored(c: StoredCam): ClassCam {
  return camFromFloat16(c.classIndex, c.w, c.h, c.f16);
}

/** Normalised maps upsampled to the image size, in ascending class order. */
export function upsampleCams(cams: readonly ClassCam[], width: number, height: number, mode: CamNormalisation): UpsampledCam[] {
  const sorted = [...cams].sort((a, b) => a.classIndex - b.classIndex);
  const taps = new Map<string, ReturnType<typeof bilinearTaps>>();
  const tap = (i: number, o: number) => {
    const k = `${i}:${o}`;
    let t = taps.get(k);
    if (!t) taps.set(k, (t = bilinearTaps(i, o)));
    return t;
  };
  return sorted.map((c) => {
    if (c.data.length !== c.width * c.height) throw new Error(`CAM for class ${c.classIndex}: ${c.data.length} values for ${c.width}x${c.height}`);
    const norm = normaliseCam(c.data, mode);
    const map = resizeBilinear(norm, c.width, c.height, width, height, undefined, { x: tap(c.width, width), y: tap(c.height, height) });
    return { classIndex: c.classIndex, map };
  });
}

/** The label map for an image of width×height from its tagged classes' CAMs. */
export function camsToLabels(cams: readonly ClassCam[], width: number, height: number, settings: Partial<MaskSettings> = {}): Uint8Array {
  const s = maskSettings(settings);
  for (const c of cams) {
    if (!Number.isInteger(c.classIndex) || c.classIndex < 1 || c.classIndex > 254) throw new Error(`CAM class index ${c.classIndex} is not 1..254`);
  }
  if (cams.length === 0) return new Uint8Array(width * height);
  return labelsFromMaps(upsampleCams(cams, width, height, s.normalisation), width, height, s);
}

/**
 * camsToLabels after the upsampling: for a caller that keeps the maps and re-thresholds
 * them (the compare view's slider). `maps` must be upsampleCams' output at these settings'
 * normalisation.
 */
export function labelsFromMaps(maps: readonly UpsampledCam[], width: number, height: number, settings: Partial<MaskSettings> = {}): Uint8Array {
  return thresholdedMaps(maps, width, height, settings).labels;
}

/** labelsFromMaps, and the τ_bg the labels were cut at (bgAuto's choice for this image, else bg). */
export function thresholdedMaps(maps: readonly UpsampledCam[], width: number, height: number, settings: Partial<MaskSettings> = {}): { labels: Uint8Array; bg: number } {
  const s = maskSettings(settings);
  const { argmax, score } = argmaxMaps(maps, width * height);
  const bg = s.bgAuto && maps.length > 0 ? autoBackground(score, s.bgAuto, s.bg) : s.bg;
  return { labels: thresholdArgmax(argmax, score, width, height, { ...s, bg }), bg };
}

/**
 * Per pixel the class of the highest map and its value, maps taken in ascending class
 * order with a strict '>' (the lower class wins a tie). With no maps: class 0, score −∞.
 */
export function argmaxMaps(maps: readonly UpsampledCam[], n: number): { argmax: Uint8Array; score: Float32Array } {
  const argmax = new Uint8Array(n);
  if (maps.length === 0) return { argmax, score: new Float32Array(n).fill(-Infinity) };
  const sorted = [...maps].sort((a, b) => a.classIndex - b.classIndex);
  const score = sorted[0].map.slice();
  argmax.fill(sorted[0].classIndex);
  for (let k = 1; k < sorted.length; k++) {
    const m = sorted[k].map;
    const ci = sorted[k].classIndex;
    for (let i = 0; i < n; i++) {
      if (m[i] > score[i]) {
        score[i] = m[i];
        argmax[i] = ci;
      }
    }
  }
  return { argmax, score };
}

/**
 * The rest of the pipeline on an argmax: ignore band, background at or below τ_bg, then
 * the clean-ups. Overwrites `argmax` (returned when no clean-up runs).
 */
export function thresholdArgmax(argmax: Uint8Array, score: Float32Array, width: number, height: number, s: MaskSettings): Uint8Array {
  const labels = argmax;
  const n = width * height;
  const tau = s.bg;
  const delta = s.ignoreBand > 0 ? s.ignoreBand : -1;
  for (let i = 0; i < n; i++) {
    const b = score[i];
    if (delta >= 0 && Math.abs(b - tau) <= delta) labels[i] = IGNORE;
    else if (!(b > tau)) labels[i] = BACKGROUND;
  }
  let out: Uint8Array = labels;
  if (s.minArea > 1) out = removeSmallComponents(out, width, height, s.minArea, s.smallTo === 'background' ? BACKGROUND : IGNORE);
  if (s.fillHoles) out = fillHoles(out, width, height);
  return out;
}
