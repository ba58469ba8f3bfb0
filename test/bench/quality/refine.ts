// The refinement part of the quality benchmark: for one model and one scene tier, every
// method × layer as a detail source, raw and through each refinement step and the presets'
// chains. A fixed τ_bg is chosen on a tuning split (the best of the sweep there) and reported
// on a separate test split at that value; the studio's automatic τ_bg (per image, no ground
// truth) is reported beside it, and so is calibration from a person's first fixes (the test
// split's first images standing in for them). The maps come from the map cache
// (map-cache.ts: computed once per model × method × split); masks are made exactly as the
// batch pipeline makes them (src/masks/refine refineMaps → argmax → τ_bg → clean-ups).
import { argmaxMaps, thresholdArgmax, maskSettings, upsampleCams, type MaskSettings, type UpsampledCam } from '../../../src/masks/cam-mask.ts';
import { ConfusionMatrix } from '../../../src/masks/confusion.ts';
import { autoBackground, chainForLayer, DEFAULT_AUTO_BACKGROUND, DEFAULT_REFINE_PRESET, refineMaps, REFINE_PRESETS, type RefineSettings } from '../../../src/masks/refine/index.ts';
import { FIX_FACTORS, FIX_GAIN_COEF, rankRecipes, recipeMiou, recipeSettings, recommendedRecipe, type FixedImage, type ScoredPixels } from '../../../src/masks/refine/from-fixes.ts';
import type { BackgroundChoice } from '../../../src/contract/calibration.ts';
import type { RefinePresetName } from '../../../src/contract/generation.ts';
import type { CamMethod } from '../../../src/engine/cams/methods.ts';
import type { Scene } from '../../../demo/scenes/generator.ts';
import { HELD_OUT_SEED } from '../../../demo/scenes/presets.ts';
import { NUM_CLASSES } from '../../../demo/scenes/classes.ts';
import { ThresholdSweep, tauRange } from '../metrics/threshold-sweep.ts';
import { MapCache, MAP_LAYERS, type CachedScene } from './map-cache.ts';

/** scene seed of the tuning split (the test split is HELD_OUT_SEED, the raw part's scenes) */
export const TUNING_SEED = 31337;
export const SPLITS = { tuning: TUNING_SEED, test: HELD_OUT_SEED } as const;
export type SplitName = keyof typeof SPLITS;

export const REFINE_LAYERS = MAP_LAYERS;
export const K = NUM_CLASSES + 1;

/** One way of turning a detail map into labels. */
export interface ChainDef {
  name: string;
  /** refine settings for a detail source at `layer` (null: raw); `grid` is the model's layer2 side */
  refine(layer: string, grid: number): RefineSettings | null;
  /** mask settings besides τ_bg */
  post?: Partial<MaskSettings>;
  /** only for these detail layers (absent: all) */
  layers?: readonly string[];
}

/** a preset's chain for a detail layer (the gate reads only deeper layers, as a job's does) */
export const presetFor = (name: RefinePresetName, layer: string): RefineSettings | null => chainForLayer(structuredClone(REFINE_PRESETS[name]), layer);

// the step ablations take the default chain apart (its gate alone, its PAR alone); `best`
// (PAR at 128 px, the slow chain: ≈ 5× `fast` per scene) runs at layer2, the studio's layer
export const CHAINS: readonly ChainDef[] = [
  { name: 'raw', refine: () => null },
  { name: 'gate', refine: (l) => ({ ...presetFor('fast', l)!, par: null }), layers: ['layer2', 'layer3'] },
  { name: 'PAR', refine: (l) => ({ ...presetFor('fast', l)!, gate: null }) },
  { name: 'fast', refine: (l) => presetFor('fast', l) },
  { name: 'best', refine: (l) => presetFor('best', l), layers: ['layer2'] },
  { name: 'best + fill + clean', refine: (l) => presetFor('best', l), post: { fillHoles: true, minArea: 32, smallTo: 'background' }, layers: ['layer2'] },
  { name: 'best + ignore band', refine: (l) => presetFor('best', l), post: { ignoreBand: 0.05 }, layers: ['layer2'] },
  // the default chain with its working size relative to the layer2 grid (4 px per cell, as on the 128-px demo net) instead of 64 px
  { name: 'fast, work 4×grid', refine: (l, grid) => ({ ...presetFor('fast', l)!, workSide: 4 * grid }), layers: ['layer2'] },
];

