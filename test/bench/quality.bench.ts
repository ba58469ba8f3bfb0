// `npm run bench -- quality [--part all|raw|refine|maps] [--scenes N] [--tier flat|textured]
//  [--scorecam-scenes M] [--out DIR] [--executor onnxruntime|tfjs] [--from-summary FILE]
//  [--refine-scenes N] [--refine-models FILE,FILE] [--refine-tiers textured,flat]
//  [--refine-methods rcam,…] [--refine-scorecam N[,M…]] [--refine-scorecam-tiers textured]
//  [--merge refine.json] [--cache DIR]`
// The refine part (quality/refine.ts): every method × layer raw, through each refinement
// step and the presets' chains, with a fixed τ_bg tuned on a tuning split and with the
// studio's automatic τ_bg, and calibration from 10 fixed images, reported on the test split,
// for the demo net and the realistic ResNet-18 (outside the repository:
// test/helpers/realistic-model.ts; its logits are checked against PyTorch's first), plus
// the time of each step at 512×512 → DIR/refine.md, refine.json, refine.png, refine-tau.png,
// refine-examples.png. Every model's maps are cached (quality/map-cache.ts); `--part maps`
// only fills the cache.
// Mask quality of the CAM methods on held-out demo scenes: mIoU of the
// tag-guided pseudo-masks the batch pipeline makes, over a τ_bg sweep, per method and layer;
// all-foreground / centre-box baselines; rcam CLRP vs one-hot; localisation IoU at the
// paper's 25% / 75% (both readings). Writes DIR/results.md (also printed), DIR/summary.json,
// DIR/miou.png and DIR/examples.png. --from-summary re-renders the report and plot only.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createSceneGenerator } from '../../demo/scenes/generator.ts';
import { heldOutScenes } from '../../demo/scenes/presets.ts';
import { evaluateQuality } from './quality/evaluate.ts';
import { summarise, type QualitySummary } from './quality/summary.ts';
import { renderReport } from './quality/report.ts';
import { writePlot } from './quality/plot.ts';
import { writeGrid } from './quality/grid.ts';
import { camFromFloat16 } from '../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../src/masks/float16.ts';
import { CAM_METHODS, type CamMethod } from '../../src/engine/cams/methods.ts';
import { createCamExecutor } from '../../src/engine/executor.ts';
import { loadModel } from '../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor } from '../../src/engine/preprocess.ts';
import { HELD_OUT_SEED } from '../../demo/scenes/presets.ts';
import { evaluateRefinement, fillMaps, type RefineBenchResult } from './quality/refine.ts';
import { renderRefineReport, timeSteps } from './quality/refine-report.ts';
import { writeRefineGrid, writeRefinePlot, writeTauPlot } from './quality/refine-plots.ts';
import { missingRealisticModel, realisticModelDir } from '../helpers/realistic-model.ts';
import { checkRealisticLogits, LOGIT_TOLERANCE } from '../helpers/realistic-logits.ts';
import { benchFlags } from './args.ts';

const DEMO_MODEL = 'demo/model/classifier.onnx';

/** the models of the refine part: --refine-models, else the demo net and the realistic model when present (said when not) */
function refineModels(args: string[]): string[] {
  const given = flag(args, '--refine-models');
  if (given) return given.split(',');
  const missing = missingRealisticModel();
  if (missing) {
    process.stderr.write(`quality refine: ${missing}; running the demo net only\n`);
    return [DEMO_MODEL];
  }
  return [DEMO_MODEL, path.join(realisticModelDir(), 'classifier.onnx')];
}

/** a model other than the demo net is first checked to run in the engine as it did in PyTorch */
async function checkModel(modelFile: string, executor: string | undefined): Promise<void> {
  if (modelFile === DEMO_MODEL) return;
  const missing = missingRealisticModel(path.dirname(modelFile));
  if (missing) throw new Error(`bench quality: ${missing}`);
  const c = await checkRealisticLogits(modelFile, executor);
  if (c.sceneMismatches.length) throw new Error(`bench quality: ${modelFile}: scenes ${c.sceneMismatches.join(', ')} of expected-logits.json regenerate differently (scene generator changed?)`);
  if (!(c.maxAbsDiff <= LOGIT_TOLERANCE)) throw new Error(`bench quality: ${modelFile}: the engine's logits differ from PyTorch's by up to ${c.maxAbsDiff.toExponential(2)} (> ${LOGIT_TOLERANCE}) on ${c.executor}`);
  process.stderr.write(`quality refine: ${modelFile}: logits match PyTorch's on ${c.scenes} scenes (max |Δ| ${c.maxAbsDiff.toExponential(2)}, ${c.executor})\n`);
}

