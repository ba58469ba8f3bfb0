// Seeded composite scenes with exact ground truth: 1–3 Fashion-MNIST items of different
// classes, each scaled, flipped, tinted and placed at random over a flat colour ('flat' tier)
// or a tinted crop of a CC0 texture ('textured' tier). Scene i depends only on
// (split, tier, seed, size, i), so scenes are random-access and reproducible.
import { createRng, mixSeed, type Rng } from './prng.ts';
import { fashionMnistDir, readFashionImages, readFashionLabels, type FashionSplit, type IdxImages } from './idx.ts';
import { loadTextures, type GrayImage } from './textures.ts';
import { NUM_CLASSES } from './classes.ts';
import {
  flatCanvas, itemAlpha, pasteItem, resampleBilinear, textureCanvas, toBytes, type Rgb,
} from './composite.ts';

export type SceneTier = 'flat' | 'textured';

export interface SceneGeneratorOptions {
  /** 'train' draws items from train-images; 'test' (demo, benchmark) from t10k only */
  split: FashionSplit;
  /** 'mixed' picks flat or textured per scene (50/50, from the scene's own seed) */
  tier: SceneTier | 'mixed';
  seed: number;
  /** square side in pixels, default 128 */
  size?: number;
  /** index of the first scene next() returns, default 0 */
  start?: number;
  /**
   * the Fashion-MNIST folder items come from, default fashionMnistDir() (the full dataset);
   * DEMO_ITEMS_DIR holds only the demo scenes' items
   */
  fashionDir?: string;
}

export interface SceneItem {
  /** Fashion-MNIST label 0..9; its label-map value is label + 1 */
  label: number;
  /** index of the 28×28 source image in the split's IDX file */
  sourceIndex: number;
  flipped: boolean;
  /** top-left corner and side of the pasted square */
  x: number;
  y: number;
  size: number;
  tint: Rgb;
}

export interface Scene {
  index: number;
  tier: SceneTier;
  size: number;
  /** size×size×3 RGB bytes, row-major */
  rgb: Uint8Array;
  /** size×size: 0 background, 1..10 = Fashion-MNIST label + 1; the top item wins */
  labelMap: Uint8Array;
  /** model output indices (0..9) present in the label map, ascending */
  tags: number[];
  /** bottom to top, in paste order */
  items: SceneItem[];
}

export interface SceneGenerator {
  readonly options: Required<SceneGeneratorOptions>;
  next(): Scene;
  sceneAt(index: number): Scene;
}

interface SplitData { images: IdxImages; byClass: number[][]; dir: string; split: FashionSplit }

const splitCache = new Map<string, SplitData>();
let textureCache: Promise<GrayImage[]> | null = null;

function loadSplit(split: FashionSplit, dir: string): SplitData {
  const key = `${dir}|${split}`;
  let d = splitCache.get(key);
  if (!d) {
    const images = readFashionImages(split, dir);
    const labels = readFashionLabels(split, dir);
    const byClass: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
    for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
    d = { images, byClass, dir, split };
    splitCache.set(key, d);
  }
  return d;
}

/**
 * The 28×28 source of an item, mirrored left-right when flipped. No Fashion-MNIST image
 * is blank (checked over both splits), so a blank one is an item the folder does not hold.
 */
export function itemSource(images: IdxImages, index: number, flipped: boolean, from = 'this Fashion-MNIST folder'): Uint8Array {
  const src = images.pixels.subarray(index * 784, index * 784 + 784);
  if (src.length !== 784 || src.every((v) => v === 0)) {
    throw new Error(`Fashion-MNIST item ${index} is not in ${from} (a subset): scenes other than the demo's need the full dataset — install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR`);
  }
  if (!flipped) return src;
  const out = new Uint8Array(784);
  for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) out[y * 28 + x] = src[y * 28 + 27 - x];
  return out;
}

/** Rec. 601 luma, 0..255 */
function luma(c: Rgb): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

function randomColor(rng: Rng): Rgb {
  return [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
}

/** An item tint whose luma differs from the background's by at least minContrast. */
function contrastingTint(rng: Rng, bgLuma: number, minContrast: number): Rgb {
  let best: Rgb = randomColor(rng);
  let bestGap = Math.abs(luma(best) * 0.9 - bgLuma);
  for (let t = 0; t < 40 && bestGap < minContrast; t++) {
    const c = randomColor(rng);
    const gap = Math.abs(luma(c) * 0.9 - bgLuma);
    if (gap > bestGap) { best = c; bestGap = gap; }
  }
  return best;
}

function overlapTooLarge(a: SceneItem, b: { x: number; y: number; size: number }): boolean {
  const w = Math.min(a.x + a.size, b.x + b.size) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.size, b.y + b.size) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return false;
  const smaller = Math.min(a.size, b.size) ** 2;
  return w * h > 0.2 * smaller;
}

