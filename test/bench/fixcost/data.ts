// The images the fix-cost bench scores: the built-in scene sets (the refine bench's tuning
// and test splits, textured and flat) or any folder (--images/--tags/--gt), each with its
// ground truth and the CAMs a job stores (the detail layer plus the deeper layers the chain
// gates with, float16, from one walk). CAMs are cached on disk by model, image and request,
// so re-running the bench (other tools, other settings) costs no model time.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { StudioError } from '../../../src/contract/errors.ts';
import { createCamExecutor, type CamExecutor } from '../../../src/engine/executor.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { decodeImage, preprocessRgb, readPreprocessFor, type PreprocessConfig } from '../../../src/engine/preprocess.ts';
import type { CamMethod } from '../../../src/engine/cams/methods.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import type { StoredCam } from '../../../src/masks/cam-mask.ts';
import { planCsv } from '../../../src/project/import/csv.ts';
import { decodeLabelPng } from '../../../src/project/png.ts';
import { createSceneGenerator } from '../../../demo/scenes/generator.ts';
import { SPLITS, type SplitName } from '../quality/refine.ts';

/** One scored image: pixels, truth and the stored CAMs of its tags. */
export interface BenchImage {
  name: string;
  width: number;
  height: number;
  rgb: Uint8Array;
  /** 0 background, k + 1 = the model's class k, 255 ignore */
  gt: Uint8Array;
  /** label values of the image's tags (model class + 1), ascending */
  classes: number[];
  /** the detail layer's CAMs, one per tag */
  cams: StoredCam[];
  /** deeper layers' CAMs by layer name (the same classes) */
  deep: Record<string, StoredCam[]>;
}

export interface CamSpec {
  modelFile: string;
  method: CamMethod;
  layer: string;
  /** the deeper layers the chain reads (picked up by the same walk) */
  deepLayers: string[];
  executor?: string;
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(base, 'relevance-studio', 'bench-cams');
}

/** CAMs of many images through one executor, each looked up in / written to the disk cache first. */
export class CamSource {
  private exec: CamExecutor | null = null;
  private pre: PreprocessConfig | null = null;
  private readonly modelKey: string;
  hits = 0;
  misses = 0;

  constructor(
    readonly spec: CamSpec,
    private readonly cacheDir: string | null,
  ) {
    this.modelKey = createHash('sha256').update(readFileSync(spec.modelFile)).digest('hex').slice(0, 16);
  }

  async preprocess(): Promise<PreprocessConfig> {
    return (this.pre ??= await readPreprocessFor(this.spec.modelFile));
  }

  /** `targets` are the model's 0-based outputs; StoredCam class index = target + 1. */
  async cams(rgb: Uint8Array, width: number, height: number, targets: readonly number[]): Promise<{ cams: StoredCam[]; deep: Record<string, StoredCam[]> }> {
    const s = this.spec;
    const key = createHash('sha256')
      .update(JSON.stringify([this.modelKey, s.method, s.layer, s.deepLayers, targets, width, height]))
      .update(rgb)
      .digest('hex');
    const file = this.cacheDir ? path.join(this.cacheDir, this.modelKey, key.slice(0, 2), `${key}.bin`) : null;
    if (file && existsSync(file)) {
      this.hits++;
      return decodeCams(readFileSync(file));
    }
    this.misses++;
    const pre = await this.preprocess();
    this.exec ??= await createCamExecutor(await loadModel(s.modelFile), { executor: s.executor });
    const out = { cams: [] as StoredCam[], deep: Object.fromEntries(s.deepLayers.map((l) => [l, [] as StoredCam[]])) as Record<string, StoredCam[]> };
    if (targets.length) {
      const x = preprocessRgb(rgb, width, height, pre).data;
      const r = await this.exec.run(x, [pre.size[0], pre.size[1]], { method: s.method, layer: s.layer, targets: [...targets], ...(s.deepLayers.length ? { deepLayers: s.deepLayers } : {}) });
      const stored = (maps: { h: number; w: number; data: Float32Array }[]) => maps.map((m, j) => ({ classIndex: targets[j] + 1, h: m.h, w: m.w, f16: encodeFloat16(m.data) }));
      out.cams = stored(r.maps);
      s.deepLayers.forEach((l, k) => (out.deep[l] = stored(r.deep[k].maps)));
    }
    if (file) {
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, encodeCams(out));
      renameSync(`${file}.tmp`, file);
    }
    return out;
  }

  get label(): string {
    return this.exec?.label ?? 'cache';
  }

  async dispose(): Promise<void> {
    await this.exec?.dispose();
    this.exec = null;
  }
}