async function runRefine(args: string[], out: string, command: string, mapsOnly: boolean): Promise<void> {
  const scenes = count(args, '--refine-scenes', 200);
  // Score-CAM is one batched forward per channel: its scenes per split, per model in order (the last repeats)
  const scorecam = (flag(args, '--refine-scorecam') ?? '50,10').split(',').map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`bench quality: --refine-scorecam takes whole numbers ≥ 0, got '${v}'`);
    return n;
  });
  const tiers = (flag(args, '--refine-tiers') ?? 'textured,flat').split(',');
  for (const t of tiers) if (t !== 'flat' && t !== 'textured') throw new Error(`bench quality: --refine-tiers takes flat and/or textured, got '${t}'`);
  const executor = flag(args, '--executor');
  const cacheDir = flag(args, '--cache');
  const models = refineModels(args);
  const methods = (flag(args, '--refine-methods') ?? CAM_METHODS.join(',')).split(',') as CamMethod[];
  for (const m of methods) if (!(CAM_METHODS as readonly string[]).includes(m)) throw new Error(`bench quality: unknown method '${m}' in --refine-methods`);
  const scorecamTiers = (flag(args, '--refine-scorecam-tiers') ?? 'textured').split(',');
  const results: RefineBenchResult[] = [];
  for (const [k, modelFile] of models.entries()) {
    await checkModel(modelFile, executor);
    const scorecamScenes = scorecam[Math.min(k, scorecam.length - 1)];
    for (const tier of tiers as ('flat' | 'textured')[]) {
      let last = 0;
      const progress = (what: string, done: number, total: number) => {
        const now = performance.now();
        if (done === total || now - last > 30_000) {
          last = now;
          process.stderr.write(`quality refine ${modelFile} ${tier}: ${what} ${done}/${total}\n`);
        }
      };
      const withScorecam = scorecamScenes > 0 && scorecamTiers.includes(tier);
      const o = { modelFile, tier, scenes, methods: withScorecam ? methods : methods.filter((m) => m !== 'scorecam'), scorecamScenes, executor, cacheDir, progress };
      if (o.methods.length === 0) continue;
      if (mapsOnly) await fillMaps(o);
      else results.push(await evaluateRefinement(o));
    }
  }
  if (mapsOnly) return;
  const merge = flag(args, '--merge');
  if (merge) mergeResults(results, JSON.parse(await readFile(merge, 'utf8')) as { results: RefineBenchResult[] });
  const timings = await stepTimings(executor);
  const md = renderRefineReport(results, timings, command);
  console.log(md);
  await writeFile(path.join(out, 'refine.md'), md + '\n');
  await writeFile(path.join(out, 'refine.json'), JSON.stringify({ results: results.map(({ examples: _e, ...r }) => r), timings }, null, 1) + '\n');
  const written = ['refine.md', 'refine.json', 'refine.png', 'refine-tau.png'];
  // a merged run keeps the earlier examples (they are not in refine.json)
  if (results.every((r) => r.examples.length > 0)) {
    await writeRefineGrid(results, path.join(out, 'refine-examples.png'));
    written.push('refine-examples.png');
  }
  const shown = results.filter((r) => r.taus.length > 0);
  await writeRefinePlot(shown, path.join(out, 'refine.png'));
  await writeTauPlot(shown, path.join(out, 'refine-tau.png'));
  console.log(`\nwrote ${written.map((f) => path.join(out, f)).join(', ')}`);
}

/**
 * `--merge FILE`: this run's rows join an earlier refine.json's (a later Score-CAM-only run,
 * say): per model × tier, this run's methods replace theirs, everything else is kept.
 */
function mergeResults(results: RefineBenchResult[], earlier: { results: RefineBenchResult[] }): void {
  const merged = earlier.results.map((old) => {
    const now = results.find((r) => r.model === old.model && r.tier === old.tier);
    if (!now) return { ...old, examples: [] };
    const methods = new Set(now.scores.map((s) => s.method));
    const keepOld = !now.taus.length;
    return {
      ...(keepOld ? old : now),
      scores: [...old.scores.filter((s) => !methods.has(s.method)), ...now.scores],
      scorecamScenes: methods.has('scorecam') ? now.scorecamScenes : old.scorecamScenes,
      seconds: old.seconds + now.seconds,
      examples: keepOld ? [] : now.examples,
    };
  });
  for (const r of results) if (!merged.some((m) => m.model === r.model && m.tier === r.tier)) merged.push(r);
  results.splice(0, results.length, ...merged);
}

