// The refinement part of the quality benchmark: for one model and one scene tier, every
// method × layer as a detail source, raw and through each refinement step and the presets'
// chains. Settings are chosen on a tuning split (τ_bg: the best of the sweep there) and
// reported on a separate test split at those settings — the held-out scenes the raw part
// reports are the test split, the tuning split is another seed over the same t10k items.
// Masks are made exactly as the batch pipeline makes them: float16-stored maps,
// src/masks/refine refinedLabels (refineMaps + labelsFromMaps).
import { argmaxMaps, camFromFloat16, labelsFromMaps, upsampleCams, type ClassCam, type MaskSettings, type UpsampledCam } from '../../../src/masks/cam-mask.ts';
import { ConfusionMatrix } from '../../../src/masks/confusion.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { chainForLayer, refineMaps, REFINE_PRESETS, type RefineSettings } from '../../../src/masks/refine/index.ts';
import type { CamMethod } from '../../../src/engine/cams/methods.ts';
import { createCamExecutor } from '../../../src/engine/executor.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor } from '../../../src/engine/preprocess.ts';
import { createSceneGenerator, type Scene } from '../../../demo/scenes/generator.ts';
import { HELD_OUT_SEED } from '../../../demo/scenes/presets.ts';
import { NUM_CLASSES } from '../../../demo/scenes/classes.ts';
import { ThresholdSweep, tauRange } from '../metrics/threshold-sweep.ts';

/** scene seed of the tuning split (the test split is HELD_OUT_SEED, the raw part's scenes) */
export const TUNING_SEED = 31337;
export const SPLITS = { tuning: TUNING_SEED, test: HELD_OUT_SEED } as const;
export type SplitName = keyof typeof SPLITS;

export const REFINE_LAYERS = ['layer2', 'layer3', 'layer4'] as const;
const K = NUM_CLASSES + 1;

/** One way of turning a detail map into labels. */
export interface ChainDef {
  name: string;
  /** refine settings for a detail source at `layer` (null: raw) */
  refine(layer: string): RefineSettings | null;
  /** mask settings besides τ_bg */
  post?: Partial<MaskSettings>;
  /** only for these detail layers (absent: all) */
  layers?: readonly string[];
}

/** a preset's chain for a detail layer (the gate reads only deeper layers, as a job's does) */
const presetFor = (name: 'fast' | 'best', layer: string): RefineSettings | null => chainForLayer(structuredClone(REFINE_PRESETS[name]), layer);

export const CHAINS: readonly ChainDef[] = [
  { name: 'raw', refine: () => null },
  { name: 'gate', refine: (l) => ({ ...presetFor('best', l)!, par: null }), layers: ['layer2', 'layer3'] },
  { name: 'PAR', refine: (l) => ({ ...presetFor('best', l)!, gate: null }) },
  { name: 'fast', refine: (l) => presetFor('fast', l) },
  { name: 'best', refine: (l) => presetFor('best', l) },
  { name: 'best + fill + clean', refine: (l) => presetFor('best', l), post: { fillHoles: true, minArea: 32, smallTo: 'background' }, layers: ['layer2'] },
  { name: 'best + ignore band', refine: (l) => presetFor('best', l), post: { ignoreBand: 0.05 }, layers: ['layer2'] },
];

export interface RefineBenchOptions {
  modelFile: string;
  tier: 'flat' | 'textured';
  scenes: number;
  methods: readonly CamMethod[];
  executor?: string;
  /** the chains to run on every method × layer (others only on rcam) */
  allChains?: readonly string[];
  progress?: (what: string, done: number, total: number) => void;
}

export interface ChainScore {
  method: string;
  layer: string;
  chain: string;
  /** τ_bg chosen on the tuning split and that split's mIoU */
  tau: number;
  tuning: number;
  /** the test split's mIoU at the tuned τ_bg */
  test: number;
  /** share of test pixels a mask left void (ignore) */
  voidShare: number;
}

export interface RefineBenchResult {
  model: string;
  executor: string;
  tier: string;
  size: number;
  scenes: number;
  scores: ChainScore[];
  /** mean ms per scene of making each chain's labels (refinement + argmax + clean-ups), test split, at the scene size */
  msPerScene: Record<string, number>;
  examples: { scene: Scene; raw: Uint8Array; refined: Uint8Array; tauRaw: number; tauRefined: number }[];
  seconds: number;
}

interface SceneMaps {
  scene: Scene;
  /** method → layer → stored maps (one per tag) */
  maps: Map<string, Map<string, ClassCam[]>>;
}

async function computeMaps(o: RefineBenchOptions, split: SplitName): Promise<{ scenes: SceneMaps[]; executor: string; size: number }> {
  const graph = await loadModel(o.modelFile);
  const pre = await readPreprocessFor(o.modelFile);
  const exec = await createCamExecutor(graph, { executor: o.executor });
  const size = pre.size[1];
  const gen = await createSceneGenerator({ split: 'test', tier: o.tier, seed: SPLITS[split], size });
  const out: SceneMaps[] = [];
  try {
    for (let i = 0; i < o.scenes; i++) {
      const scene = gen.sceneAt(i);
      const x = preprocessRgb(scene.rgb, scene.size, scene.size, pre).data;
      const maps = new Map<string, Map<string, ClassCam[]>>();
      for (const method of o.methods) {
        const byLayer = new Map<string, ClassCam[]>();
        for (const layer of REFINE_LAYERS) {
          const r = await exec.run(x, [pre.size[0], pre.size[1]], { method, layer, targets: scene.tags });
          byLayer.set(layer, r.maps.map((m, j) => camFromFloat16(scene.tags[j] + 1, m.w, m.h, encodeFloat16(m.data))));
        }
        maps.set(method, byLayer);
      }
      out.push({ scene, maps });
      o.progress?.(`${split} maps`, i + 1, o.scenes);
    }
  } finally {
    await exec.dispose();
  }
  return { scenes: out, executor: exec.label, size };
}

