// Per-model input preprocessing (docs/engine.md §2): decode (EXIF orientation
// honoured), resize the WHOLE image bilinearly to the model size (half-pixel centres, no
// antialias, rounded to uint8 like cv2.resize on the uint8 image), then
// x = (pixel·scale − mean) / std per channel, in the model's channel order, NHWC float32.
// The config is the `preprocess.json` a model may carry beside it.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { StudioError } from '../contract/errors.ts';
import { checkImagePixels, readImageFile, SHARP_LIMITS } from '../fs/image-file.ts';

export interface PreprocessConfig {
  /** model input [H, W] */
  size: [number, number];
  channels: 'RGB' | 'BGR' | 'GRAY';
  /** multiplies the 0…255 pixel first (1/255 → [0, 1]) */
  scale: number;
  mean: number[];
  std: number[];
  resize: 'bilinear';
  /** the model's output activation (Score-CAM scores through it) */
  output?: 'softmax' | 'sigmoid' | 'logits';
}

/** ImageNet mean/std on [0, 1] RGB, 224×224 (torchvision's convention, docs/engine.md §2). */
export const IMAGENET: PreprocessConfig = {
  size: [224, 224],
  channels: 'RGB',
  scale: 1 / 255,
  mean: [0.485, 0.456, 0.406],
  std: [0.229, 0.224, 0.225],
  resize: 'bilinear',
};

export interface Preprocessed {
  /** NHWC [1, H, W, C] */
  data: Float32Array;
  size: [number, number];
  channels: number;
  /** the decoded image's size after EXIF rotation */
  original: [number, number];
}

/** Validates a config object (e.g. parsed preprocess.json); `where` names its source. */
export function parsePreprocess(obj: unknown, where: string, base: PreprocessConfig = IMAGENET): PreprocessConfig {
  if (typeof obj !== 'object' || obj === null) throw new StudioError('BAD_REQUEST', `${where}: not a JSON object`);
  const o = obj as Record<string, unknown>;
  const cfg: PreprocessConfig = { ...base, ...(o as Partial<PreprocessConfig>) };
  const bad = (m: string): never => {
    throw new StudioError('BAD_REQUEST', `${where}: ${m}`);
  };
  if (!Array.isArray(cfg.size) || cfg.size.length !== 2 || !cfg.size.every((v) => Number.isInteger(v) && v > 0)) bad('size must be [H, W] positive integers');
  if (!['RGB', 'BGR', 'GRAY'].includes(cfg.channels)) bad(`channels must be RGB, BGR or GRAY, got ${String(cfg.channels)}`);
  const n = cfg.channels === 'GRAY' ? 1 : 3;
  if (!(typeof cfg.scale === 'number' && cfg.scale > 0)) bad('scale must be a positive number');
  if (!Array.isArray(cfg.mean) || cfg.mean.length !== n) bad(`mean must have ${n} values`);
  if (!Array.isArray(cfg.std) || cfg.std.length !== n || cfg.std.some((v) => !(v > 0))) bad(`std must have ${n} positive values`);
  if (cfg.resize !== 'bilinear') bad(`resize must be "bilinear", got ${String(cfg.resize)}`);
  if (cfg.output !== undefined && !['softmax', 'sigmoid', 'logits'].includes(cfg.output)) bad(`output must be softmax, sigmoid or logits`);
  return cfg;
}

/** `preprocess.json` beside a model file (or inside a model folder); ImageNet defaults when absent. */
export async function readPreprocessFor(modelFile: string): Promise<PreprocessConfig> {
  const st = await stat(modelFile).catch(() => null);
  const dir = st?.isDirectory() ? modelFile : path.dirname(modelFile);
  for (const candidate of [path.join(dir, 'preprocess.json'), path.join(path.dirname(dir), 'preprocess.json')]) {
    const text = await readFile(candidate, 'utf8').catch(() => null);
    if (text === null) continue;
    let obj: unknown;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw new StudioError('BAD_REQUEST', `${candidate}: not valid JSON (${(e as Error).message})`);
    }
    return parsePreprocess(obj, candidate);
  }
  return IMAGENET;
}

