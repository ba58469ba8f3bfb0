// The quality bench's expensive part, done once: a model's CAMs at layers 2–4 for each
// scene of a split, per method, stored as float16 on disk (outside the repository) and read
// back by every chain / τ_bg sweep. One file per (model, method, tier, split seed, size,
// scene); the key holds the model file's hash and a hash of the engine's source, so a new
// model or a changed engine computes afresh and a stopped run resumes where it stopped.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { camFromFloat16, type ClassCam } from '../../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import type { CamMethod } from '../../../src/engine/cams/methods.ts';
import { createCamExecutor, type CamExecutor } from '../../../src/engine/executor.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor, type PreprocessConfig } from '../../../src/engine/preprocess.ts';
import { createSceneGenerator, type Scene, type SceneGenerator } from '../../../demo/scenes/generator.ts';

export const MAP_LAYERS = ['layer2', 'layer3', 'layer4'] as const;

/** The cache folder: RS_BENCH_CACHE, else the user's cache folder (never inside the repository). */
export function mapCacheDir(): string {
  if (process.env.RS_BENCH_CACHE) return process.env.RS_BENCH_CACHE;
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'relevance-studio', 'quality-maps');
}

export interface MapSource {
  modelFile: string;
  tier: 'flat' | 'textured';
  /** scene seed of the split */
  seed: number;
  executor?: string;
  cacheDir?: string;
}

/** One scene's stored maps: layer → one ClassCam per tag (class index = tag + 1), plus the logits. */
export interface CachedScene {
  maps: Record<string, ClassCam[]>;
  logits: Float32Array;
  /** the executor that computed them (onnxruntime-cpu, …) */
  executor: string;
}

interface Header {
  executor: string;
  logits: number[];
  layers: { layer: string; cams: { classIndex: number; h: number; w: number }[] }[];
}

const hashes = new Map<string, string>();
function fileHash(file: string): string {
  let h = hashes.get(file);
  if (!h) hashes.set(file, (h = createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16)));
  return h;
}

/** a hash of src/engine's source: maps computed by another engine are not reused */
let engineHashMemo: string | null = null;
function engineHash(): string {
  if (engineHashMemo) return engineHashMemo;
  const root = path.resolve(import.meta.dirname, '../../../src/engine');
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) h.update(path.relative(root, p)).update(readFileSync(p));
    }
  };
  walk(root);
  return (engineHashMemo = h.digest('hex').slice(0, 12));
}

function encode(scene: CachedScene): Buffer {
  const header: Header = { executor: scene.executor, logits: [...scene.logits], layers: [] };
  const blobs: Uint8Array[] = [];
  for (const [layer, cams] of Object.entries(scene.maps)) {
    header.layers.push({ layer, cams: cams.map((c) => ({ classIndex: c.classIndex, h: c.height, w: c.width })) });
    for (const c of cams) blobs.push(encodeFloat16(c.data));
  }
  const json = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  return Buffer.concat([len, json, ...blobs]);
}

function decode(buf: Buffer): CachedScene {
  const n = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + n).toString('utf8')) as Header;
  let off = 4 + n;
  const maps: Record<string, ClassCam[]> = {};
  for (const l of header.layers) {
    maps[l.layer] = l.cams.map((c) => {
      const bytes = new Uint8Array(buf.buffer, buf.byteOffset + off, c.h * c.w * 2).slice();
      off += c.h * c.w * 2;
      return camFromFloat16(c.classIndex, c.w, c.h, bytes);
    });
  }
  return { maps, logits: Float32Array.from(header.logits), executor: header.executor ?? 'unrecorded' };
}

/**
 * A model's maps over one split: `get(i, method)` reads scene i's maps from the cache, or
 * computes them (one walk for layers 2–4; Score-CAM one request per layer) and stores them.
 */
export class MapCache {
  private exec: Promise<CamExecutor> | null = null;
  private pre: PreprocessConfig | null = null;
  private gen: SceneGenerator | null = null;
  readonly folder: string;

  private constructor(readonly source: MapSource, readonly size: number, pre: PreprocessConfig) {
    this.pre = pre;
    const key = `${path.basename(path.dirname(source.modelFile))}-${fileHash(source.modelFile)}-engine-${engineHash()}`;
    this.folder = path.join(source.cacheDir ?? mapCacheDir(), key, `${source.tier}-seed${source.seed}-${size}px`);
  }

  static async open(source: MapSource): Promise<MapCache> {
    const pre = await readPreprocessFor(source.modelFile);
    return new MapCache(source, pre.size[1], pre);
  }

  async scenes(): Promise<SceneGenerator> {
    return (this.gen ??= await createSceneGenerator({ split: 'test', tier: this.source.tier, seed: this.source.seed, size: this.size }));
  }

  private file(method: CamMethod, i: number): string {
    return path.join(this.folder, method, `${String(i).padStart(5, '0')}.bin`);
  }

  has(method: CamMethod, i: number): boolean {
    return existsSync(this.file(method, i));
  }

  /** the executor that computed the maps read so far ('' before any) */
  executorLabel = '';

  async get(i: number, method: CamMethod, scene?: Scene): Promise<CachedScene> {
    const f = this.file(method, i);
    if (existsSync(f)) {
      const got = decode(readFileSync(f));
      this.executorLabel ||= got.executor;
      return got;
    }
    const s = scene ?? (await this.scenes()).sceneAt(i);
    const computed = await this.compute(s, method);
    mkdirSync(path.dirname(f), { recursive: true });
    writeFileSync(`${f}.part`, encode(computed));
    renameSync(`${f}.part`, f);
    return computed;
  }

  private async compute(s: Scene, method: CamMethod): Promise<CachedScene> {
    const exec = await (this.exec ??= loadModel(this.source.modelFile).then((g) => createCamExecutor(g, { executor: this.source.executor })));
    const pre = this.pre!;
    const x = preprocessRgb(s.rgb, s.size, s.size, pre).data;
    const hw: [number, number] = [pre.size[0], pre.size[1]];
    const asCams = (ms: { data: Float32Array; h: number; w: number }[]) => ms.map((m, j) => camFromFloat16(s.tags[j] + 1, m.w, m.h, encodeFloat16(m.data)));
    const maps: Record<string, ClassCam[]> = {};
    let logits: Float32Array;
    if (method === 'scorecam') {
      logits = new Float32Array(0);
      for (const layer of MAP_LAYERS) {
        const r = await exec.run(x, hw, { method, layer, targets: s.tags });
        maps[layer] = asCams(r.maps);
        logits = r.logits;
      }
    } else {
      const [first, ...deep] = MAP_LAYERS;
      const r = await exec.run(x, hw, { method, layer: first, deepLayers: deep, targets: s.tags });
      maps[first] = asCams(r.maps);
      for (const d of r.deep) maps[d.layer] = asCams(d.maps);
      logits = r.logits;
    }
    this.executorLabel ||= exec.label;
    return { maps, logits, executor: exec.label };
  }

  async close(): Promise<void> {
    if (this.exec) await (await this.exec).dispose();
    this.exec = null;
  }
}
