// The faithfulness bench's measuring loop: for every image and tagged class, every method ×
// layer map (rcam, clrp, the gradient CAMs, Score-CAM on a subset; clrp also at the input)
// → Average Drop / Increase by the authors' protocol and by the standard definition,
// deletion / insertion curves, and the localisation IoU against the class's box
// (metrics/faithfulness.ts). The masked forwards of one map run as one batch. Maps are cached
// on disk (float32, feature resolution) and so is every measured pair, so an interrupted run
// resumes and a re-render costs nothing.
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createCamExecutor, displayMap, loadModel, logitsTensor, preprocessRgb, probabilities, readPreprocessFor, type CamExecutor, type CamMethod, type PreprocessConfig, type TargetMap } from '../../../src/engine/index.ts';
import { INPUT_LAYER } from '../../../src/engine/layer-names.ts';
import { modelHash } from '../../../src/jobs/models.ts';
import {
  LOC_READINGS, authorsSoftMask, averageDropAuthors, averageDropStandard, boxMask, curveAuc, increaseAuthors, increaseStandard,
  localisationIous, saliencyOrder, stepMask, type LocKey,
} from '../metrics/faithfulness.ts';
import { MeanAccumulator } from '../metrics/localisation.ts';
import { blackPixel, blend, gaussianBlur, scale } from './inputs.ts';
import type { FaithDataset } from './dataset.ts';

export const FAITH_METHODS: readonly CamMethod[] = ['rcam', 'clrp', 'gradcam', 'gradcampp', 'layercam', 'scorecam'];
export const FAITH_LAYERS: readonly string[] = ['layer2', 'layer3', 'layer4'];
/** bump when a measure's definition changes: cached pairs of another version are not reused */
const RECORD_VERSION = 1;

export interface FaithOptions {
  modelFile: string;
  dataset: FaithDataset;
  methods?: readonly CamMethod[];
  layers?: readonly string[];
  /** clrp also at the input (its pixel map), default true */
  inputLayer?: boolean;
  /** deletion / insertion steps (curves of steps + 1 points) */
  steps: number;
  /** images 0…curveImages−1 get deletion / insertion curves (the costly part) */
  curveImages: number;
  /** images 0…scorecamImages−1 get Score-CAM maps (one forward per channel) */
  scorecamImages: number;
  executor?: string;
  /** map and pair cache folder; null: none */
  cacheDir: string | null;
  progress?: (done: number, total: number) => void;
}

/** one explained class of one image under one method × layer */
export interface PairRecord {
  v: number;
  image: string;
  tag: number;
  method: string;
  layer: string;
  /** the class's score on the image, on the authors' masked image, on TorchCAM's */
  y: number;
  oAuthors: number;
  oStd: number;
  deletion: number[] | null;
  insertion: number[] | null;
  /** null: no ground-truth region of the class */
  loc: Record<LocKey, number> | null;
}

/** one row of the bench's table and of `--json` (exactly the keys issue #27 names) */
export interface FaithRow {
  method: string;
  layer: string;
  averageDrop: number;
  increase: number;
  averageDropStd: number;
  increaseStd: number;
  deletionAuc: number;
  insertionAuc: number;
  locIoU25: number;
  locIoU75: number;
  locIoU25TopK: number;
  locIoU75TopK: number;
}

export interface FaithRowExtra {
  /** pairs measured / with curves / with a ground-truth box */
  pairs: number;
  curves: number;
  boxes: number;
  /** mean deletion and insertion curves (steps + 1 points) */
  deletionCurve: number[];
  insertionCurve: number[];
}

export interface FaithResult {
  model: string;
  executor: string;
  dataset: string;
  images: number;
  steps: number;
  curveImages: number;
  scorecamImages: number;
  inputSize: [number, number];
  output: string;
  seconds: number;
  rows: FaithRow[];
  extra: Record<string, FaithRowExtra>;
}

export const rowKey = (method: string, layer: string) => `${method}@${layer}`;