/** Decodes an image file (read under the image-file rule, fs/image-file.ts) to 8-bit RGB (EXIF orientation applied). */
export async function decodeImage(file: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const bytes = await readImageFile(file);
  let meta: Metadata;
  try {
    meta = await sharp(bytes).metadata(); // the header only: our pixel rule speaks first
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: not a decodable image (${(e as Error).message})`);
  }
  checkImagePixels(file, meta.width ?? 0, meta.height ?? 0);
  try {
    const { data, info } = await sharp(bytes, SHARP_LIMITS).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`${info.channels} channels after conversion`);
    return { rgb: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: not a decodable image (${(e as Error).message})`);
  }
}

/** An image file → the model's input tensor data. */
export async function preprocessFile(file: string, cfg: PreprocessConfig = IMAGENET): Promise<Preprocessed> {
  const img = await decodeImage(file);
  return preprocessRgb(img.rgb, img.width, img.height, cfg);
}

/** 8-bit RGB HWC pixels → the model's input (NHWC float32). */
export function preprocessRgb(rgb: Uint8Array, width: number, height: number, cfg: PreprocessConfig = IMAGENET): Preprocessed {
  const [oh, ow] = cfg.size;
  const resized = resizeUint8(rgb, height, width, 3, oh, ow);
  const c = cfg.channels === 'GRAY' ? 1 : 3;
  const out = new Float32Array(oh * ow * c);
  for (let p = 0; p < oh * ow; p++) {
    const r = resized[p * 3];
    const g = resized[p * 3 + 1];
    const b = resized[p * 3 + 2];
    if (c === 1) {
      // ITU-R BT.601 luma, as PIL's convert('L') and cv2's RGB2GRAY
      const y = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
      out[p] = (y * cfg.scale - cfg.mean[0]) / cfg.std[0];
      continue;
    }
    const px = cfg.channels === 'BGR' ? [b, g, r] : [r, g, b];
    for (let k = 0; k < 3; k++) out[p * 3 + k] = (px[k] * cfg.scale - cfg.mean[k]) / cfg.std[k];
  }
  return { data: out, size: [oh, ow], channels: c, original: [height, width] };
}

/** bilinear, half-pixel centres, border clamp, no antialias; rounds to uint8 (cv2 INTER_LINEAR on uint8). */
export function resizeUint8(src: Uint8Array, h: number, w: number, c: number, oh: number, ow: number): Uint8Array {
  if (h === oh && w === ow) return src;
  const out = new Uint8Array(oh * ow * c);
  const axis = (n: number, inN: number) => {
    const lo = new Int32Array(n);
    const hi = new Int32Array(n);
    const f = new Float64Array(n);
    for (let d = 0; d < n; d++) {
      const s = Math.max(0, ((d + 0.5) * inN) / n - 0.5);
      const l = Math.min(Math.floor(s), inN - 1);
      lo[d] = l;
      hi[d] = Math.min(l + 1, inN - 1);
      f[d] = s - l;
    }
    return { lo, hi, f };
  };
  const ys = axis(oh, h);
  const xs = axis(ow, w);
  for (let y = 0; y < oh; y++) {
    const fy = ys.f[y];
    for (let x = 0; x < ow; x++) {
      const fx = xs.f[x];
      const a = (ys.lo[y] * w + xs.lo[x]) * c;
      const b = (ys.lo[y] * w + xs.hi[x]) * c;
      const d = (ys.hi[y] * w + xs.lo[x]) * c;
      const e = (ys.hi[y] * w + xs.hi[x]) * c;
      for (let k = 0; k < c; k++) {
        const top = src[a + k] * (1 - fx) + src[b + k] * fx;
        const bot = src[d + k] * (1 - fx) + src[e + k] * fx;
        out[(y * ow + x) * c + k] = Math.round(top * (1 - fy) + bot * fy);
      }
    }
  }
  return out;
}