function chainMaps(s: SceneMaps, method: string, layer: string, refine: RefineSettings | null): UpsampledCam[] {
  const byLayer = s.maps.get(method)!;
  const S = s.scene.size;
  if (!refine) return upsampleCams(byLayer.get(layer)!, S, S, 'relu-max');
  const deep: Record<string, ClassCam[]> = {};
  for (const [l, m] of byLayer) if (l !== layer) deep[l] = m;
  return refineMaps({ width: S, height: S, rgb: s.scene.rgb, cams: byLayer.get(layer)!, deep }, refine, 'relu-max').maps;
}

const TAUS = tauRange(0.05, 0.95, 0.05);
const POST_TAUS = tauRange(0.2, 0.6, 0.05);

/** best τ and mIoU on `scenes` (post: clean-ups need the labels at each τ) */
function tune(scenes: SceneMaps[], maps: UpsampledCam[][], post: Partial<MaskSettings> | undefined): { tau: number; miou: number } {
  if (!post) {
    const sw = new ThresholdSweep(K, TAUS);
    scenes.forEach((s, i) => {
      const { argmax, score } = argmaxMaps(maps[i], s.scene.size ** 2);
      sw.add(s.scene.labelMap, argmax, score);
    });
    const b = sw.best();
    return { tau: b.tau, miou: b.miou };
  }
  let best = { tau: POST_TAUS[0], miou: -1 };
  for (const tau of POST_TAUS) {
    const v = scoreAt(scenes, maps, { ...post, bg: tau }).miou;
    if (v > best.miou) best = { tau, miou: v };
  }
  return best;
}

function scoreAt(scenes: SceneMaps[], maps: UpsampledCam[][], settings: Partial<MaskSettings>): { miou: number; voidShare: number } {
  const cm = new ConfusionMatrix(K);
  let voids = 0;
  let px = 0;
  scenes.forEach((s, i) => {
    const S = s.scene.size;
    const lab = labelsFromMaps(maps[i], S, S, settings);
    for (const v of lab) if (v === 255) voids++;
    px += lab.length;
    cm.add(s.scene.labelMap, lab);
  });
  return { miou: cm.miou(), voidShare: voids / px };
}

export async function evaluateRefinement(o: RefineBenchOptions): Promise<RefineBenchResult> {
  const t0 = performance.now();
  const tuning = await computeMaps(o, 'tuning');
  const test = await computeMaps(o, 'test');
  const all = new Set(o.allChains ?? ['raw', 'best']);
  const scores: ChainScore[] = [];
  const ms: Record<string, { t: number; n: number }> = {};
  const jobs: { method: string; layer: string; chain: ChainDef }[] = [];
  for (const method of o.methods) {
    for (const layer of REFINE_LAYERS) {
      for (const chain of CHAINS) {
        if (chain.layers && !chain.layers.includes(layer)) continue;
        if (method !== 'rcam' && !all.has(chain.name)) continue;
        jobs.push({ method, layer, chain });
      }
    }
  }
  // chains that differ only in their clean-ups share the refined maps (computed once per split)
  const cache = new Map<string, { tuning: UpsampledCam[][]; test: UpsampledCam[][]; refineMs: number }>();
  jobs.forEach(({ method, layer, chain }, k) => {
    const refine = chain.refine(layer);
    const key = `${method}|${layer}|${JSON.stringify(refine)}`;
    let maps = cache.get(key);
    if (!maps) {
      for (const [kk] of cache) if (!kk.startsWith(`${method}|${layer}|`)) cache.delete(kk);
      const tm = tuning.scenes.map((s) => chainMaps(s, method, layer, refine));
      const t0 = performance.now();
      const sm = test.scenes.map((s) => chainMaps(s, method, layer, refine));
      maps = { tuning: tm, test: sm, refineMs: performance.now() - t0 };
      cache.set(key, maps);
    }
    const tuned = tune(tuning.scenes, maps.tuning, chain.post);
    const t1 = performance.now();
    const at = scoreAt(test.scenes, maps.test, { ...chain.post, bg: tuned.tau });
    if (method === 'rcam' && layer === 'layer2') {
      // the chain's maps (shared with chains that differ only in clean-ups) + this chain's labels
      const m = (ms[chain.name] ??= { t: 0, n: 0 });
      m.t += maps.refineMs + performance.now() - t1;
      m.n += test.scenes.length;
    }
    scores.push({ method, layer, chain: chain.name, tau: tuned.tau, tuning: tuned.miou, test: at.miou, voidShare: at.voidShare });
    o.progress?.('chains', k + 1, jobs.length);
  });

  const pick = (chain: string) => scores.find((s) => s.method === 'rcam' && s.layer === 'layer2' && s.chain === chain)!;
  const rawTau = pick('raw').tau;
  const bestTau = pick('best').tau;
  const examples = test.scenes.slice(0, 6).map((s) => {
    const S = s.scene.size;
    return {
      scene: s.scene,
      raw: labelsFromMaps(chainMaps(s, 'rcam', 'layer2', null), S, S, { bg: rawTau }),
      refined: labelsFromMaps(chainMaps(s, 'rcam', 'layer2', presetFor('best', 'layer2')), S, S, { bg: bestTau }),
      tauRaw: rawTau,
      tauRefined: bestTau,
    };
  });
  return {
    model: o.modelFile,
    executor: test.executor,
    tier: o.tier,
    size: test.size,
    scenes: o.scenes,
    scores,
    msPerScene: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v.t / v.n])),
    examples,
    seconds: (performance.now() - t0) / 1000,
  };
}