/** the chains every other method runs (rcam runs them all), and where */
const OTHER_METHOD_CHAINS: Record<string, readonly string[]> = { raw: REFINE_LAYERS, fast: REFINE_LAYERS, best: ['layer2'] };
// (layer2 is stride 8 on both models: its grid side is the input side / 8)

/** the chains item 3's calibration and the τ tables compare (rcam@layer2) */
export const PRESET_CHAINS: readonly RefinePresetName[] = ['none', 'fast', 'best'];
const chainName = (p: RefinePresetName) => (p === 'none' ? 'raw' : p);

export interface RefineBenchOptions {
  modelFile: string;
  tier: 'flat' | 'textured';
  scenes: number;
  methods: readonly CamMethod[];
  /** Score-CAM's scenes per split (it is the slow method) */
  scorecamScenes?: number;
  executor?: string;
  cacheDir?: string;
  /** how many test images stand in for a person's first fixes, and how many such draws */
  fixes?: { images: number; draws: number };
  progress?: (what: string, done: number, total: number) => void;
}

export interface ChainScore {
  method: string;
  layer: string;
  chain: string;
  /** scenes per split this row used */
  scenes: number;
  /** τ_bg chosen on the tuning split and that split's mIoU */
  tau: number;
  tuning: number;
  /** the test split's mIoU at the tuned τ_bg */
  test: number;
  /** share of test pixels a mask left void (ignore) */
  voidShare: number;
  /** the studio's automatic τ_bg (DEFAULT_AUTO_BACKGROUND): tuning and test mIoU */
  autoTuning: number;
  autoTest: number;
}

/** rcam@layer2 per preset chain on the test split: mIoU and the share of images whose own mIoU ≥ 0.8, per fixed τ and with the automatic τ */
export interface TauRow {
  chain: RefinePresetName;
  taus: number[];
  miou: number[];
  good: number[];
  auto: { miou: number; good: number; meanTau: number; tuning: number };
  /** per factor of the automatic rule (FIX_FACTORS): tuning and test mIoU */
  factors: { factor: number; tuning: number; test: number }[];
}

export interface FixesDraw {
  /** the recipe the job ran (FIX_STARTS) */
  start: string;
  /** the test images standing in for the fixed ones */
  fixed: [number, number];
  /** the recipe the studio ends with: its recommendation, else the job's own */
  proposed: { refine: RefinePresetName; background: BackgroundChoice };
  recommended: boolean;
  /** on the rest of the test split: after calibration, the job's own recipe, the best fixed-τ chain (τ and chain from the tuning split), the best fixed-τ cell of the rest itself */
  rest: { calibrated: number; start: number; tunedFixed: number; bestFixedOnRest: number };
}

export interface FixesResult {
  /** fixed images per draw */
  images: number;
  draws: FixesDraw[];
  /** tuning split: the rest's mean mIoU per start and evidence margin (coef/√n), and the start's own */
  margins: { start: string; coef: number; mean: number; startMean: number }[];
}

export interface RefineBenchResult {
  model: string;
  executor: string;
  tier: string;
  size: number;
  scenes: number;
  scorecamScenes: number;
  scores: ChainScore[];
  taus: TauRow[];
  /** the best fixed-τ chain chosen on the tuning split (rcam@layer2, presets; null when rcam did not run) */
  tunedFixed: { chain: RefinePresetName; tau: number; test: number } | null;
  fixes: FixesResult | null;
  /** mean ms per scene of making each chain's labels (refinement + argmax + τ), test split, at the scene size */
  msPerScene: Record<string, number>;
  examples: { scene: Scene; raw: Uint8Array; auto: Uint8Array; fixed: Uint8Array; tauRaw: number; autoTau: number; fixedLabel: string }[];
  seconds: number;
}