/** the (method, layer) combinations of a run: every method at every layer, clrp also at the input */
export function combinations(methods: readonly CamMethod[], layers: readonly string[], inputLayer: boolean): { method: CamMethod; layer: string }[] {
  const out = methods.flatMap((method) => layers.map((layer) => ({ method, layer })));
  if (inputLayer && methods.includes('clrp')) out.push({ method: 'clrp', layer: INPUT_LAYER });
  return out;
}

class Caches {
  private readonly records = new Map<string, PairRecord>();
  private readonly recordFile: string | null;
  private readonly mapDir: string | null;

  constructor(dir: string | null, hash: string, steps: number) {
    this.recordFile = dir ? path.join(dir, 'pairs', `${hash}-steps${steps}.jsonl`) : null;
    this.mapDir = dir ? path.join(dir, 'maps', hash) : null;
    if (this.recordFile && existsSync(this.recordFile)) {
      for (const line of readFileSync(this.recordFile, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          const r = JSON.parse(line) as PairRecord;
          if (r.v === RECORD_VERSION) this.records.set(Caches.key(r.image, r.tag, r.method, r.layer), r);
        } catch {
          // a line cut off by an interrupted run: measured again
        }
      }
    }
    if (this.recordFile) mkdirSync(path.dirname(this.recordFile), { recursive: true });
  }

  static key(image: string, tag: number, method: string, layer: string): string {
    return `${image}|${tag}|${method}|${layer}`;
  }

  record(image: string, tag: number, method: string, layer: string, needCurves: boolean): PairRecord | undefined {
    const r = this.records.get(Caches.key(image, tag, method, layer));
    return r && (!needCurves || r.deletion) ? r : undefined;
  }

  add(r: PairRecord): void {
    this.records.set(Caches.key(r.image, r.tag, r.method, r.layer), r);
    if (this.recordFile) appendFileSync(this.recordFile, JSON.stringify(r) + '\n');
  }

  private mapFile(method: string, layer: string, image: string, tags: number[]): string | null {
    return this.mapDir ? path.join(this.mapDir, `${method}@${layer.replace(/[^\w.-]/g, '_')}`, `${image}-t${tags.join('_')}.bin`) : null;
  }

  /** [4-byte header length][JSON header][float32 maps] */
  readMaps(method: string, layer: string, image: string, tags: number[]): TargetMap[] | null {
    const f = this.mapFile(method, layer, image, tags);
    if (!f || !existsSync(f)) return null;
    const b = readFileSync(f);
    const n = b.readUInt32LE(0);
    const head = JSON.parse(b.subarray(4, 4 + n).toString('utf8')) as { h: number; w: number; relu: boolean; targets: number[] };
    const data = new Float32Array(b.buffer.slice(b.byteOffset + 4 + n, b.byteOffset + b.length));
    const hw = head.h * head.w;
    return head.targets.map((target, j) => ({ target, h: head.h, w: head.w, reluAfterResize: head.relu, data: data.slice(j * hw, (j + 1) * hw) }));
  }

  writeMaps(method: string, layer: string, image: string, tags: number[], maps: TargetMap[]): void {
    const f = this.mapFile(method, layer, image, tags);
    if (!f) return;
    mkdirSync(path.dirname(f), { recursive: true });
    const head = Buffer.from(JSON.stringify({ h: maps[0].h, w: maps[0].w, relu: maps[0].reluAfterResize, targets: maps.map((m) => m.target) }));
    const len = Buffer.alloc(4);
    len.writeUInt32LE(head.length, 0);
    const data = new Float32Array(maps.reduce((a, m) => a + m.data.length, 0));
    let o = 0;
    for (const m of maps) {
      data.set(m.data, o);
      o += m.data.length;
    }
    writeFileSync(f, Buffer.concat([len, head, Buffer.from(data.buffer)]));
  }
}

/** The per-image constants of the measures: x, its black and blurred substrates, their scores. */
interface ImageInputs {
  x: Float32Array;
  black: Float32Array;
  blurred: Float32Array;
  scores: Float32Array;
  blackScores: Float32Array | null;
  blurScores: Float32Array | null;
}