/** a 512×512 held-out scene with two items, the demo net's R-CAM maps at layers 2–4, each step timed */
async function stepTimings(executor: string | undefined) {
  const gen = await createSceneGenerator({ ...heldOutScenes('textured'), seed: HELD_OUT_SEED, size: 512 });
  let i = 0;
  while (gen.sceneAt(i).tags.length !== 2) i++;
  const scene = gen.sceneAt(i);
  const pre = await readPreprocessFor(DEMO_MODEL);
  const exec = await createCamExecutor(await loadModel(DEMO_MODEL), { executor });
  try {
    const x = preprocessRgb(scene.rgb, 512, 512, pre).data;
    const maps = async (layer: string) =>
      (await exec.run(x, [pre.size[0], pre.size[1]], { method: 'rcam', layer, targets: scene.tags })).maps.map((m, j) => camFromFloat16(scene.tags[j] + 1, m.w, m.h, encodeFloat16(m.data)));
    return timeSteps(scene.rgb, 512, await maps('layer2'), { layer3: await maps('layer3'), layer4: await maps('layer4') });
  } finally {
    await exec.dispose();
  }
}

const { flag, count } = benchFlags('quality');

/** the first single-item and multi-item scenes among the Score-CAM subset */
async function pickExamples(tier: 'flat' | 'textured', limit: number): Promise<number[]> {
  const gen = await createSceneGenerator(heldOutScenes(tier));
  const single: number[] = [];
  const multi: number[] = [];
  for (let i = 0; i < limit && (single.length < 2 || multi.length < 3); i++) {
    const n = gen.sceneAt(i).tags.length;
    if (n === 1 && single.length < 2) single.push(i);
    if (n > 1 && multi.length < 3) multi.push(i);
  }
  return [...single, ...multi].sort((a, b) => a - b);
}

export async function run(args: string[]): Promise<void> {
  const tier = flag(args, '--tier') ?? 'textured';
  if (tier !== 'flat' && tier !== 'textured') throw new Error(`bench quality: --tier must be flat or textured, got '${tier}'`);
  const out = flag(args, '--out') ?? 'docs/quality';
  await mkdir(out, { recursive: true });
  const command = `npm run bench -- quality ${args.join(' ')}`.trim();

  const part = flag(args, '--part') ?? 'all';
  if (part !== 'all' && part !== 'raw' && part !== 'refine' && part !== 'maps') throw new Error(`bench quality: --part must be all, raw, refine or maps, got '${part}'`);
  if (part !== 'raw') await runRefine(args, out, command, part === 'maps');
  if (part === 'refine' || part === 'maps') return;

  const fromSummary = flag(args, '--from-summary');
  if (fromSummary) {
    const s = JSON.parse(await readFile(fromSummary, 'utf8')) as QualitySummary;
    const md = renderReport(s, command);
    console.log(md);
    await writeFile(path.join(out, 'results.md'), md + '\n');
    await writePlot(s, path.join(out, 'miou.png'));
    return;
  }

  const scenes = count(args, '--scenes', 1000);
  const scorecamScenes = Math.min(scenes, count(args, '--scorecam-scenes', 200));
  const examples = await pickExamples(tier, scorecamScenes);
  let last = 0;
  const r = await evaluateQuality({
    tier,
    scenes,
    scorecamScenes,
    modelFile: 'demo/model/classifier.onnx',
    examples,
    executor: flag(args, '--executor'),
    progress: (done, total) => {
      const now = performance.now();
      if (done === total || now - last > 30_000) {
        last = now;
        process.stderr.write(`quality: ${done}/${total} scenes\n`);
      }
    },
  });
  const s = summarise(r);
  const md = renderReport(s, command);
  console.log(md);
  await writeFile(path.join(out, 'results.md'), md + '\n');
  await writeFile(path.join(out, 'summary.json'), JSON.stringify(s, null, 1) + '\n');
  await writePlot(s, path.join(out, 'miou.png'));
  await writeGrid(s, r.examples, path.join(out, 'examples.png'));
  console.log(`\nwrote ${['results.md', 'summary.json', 'miou.png', 'examples.png'].map((f) => path.join(out, f)).join(', ')}`);
}