const TAUS = tauRange(0.05, 0.95, 0.05);
const POST_TAUS = tauRange(0.2, 0.6, 0.05);
/** the τ columns of the τ table */
export const TABLE_TAUS = [0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5];

interface Split {
  name: SplitName;
  cache: MapCache;
  scenes: Scene[];
}

async function openSplit(o: RefineBenchOptions, name: SplitName): Promise<Split> {
  const cache = await MapCache.open({ modelFile: o.modelFile, tier: o.tier, seed: SPLITS[name], executor: o.executor, cacheDir: o.cacheDir });
  const gen = await cache.scenes();
  return { name, cache, scenes: Array.from({ length: o.scenes }, (_, i) => gen.sceneAt(i)) };
}

/** every method's maps into the cache (the model runs only for what is missing) */
async function fillCache(o: RefineBenchOptions, s: Split): Promise<void> {
  for (const method of o.methods) {
    const n = sceneCount(o, method);
    for (let i = 0; i < n; i++) {
      if (!s.cache.has(method, i)) await s.cache.get(i, method, s.scenes[i]);
      o.progress?.(`${s.name} maps ${method}`, i + 1, n);
    }
  }
}

const sceneCount = (o: RefineBenchOptions, method: string) => (method === 'scorecam' ? Math.min(o.scenes, o.scorecamScenes ?? o.scenes) : o.scenes);

function chainMaps(scene: Scene, maps: CachedScene['maps'], layer: string, refine: RefineSettings | null): UpsampledCam[] {
  const S = scene.size;
  if (!refine) return upsampleCams(maps[layer], S, S, 'relu-max');
  const deep: Record<string, CachedScene['maps'][string]> = {};
  for (const l of MAP_LAYERS) if (l !== layer) deep[l] = maps[l];
  return refineMaps({ width: S, height: S, rgb: scene.rgb, cams: maps[layer], deep }, refine, 'relu-max').maps;
}

/** per scene: the per-pixel best class and score of a chain (what every τ rule thresholds) */
async function scoredSplit(s: Split, n: number, method: CamMethod, layer: string, refine: RefineSettings | null): Promise<{ px: ScoredPixels[]; ms: number }> {
  const px: ScoredPixels[] = [];
  let ms = 0;
  for (let i = 0; i < n; i++) {
    const maps = (await s.cache.get(i, method, s.scenes[i])).maps;
    const t0 = performance.now();
    px.push(argmaxMaps(chainMaps(s.scenes[i], maps, layer, refine), s.scenes[i].size ** 2));
    ms += performance.now() - t0;
  }
  return { px, ms };
}

const labelsAt = (px: ScoredPixels, S: number, s: MaskSettings) => thresholdArgmax(px.argmax.slice(), px.score, S, S, s);

/** mIoU of one τ rule over scenes [from, to) (all by default) */
function miouOf(scenes: Scene[], px: ScoredPixels[], s: MaskSettings, skip?: [number, number]): { miou: number; voidShare: number } {
  const cm = new ConfusionMatrix(K);
  let voids = 0;
  let n = 0;
  px.forEach((p, i) => {
    if (skip && i >= skip[0] && i < skip[1]) return;
    const S = scenes[i].size;
    const bg = s.bgAuto ? autoBackground(p.score, s.bgAuto, s.bg) : s.bg;
    const lab = labelsAt(p, S, { ...s, bg });
    for (const v of lab) if (v === 255) voids++;
    n += lab.length;
    cm.add(scenes[i].labelMap, lab);
  });
  return { miou: cm.miou(), voidShare: voids / n };
}

/** best fixed τ on a split (post: clean-ups need the labels at each τ) */
function tune(scenes: Scene[], px: ScoredPixels[], post: Partial<MaskSettings> | undefined): { tau: number; miou: number } {
  if (!post) {
    const sw = new ThresholdSweep(K, TAUS);
    px.forEach((p, i) => sw.add(scenes[i].labelMap, p.argmax, p.score));
    const b = sw.best();
    return { tau: b.tau, miou: b.miou };
  }
  let best = { tau: POST_TAUS[0], miou: -1 };
  for (const tau of POST_TAUS) {
    const v = miouOf(scenes, px, maskSettings({ ...post, bg: tau })).miou;
    if (v > best.miou) best = { tau, miou: v };
  }
  return best;
}