export async function evaluateFaithfulness(opts: FaithOptions): Promise<FaithResult> {
  const t0 = performance.now();
  const methods = opts.methods ?? FAITH_METHODS;
  const layers = opts.layers ?? FAITH_LAYERS;
  const combos = combinations(methods, layers, opts.inputLayer ?? true);
  const graph = await loadModel(opts.modelFile);
  const pre: PreprocessConfig = await readPreprocessFor(opts.modelFile);
  // the class score the measures compare: the model's own output activation (sigmoid for the multi-label demo nets)
  const act = logitsTensor(graph).activation;
  const output: 'softmax' | 'sigmoid' | 'logits' = pre.output ?? (act === 'none' ? 'softmax' : act);
  const [H, W] = pre.size;
  const C = graph.input.shape[2];
  const steps = opts.steps;
  const hash = modelHash(opts.modelFile).slice(0, 16);
  const caches = new Caches(opts.cacheDir, hash, steps);
  const exec: CamExecutor = await createCamExecutor(graph, { executor: opts.executor });
  const records: PairRecord[] = [];

  const score = async (batch: Float32Array, n: number): Promise<Float32Array[]> => {
    const logits = await exec.predict(batch, [n, H, W, C]);
    const k = logits.length / n;
    return Array.from({ length: n }, (_, i) => probabilities(logits.subarray(i * k, (i + 1) * k), output));
  };

  try {
    for (let i = 0; i < opts.dataset.count; i++) {
      const img = await opts.dataset.image(i);
      const wantCurves = i < opts.curveImages;
      const todo = combos.filter((c) => c.method !== 'scorecam' || i < opts.scorecamImages);
      const cached = (c: { method: string; layer: string }, tag: number) => caches.record(img.key, tag, c.method, c.layer, wantCurves);
      for (const c of todo) for (const tag of img.tags) {
        const r = cached(c, tag);
        if (r) records.push(r);
      }
      const missing = todo.filter((c) => img.tags.some((t) => !cached(c, t)));
      if (missing.length > 0) {
        const x = preprocessRgb(img.rgb, img.width, img.height, pre).data;
        const base: ImageInputs = { x, black: blackPixel(pre, C), blurred: gaussianBlur(x, H, W, C, (5 * H) / 224), scores: (await score(x, 1))[0], blackScores: null, blurScores: null };
        if (wantCurves) {
          const b = new Float32Array(2 * x.length);
          blend(x, new Float32Array(H * W), base.black, b, 0);
          b.set(base.blurred, x.length);
          [base.blackScores, base.blurScores] = await score(b, 2);
        }
        const boxes = img.tags.map((t) => (img.labels ? boxMask(img.labels.data, img.labels.width, img.labels.height, t + 1, W, H) : null));
        for (const c of missing) {
          let maps = caches.readMaps(c.method, c.layer, img.key, img.tags);
          if (!maps) {
            const res = await exec.run(x, [H, W], { method: c.method, layer: c.layer, targets: img.tags, scoreActivation: output });
            maps = res.maps;
            caches.writeMaps(c.method, c.layer, img.key, img.tags, maps);
          }
          for (let j = 0; j < img.tags.length; j++) {
            const tag = img.tags[j];
            if (cached(c, tag)) continue;
            const m = maps[j];
            const map = displayMap(m.data, m.h, m.w, H, W, m.reluAfterResize);
            const rec = await measure(base, map, tag, wantCurves, steps, score);
            const r: PairRecord = { v: RECORD_VERSION, image: img.key, tag, method: c.method, layer: c.layer, ...rec, loc: boxes[j] ? localisationIous(map, boxes[j] as Uint8Array) : null };
            caches.add(r);
            records.push(r);
          }
        }
      }
      opts.progress?.(i + 1, opts.dataset.count);
    }
  } finally {
    await exec.dispose();
  }
  const { rows, extra } = aggregate(records, combos, steps);
  return {
    model: opts.modelFile,
    executor: exec.label,
    dataset: opts.dataset.describe,
    images: opts.dataset.count,
    steps,
    curveImages: Math.min(opts.curveImages, opts.dataset.count),
    scorecamImages: methods.includes('scorecam') ? Math.min(opts.scorecamImages, opts.dataset.count) : 0,
    inputSize: [H, W],
    output,
    seconds: (performance.now() - t0) / 1000,
    rows,
    extra,
  };
}