/** [u32 header length][JSON header][float16 payloads in header order] */
function encodeCams(c: { cams: StoredCam[]; deep: Record<string, StoredCam[]> }): Uint8Array {
  const all: [string, StoredCam][] = [...c.cams.map((m) => ['', m] as [string, StoredCam]), ...Object.entries(c.deep).flatMap(([l, ms]) => ms.map((m) => [l, m] as [string, StoredCam]))];
  const header = new TextEncoder().encode(JSON.stringify({ layers: Object.keys(c.deep), maps: all.map(([l, m]) => [l, m.classIndex, m.h, m.w]) }));
  const size = 4 + header.length + all.reduce((s, [, m]) => s + m.f16.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let o = 4 + header.length;
  for (const [, m] of all) {
    out.set(m.f16, o);
    o += m.f16.length;
  }
  return out;
}

function decodeCams(bytes: Uint8Array): { cams: StoredCam[]; deep: Record<string, StoredCam[]> } {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  const h = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + n))) as { layers: string[]; maps: [string, number, number, number][] };
  const out = { cams: [] as StoredCam[], deep: Object.fromEntries(h.layers.map((l) => [l, [] as StoredCam[]])) as Record<string, StoredCam[]> };
  let o = 4 + n;
  for (const [l, classIndex, mh, mw] of h.maps) {
    const f16 = bytes.slice(o, o + mh * mw * 2);
    o += mh * mw * 2;
    (l === '' ? out.cams : out.deep[l]).push({ classIndex, h: mh, w: mw, f16 });
  }
  return out;
}

/** The refine bench's scenes of one split and tier, rendered at the model's input size. */
export async function sceneImages(src: CamSource, split: SplitName, tier: 'flat' | 'textured', count: number, progress?: (done: number) => void): Promise<BenchImage[]> {
  const size = (await src.preprocess()).size[1];
  const gen = await createSceneGenerator({ split: 'test', tier, seed: SPLITS[split], size });
  const out: BenchImage[] = [];
  for (let i = 0; i < count; i++) {
    const s = gen.sceneAt(i);
    const c = await src.cams(s.rgb, size, size, s.tags);
    out.push({ name: `${tier}-${split}-${i}`, width: size, height: size, rgb: s.rgb, gt: s.labelMap, classes: s.tags.map((t) => t + 1), ...c });
    progress?.(i + 1);
  }
  return out;
}

/** The model's class names (classes.txt beside it), in output order. */
export function modelClassNames(modelFile: string): string[] {
  const dir = path.dirname(path.resolve(modelFile));
  for (const f of [path.join(dir, 'classes.txt'), path.join(path.dirname(dir), 'classes.txt')]) {
    if (existsSync(f)) return readFileSync(f, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  }
  throw new StudioError('NOT_FOUND', `${modelFile}: no classes.txt beside the model (one class name per line, in output order)`);
}

/**
 * A folder of images with a tag list (import's csv layout: `image,tags`, tags by class
 * name separated by ';') and ground truth as PNG label maps named after each image's stem
 * (0 background, k + 1 = the model's class k, 255 ignore).
 */
export async function folderImages(src: CamSource, o: { images: string; tags: string; gt: string }, progress?: (done: number, total: number) => void): Promise<BenchImage[]> {
  const names = modelClassNames(src.spec.modelFile);
  const plan = planCsv(o.images, o.tags);
  if (plan.errors.length) throw new StudioError('BAD_REQUEST', `${plan.errors[0].file}: ${plan.errors[0].message}`);
  if (!plan.entries.length) throw new StudioError('BAD_REQUEST', `${o.tags}: no images listed`);
  const out: BenchImage[] = [];
  for (const e of plan.entries) {
    const targets = e.tags.map((t) => {
      const k = names.indexOf(t);
      if (k < 0) throw new StudioError('BAD_REQUEST', `${o.tags}: ${e.name} is tagged '${t}', which is not a class of the model (${names.join(', ')})`);
      return k;
    });
    targets.sort((a, b) => a - b);
    const img = await decodeImage(e.file);
    const gtFile = path.join(o.gt, `${path.basename(e.name, path.extname(e.name))}.png`);
    if (!existsSync(gtFile)) throw new StudioError('NOT_FOUND', `${gtFile}: no ground-truth label map for ${e.name}`);
    const gt = decodeLabelPng(readFileSync(gtFile), gtFile);
    if (gt.width !== img.width || gt.height !== img.height) throw new StudioError('BAD_REQUEST', `${gtFile}: ${gt.width}x${gt.height}, the image ${e.name} is ${img.width}x${img.height}`);
    for (const v of gt.labels) {
      if (v !== 255 && v > names.length) throw new StudioError('BAD_REQUEST', `${gtFile}: label ${v} is not 0..${names.length} or 255 (the model has ${names.length} classes)`);
    }
    const c = await src.cams(img.rgb, img.width, img.height, targets);
    out.push({ name: e.name, width: img.width, height: img.height, rgb: img.rgb, gt: gt.labels, classes: targets.map((t) => t + 1), ...c });
    progress?.(out.length, plan.entries.length);
  }
  return out;
}