/** one image's own mIoU at each τ of `taus` */
function imageCurve(scene: Scene, p: ScoredPixels, taus: readonly number[]): number[] {
  const sw = new ThresholdSweep(K, taus);
  sw.add(scene.labelMap, p.argmax, p.score);
  return sw.curve();
}

const AUTO = maskSettings({ bgAuto: { ...DEFAULT_AUTO_BACKGROUND } });

function tauRow(chain: RefinePresetName, test: Split, tuning: Split, testPx: ScoredPixels[], tuningPx: ScoredPixels[]): TauRow {
  const sw = new ThresholdSweep(K, TABLE_TAUS);
  const good = new Array(TABLE_TAUS.length).fill(0);
  let autoGood = 0;
  let tauSum = 0;
  testPx.forEach((p, i) => {
    const sc = test.scenes[i];
    sw.add(sc.labelMap, p.argmax, p.score);
    imageCurve(sc, p, TABLE_TAUS).forEach((v, t) => (good[t] += v >= 0.8 ? 1 : 0));
    const tau = autoBackground(p.score, AUTO.bgAuto!, AUTO.bg);
    tauSum += tau;
    const cm = new ConfusionMatrix(K);
    cm.add(sc.labelMap, labelsAt(p, sc.size, { ...AUTO, bg: tau }));
    if (cm.miou() >= 0.8) autoGood++;
  });
  const n = testPx.length;
  const factors = FIX_FACTORS.map((factor) => {
    const s = maskSettings({ bgAuto: { rule: 'otsu', factor } });
    return { factor, tuning: miouOf(tuning.scenes, tuningPx, s).miou, test: miouOf(test.scenes, testPx, s).miou };
  });
  return {
    chain,
    taus: [...TABLE_TAUS],
    miou: sw.curve(),
    good: good.map((g) => g / n),
    auto: { miou: miouOf(test.scenes, testPx, AUTO).miou, good: autoGood / n, meanTau: tauSum / n, tuning: miouOf(tuning.scenes, tuningPx, AUTO).miou },
    factors,
  };
}

/** the jobs calibration starts from: today's default, and the old default (τ_bg 0.4 for every image) */
export const FIX_STARTS: readonly { name: string; recipe: { refine: RefinePresetName; background: BackgroundChoice } }[] = [
  { name: 'default', recipe: { refine: DEFAULT_REFINE_PRESET, background: { kind: 'auto', factor: DEFAULT_AUTO_BACKGROUND.factor } } },
  { name: 'old default (τ 0.4)', recipe: { refine: DEFAULT_REFINE_PRESET, background: { kind: 'fixed', bg: 0.4 } } },
];
/** item 3's draws: blocks of this many images of a split stand in for a person's fixes */
export const FIX_DRAWS = { images: 10, draws: 10 } as const;
/** the evidence margins compared on the tuning split (coef/√n; the studio's is FIX_GAIN_COEF) */
export const FIX_COEFS = [0, 0.1, FIX_GAIN_COEF, 0.25];

const settingsOf = (b: BackgroundChoice) => recipeSettings(maskSettings(), b);

/**
 * Item 3 on the bench: blocks of `images` scenes of a split stand in for a person's first
 * fixes of a job that ran `start`; the studio's rule (rankRecipes, recommendedRecipe with
 * margin `coef`) picks a recipe, scored on the rest of the split.
 */