const SIZE_RANGE: Record<number, [number, number]> = { 1: [56, 96], 2: [46, 80], 3: [40, 68] };

function renderScene(
  opts: Required<SceneGeneratorOptions>, data: SplitData, textures: GrayImage[], index: number,
): Scene {
  const S = opts.size;
  const scale = S / 128;
  const rng = createRng(mixSeed(opts.seed, index, opts.split === 'train' ? 1 : 2, S));
  const tier: SceneTier = opts.tier === 'mixed' ? (rng.next() < 0.5 ? 'flat' : 'textured') : opts.tier;

  let canvas: Float64Array;
  let bgLuma: number;
  if (tier === 'flat') {
    const bg = randomColor(rng);
    canvas = flatCanvas(S, bg);
    bgLuma = luma(bg);
  } else {
    const tex = rng.pick(textures);
    const crop = rng.int(96, 320);
    const cx = rng.int(0, tex.width - crop), cy = rng.int(0, tex.height - crop);
    const gray = resampleBilinear(tex.data, tex.width, tex.height, cx, cy, crop, crop, S, S);
    const base = randomColor(rng);
    const dark: Rgb = [Math.floor(base[0] * 0.65), Math.floor(base[1] * 0.65), Math.floor(base[2] * 0.65)];
    const light: Rgb = [
      Math.min(255, dark[0] + rng.int(50, 150)),
      Math.min(255, dark[1] + rng.int(50, 150)),
      Math.min(255, dark[2] + rng.int(50, 150)),
    ];
    canvas = textureCanvas(gray, S, dark, light);
    let mean = 0;
    for (let i = 0; i < gray.length; i++) mean += gray[i];
    mean /= gray.length * 255;
    bgLuma = luma(dark) + (luma(light) - luma(dark)) * mean;
  }

  const count = rng.int(1, 3);
  const classes: number[] = [];
  while (classes.length < count) {
    const c = rng.int(0, NUM_CLASSES - 1);
    if (!classes.includes(c)) classes.push(c);
  }
  const [lo, hi] = SIZE_RANGE[count];
  const items: SceneItem[] = [];
  for (const label of classes) {
    let placed: SceneItem | null = null;
    for (let attempt = 0; attempt < 30 && !placed; attempt++) {
      const size = Math.max(8, Math.round(rng.int(lo, hi) * scale));
      const x = rng.int(0, S - size), y = rng.int(0, S - size);
      if (items.some((it) => overlapTooLarge(it, { x, y, size }))) continue;
      const pool = data.byClass[label];
      placed = {
        label, sourceIndex: pool[rng.int(0, pool.length - 1)], flipped: rng.next() < 0.5,
        x, y, size, tint: contrastingTint(rng, bgLuma, 70),
      };
    }
    if (placed) items.push(placed); // else: no room left; the scene holds fewer items
  }

  const labelMap = new Uint8Array(S * S);
  for (const it of items) {
    const alpha = itemAlpha(itemSource(data.images, it.sourceIndex, it.flipped, data.dir), it.size);
    pasteItem(canvas, labelMap, S, { label: it.label, alpha, size: it.size, x: it.x, y: it.y, tint: it.tint });
  }
  const present = new Set<number>();
  for (let i = 0; i < labelMap.length; i++) if (labelMap[i] > 0) present.add(labelMap[i] - 1);
  const tags = [...present].sort((a, b) => a - b);
  return { index, tier, size: S, rgb: toBytes(canvas), labelMap, tags, items };
}

export async function createSceneGenerator(options: SceneGeneratorOptions): Promise<SceneGenerator> {
  const opts: Required<SceneGeneratorOptions> = { size: 128, start: 0, fashionDir: fashionMnistDir(), ...options };
  if (!Number.isInteger(opts.size) || opts.size < 32) throw new RangeError(`scene size must be an integer ≥ 32, got ${opts.size}`);
  const data = loadSplit(opts.split, opts.fashionDir);
  const textures = opts.tier === 'flat' ? [] : await (textureCache ??= loadTextures());
  let cursor = opts.start;
  return {
    options: opts,
    next: () => renderScene(opts, data, textures, cursor++),
    sceneAt: (index: number) => renderScene(opts, data, textures, index),
  };
}

/** The split's raw images (for tests that recompute label maps from item placements). */
export function splitImages(split: FashionSplit, dir = fashionMnistDir()): IdxImages {
  return loadSplit(split, dir).images;
}