/** the masked forwards of one map and class, as one batch */
async function measure(
  base: ImageInputs,
  map: Float32Array,
  tag: number,
  curves: boolean,
  steps: number,
  score: (batch: Float32Array, n: number) => Promise<Float32Array[]>,
): Promise<Pick<PairRecord, 'y' | 'oAuthors' | 'oStd' | 'deletion' | 'insertion'>> {
  const { x } = base;
  const count = 2 + (curves ? 2 * (steps - 1) : 0);
  const batch = new Float32Array(count * x.length);
  blend(x, authorsSoftMask(map), base.black, batch, 0);
  scale(x, map, batch, x.length);
  if (curves) {
    const order = saliencyOrder(map);
    for (let k = 1; k < steps; k++) {
      blend(x, stepMask(order, k, steps, 'deletion'), base.black, batch, (1 + k) * x.length);
      blend(x, stepMask(order, k, steps, 'insertion'), base.blurred, batch, (steps + k) * x.length);
    }
  }
  const s = (await score(batch, count)).map((p) => p[tag]);
  const y = base.scores[tag];
  if (!curves) return { y, oAuthors: s[0], oStd: s[1], deletion: null, insertion: null };
  const deletion = [y, ...s.slice(2, 1 + steps), (base.blackScores as Float32Array)[tag]];
  const insertion = [(base.blurScores as Float32Array)[tag], ...s.slice(1 + steps, 2 * steps), y];
  return { y, oAuthors: s[0], oStd: s[1], deletion, insertion };
}

/** per (method, layer): the row's measures and the mean curves */
export function aggregate(records: readonly PairRecord[], combos: readonly { method: string; layer: string }[], steps: number): { rows: FaithRow[]; extra: Record<string, FaithRowExtra> } {
  const rows: FaithRow[] = [];
  const extra: Record<string, FaithRowExtra> = {};
  for (const { method, layer } of combos) {
    const rs = records.filter((r) => r.method === method && r.layer === layer);
    const authors = rs.map((r) => ({ y: r.y, o: r.oAuthors }));
    const std = rs.map((r) => ({ y: r.y, o: r.oStd }));
    const withCurves = rs.filter((r) => r.deletion && r.insertion);
    const del = new MeanAccumulator();
    const ins = new MeanAccumulator();
    const delCurve = new Array<number>(steps + 1).fill(0);
    const insCurve = new Array<number>(steps + 1).fill(0);
    for (const r of withCurves) {
      del.add(curveAuc(r.deletion as number[]));
      ins.add(curveAuc(r.insertion as number[]));
      (r.deletion as number[]).forEach((v, k) => (delCurve[k] += v / withCurves.length));
      (r.insertion as number[]).forEach((v, k) => (insCurve[k] += v / withCurves.length));
    }
    const loc = Object.fromEntries(LOC_READINGS.map((l) => [l.key, new MeanAccumulator()])) as Record<LocKey, MeanAccumulator>;
    let boxes = 0;
    for (const r of rs) {
      if (!r.loc) continue;
      boxes++;
      for (const l of LOC_READINGS) loc[l.key].add(r.loc[l.key]);
    }
    rows.push({
      method,
      layer,
      averageDrop: averageDropAuthors(authors),
      increase: increaseAuthors(authors),
      averageDropStd: averageDropStandard(std),
      increaseStd: increaseStandard(std),
      deletionAuc: del.mean,
      insertionAuc: ins.mean,
      locIoU25: loc.locIoU25.mean,
      locIoU75: loc.locIoU75.mean,
      locIoU25TopK: loc.locIoU25TopK.mean,
      locIoU75TopK: loc.locIoU75TopK.mean,
    });
    extra[rowKey(method, layer)] = { pairs: rs.length, curves: withCurves.length, boxes, deletionCurve: withCurves.length ? delCurve : [], insertionCurve: withCurves.length ? insCurve : [] };
  }
  return { rows, extra };
}