function fixesDraws(split: Split, byChain: Map<RefinePresetName, ScoredPixels[]>, start: (typeof FIX_STARTS)[number], coefs: readonly number[], opts: { images: number; draws: number }) {
  const n = split.scenes.length;
  const asFixed = (i: number): FixedImage => {
    const scored: FixedImage['scored'] = {};
    for (const [c, px] of byChain) scored[c] = px[i];
    const S = split.scenes[i].size;
    return { width: S, height: S, truth: split.scenes[i].labelMap, scored };
  };
  const restOf = (range: [number, number], r: { refine: RefinePresetName; background: BackgroundChoice }) => miouOf(split.scenes, byChain.get(r.refine)!, settingsOf(r.background), range).miou;
  const out: { range: [number, number]; byCoef: { coef: number; chosen: typeof start.recipe; recommended: boolean; rest: number }[]; start: number; bestFixedOnRest: number }[] = [];
  for (let d = 0; d < opts.draws && (d + 1) * opts.images <= n; d++) {
    const range: [number, number] = [d * opts.images, (d + 1) * opts.images];
    const fixed = Array.from({ length: opts.images }, (_, k) => asFixed(range[0] + k));
    const ranked = rankRecipes(fixed, {}, K, start.recipe);
    const own = recipeMiou(fixed, start.recipe.refine, settingsOf(start.recipe.background), K);
    let bestFixedOnRest = 0;
    for (const chain of byChain.keys()) for (const tau of TAUS) bestFixedOnRest = Math.max(bestFixedOnRest, restOf(range, { refine: chain, background: { kind: 'fixed', bg: tau } }));
    out.push({
      range,
      start: restOf(range, start.recipe),
      bestFixedOnRest,
      byCoef: coefs.map((coef) => {
        const r = recommendedRecipe(ranked, own, opts.images, coef);
        const chosen = r.recommended ? r.best!.recipe : start.recipe;
        return { coef, chosen, recommended: r.recommended, rest: restOf(range, chosen) };
      }),
    });
  }
  return out;
}

/** every start × draw on the test split with the studio's margin, and the margins compared on the tuning split */
function fixesResult(test: Split, tuning: Split, kept: { test: Map<RefinePresetName, ScoredPixels[]>; tuning: Map<RefinePresetName, ScoredPixels[]> }, tunedFixed: { chain: RefinePresetName; tau: number }, opts: { images: number; draws: number }): FixesResult {
  const draws: FixesDraw[] = [];
  const margins: FixesResult['margins'] = [];
  for (const start of FIX_STARTS) {
    for (const d of fixesDraws(test, kept.test, start, [FIX_GAIN_COEF], opts)) {
      const c = d.byCoef[0];
      draws.push({
        start: start.name,
        fixed: d.range,
        proposed: c.chosen,
        recommended: c.recommended,
        rest: { calibrated: c.rest, start: d.start, tunedFixed: miouOf(test.scenes, kept.test.get(tunedFixed.chain)!, maskSettings({ bg: tunedFixed.tau }), d.range).miou, bestFixedOnRest: d.bestFixedOnRest },
      });
    }
    const tu = fixesDraws(tuning, kept.tuning, start, FIX_COEFS, opts);
    for (const coef of FIX_COEFS) margins.push({ start: start.name, coef, mean: mean(tu.map((d) => d.byCoef.find((b) => b.coef === coef)!.rest)), startMean: mean(tu.map((d) => d.start)) });
  }
  return { images: opts.images, draws, margins };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function fillMaps(o: RefineBenchOptions): Promise<{ tuning: Split; test: Split }> {
  const tuning = await openSplit(o, 'tuning');
  const test = await openSplit(o, 'test');
  try {
    await fillCache(o, tuning);
    await fillCache(o, test);
  } finally {
    await tuning.cache.close();
    await test.cache.close();
  }
  return { tuning, test };
}

export async function evaluateRefinement(o: RefineBenchOptions): Promise<RefineBenchResult> {
  const t0 = performance.now();
  const { tuning, test } = await fillMaps(o);
  const scores: ChainScore[] = [];
  const ms: Record<string, number> = {};
  const jobs: { method: CamMethod; layer: string; chain: ChainDef }[] = [];
  for (const method of o.methods) {
    for (const layer of REFINE_LAYERS) {
      for (const chain of CHAINS) {
        if (chain.layers && !chain.layers.includes(layer)) continue;
        if (method !== 'rcam' && !OTHER_METHOD_CHAINS[chain.name]?.includes(layer)) continue;
        jobs.push({ method, layer, chain });
      }
    }
  }
  // rcam@layer2 per preset chain, kept for the τ table, calibration from fixes and the examples
  const kept = { test: new Map<RefinePresetName, ScoredPixels[]>(), tuning: new Map<RefinePresetName, ScoredPixels[]>() };
  // chains that differ only in their clean-ups share the scored maps
  let shared = null as { key: string; tuning: ScoredPixels[]; test: ScoredPixels[] } | null;
  for (const [k, { method, layer, chain }] of jobs.entries()) {
    const refine = chain.refine(layer, tuning.cache.size / 8);
    const n = sceneCount(o, method);
    const key = `${method}|${layer}|${JSON.stringify(refine)}`;
    if (shared?.key !== key) {
      const tu = await scoredSplit(tuning, n, method, layer, refine);
      const te = await scoredSplit(test, n, method, layer, refine);
      shared = { key, tuning: tu.px, test: te.px };
      if (method === 'rcam' && layer === 'layer2') ms[chain.name] = te.ms / n;
    }
    const tuned = tune(tuning.scenes, shared.tuning, chain.post);
    const at = miouOf(test.scenes, shared.test, maskSettings({ ...chain.post, bg: tuned.tau }));
    const auto = maskSettings({ ...chain.post, bgAuto: { ...DEFAULT_AUTO_BACKGROUND } });
    scores.push({
      method,
      layer,
      chain: chain.name,
      scenes: n,
      tau: tuned.tau,
      tuning: tuned.miou,
      test: at.miou,
      voidShare: at.voidShare,
      autoTuning: miouOf(tuning.scenes, shared.tuning, auto).miou,
      autoTest: miouOf(test.scenes, shared.test, auto).miou,
    });
    const preset = PRESET_CHAINS.find((p) => chainName(p) === chain.name);
    if (method === 'rcam' && layer === 'layer2' && preset && !chain.post) {
      kept.test.set(preset, shared.test);
      kept.tuning.set(preset, shared.tuning);
    }
    o.progress?.('chains', k + 1, jobs.length);
  }

  const taus = PRESET_CHAINS.filter((c) => kept.test.has(c)).map((c) => tauRow(c, test, tuning, kept.test.get(c)!, kept.tuning.get(c)!));
  const base = { model: o.modelFile, executor: test.cache.executorLabel, tier: o.tier, size: test.cache.size, scenes: o.scenes, scorecamScenes: sceneCount(o, 'scorecam'), scores, taus, msPerScene: ms };
  if (!o.methods.includes('rcam')) return { ...base, tunedFixed: null, fixes: null, examples: [], seconds: (performance.now() - t0) / 1000 };
  const r2 = (c: RefinePresetName) => scores.find((s) => s.method === 'rcam' && s.layer === 'layer2' && s.chain === chainName(c))!;
  const fixedChain = PRESET_CHAINS.reduce((a, b) => (r2(b).tuning > r2(a).tuning ? b : a));
  const tunedFixed = { chain: fixedChain, tau: r2(fixedChain).tau, test: r2(fixedChain).test };
  const fixes = fixesResult(test, tuning, kept, tunedFixed, o.fixes ?? FIX_DRAWS);

  const raw = kept.test.get('none')!;
  const def = kept.test.get(DEFAULT_REFINE_PRESET)!;
  const fixedPx = kept.test.get(fixedChain)!;
  const examples = test.scenes.slice(0, 6).map((scene, i) => {
    const S = scene.size;
    const autoTau = autoBackground(def[i].score, DEFAULT_AUTO_BACKGROUND, AUTO.bg);
    return {
      scene,
      raw: labelsAt(raw[i], S, maskSettings({ bg: r2('none').tau })),
      auto: labelsAt(def[i], S, maskSettings({ bg: autoTau })),
      fixed: labelsAt(fixedPx[i], S, maskSettings({ bg: tunedFixed.tau })),
      tauRaw: r2('none').tau,
      autoTau,
      fixedLabel: `${chainName(fixedChain)}, τ ${tunedFixed.tau.toFixed(2)}`,
    };
  });
  return { ...base, tunedFixed, fixes, examples, seconds: (performance.now() - t0) / 1000 };
}
