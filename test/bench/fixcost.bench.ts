// `npm run bench -- fixcost`: what fixing a generated mask costs, in robot-annotator clicks
// (NoC@85 / NoC@90, as interactive-segmentation papers measure it), against drawing it.
//
// Built-in scenes (default): the refine bench's tuning and test splits, textured and flat,
// at the model's input size. On the tuning split the four smart-region methods are compared
// and today's tools' settings are chosen (brush size, the CAM tools' τ); the test split is
// then reported with those settings → DIR/fixcost.md, fixcost.json, fixcost-curve.png,
// fixcost-strip.png.
//   [--model FILE] [--scenes N] [--tiers textured,flat] [--out DIR] [--json OUT] [--no-tune]
//
// Any dataset: --images DIR --tags FILE --gt DIR --model FILE [--method M] [--layer L]
// [--refine P] [--json OUT]: the images are the test set (today's tools at the settings
// chosen on the demo's tuning split), the table goes to stdout.
//
// Common: [--bg auto|T] (τ_bg of the masks to fix: auto = chosen per image, a job's default),
// [--smart METHOD] (the smart region's solver, default the studio's),
// [--cache DIR|none] (CAM cache, default ~/.cache/relevance-studio/bench-cams),
// [--executor onnxruntime|tfjs].
// The masks to fix are the studio's generated masks (default chain: rcam, layer2, the
// `fast` refinement, τ_bg chosen per image — a job's defaults).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isCamMethod, type CamMethod } from '../../src/engine/cams/methods.ts';
import { DEFAULT_CAM_LAYER, DEFAULT_CAM_METHOD } from '../../src/contract/generation.ts';
import { DEFAULT_REFINE_PRESET, deepLayersOf, refinePreset } from '../../src/masks/refine/index.ts';
import { DEFAULT_SMART_REGION, SMART_METHODS, smartRegionSettings, type SmartMethod, type SmartRegionSettings } from '../../src/masks/smart-region/index.ts';
import { CamSource, defaultCacheDir, folderImages, sceneImages, type BenchImage } from './fixcost/data.ts';
import { evaluateSet, stats, TOOL_NAMES, type ChainSpec, type SetResult, type ToolName, type ToolSettings } from './fixcost/evaluate.ts';
import { noc } from './fixcost/robot.ts';
import { fitFixCost, queueScores, type ImageQueueScores } from './fixcost/queue-scores.ts';
import { queueQuality } from './fixcost/queue.ts';
import { renderFixCostReport, writeCurvePlot, writeStrip, type FixCostReport, type QueueReport, type TierReport } from './fixcost/report.ts';
import { benchFlags } from './args.ts';

/**
 * Today's tools' settings, chosen on the demo's tuning split by this bench (the choices
 * table in docs/quality/fixcost.md); a folder run uses them as they are.
 */
export const TUNED_TOOLS: ToolSettings = { brush: 5, acceptTau: 0.3, thresholdBrush: 5, thresholdTau: 0.3 };

const BRUSH_SIZES = [5, 9, 15, 25];
const CAM_TAUS = [0.3, 0.4, 0.5, 0.6];

const { flag, count } = benchFlags('fixcost');

function say(msg: string): void {
  process.stderr.write(`fixcost: ${msg}\n`);
}

/** The shape `--json` writes (the issue's): clicks, shares in 0..1. */
export interface FixCostJson {
  noc85: { mean: number; median: number };
  noc90: { mean: number; median: number };
  zero: number;
  fail: number;
  baselines: {
    tools: { noc90: { mean: number; median: number } };
    polygon: { noc90: { mean: number; median: number } };
    empty: { noc90: { mean: number; median: number } };
  };
}

export function fixCostJson(r: SetResult): FixCostJson {
  const t = (name: ToolName) => {
    const s = r.tools[name];
    if (!s) throw new Error(`bench fixcost: no ${name} result`);
    return s;
  };
  return {
    noc85: t('smart').noc85,
    noc90: t('smart').noc90,
    zero: t('smart').zero,
    fail: t('smart').fail,
    baselines: { tools: { noc90: t('tools').noc90 }, polygon: { noc90: r.polygon }, empty: { noc90: t('empty').noc90 } },
  };
}

/** several sets (tiers) as one: image results concatenated, scores recomputed */
function pooled(sets: readonly SetResult[], tools: readonly ToolName[]): SetResult {
  const images = sets.flatMap((s) => s.images);
  const out: SetResult = { images, tools: {}, polygon: stats(images.map((i) => i.polygon)) };
  for (const name of tools) {
    const runs = images.map((i) => i.runs[name]!);
    const n85 = runs.map((r) => noc(r, 0.85));
    const n90 = runs.map((r) => noc(r, 0.9));
    const curves = sets.map((s) => ({ c: s.tools[name]!.curve, n: s.images.length }));
    const clicks = sets.map((s) => s.images.reduce((a, i) => a + i.runs[name]!.clicks.length, 0));
    const ms = sets.reduce((a, s, k) => a + s.tools[name]!.msPerClick * clicks[k], 0);
    const total = clicks.reduce((a, b) => a + b, 0);
    out.tools[name] = {
      noc85: stats(n85),
      noc90: stats(n90),
      zero: n90.filter((v) => v === 0).length / runs.length,
      fail: runs.filter((r) => r.ious[r.ious.length - 1] < 0.9).length / runs.length,
      curve: curves[0].c.map((_, k) => curves.reduce((a, c) => a + c.c[k] * c.n, 0) / images.length),
      msPerClick: total ? ms / total : 0,
    };
  }
  return out;
}

/**
 * The queue against two truths: the mask's true quality (its mIoU, worst first) and its fix
 * cost (the smart region's NoC@90, ties by the lower start mIoU); for today's confidence
 * (the CAM margin) and the evidence-based one. Lower confidence = reviewed sooner.
 */
function queueOf(set: SetResult, scores: readonly ImageQueueScores[]): QueueReport {
  const worseStart = set.images.map((i) => -i.startIoU);
  const cost = set.images.map((i) => (i.runs.smart ? noc(i.runs.smart, 0.9) : 0));
  const today = scores.map((s) => -s.margin);
  const evidence = scores.map((s) => -s.predicted);
  return {
    quality: { today: queueQuality(today, worseStart, cost), evidence: queueQuality(evidence, worseStart, cost) },
    cost: { today: queueQuality(today, cost, worseStart), evidence: queueQuality(evidence, cost, worseStart) },
  };
}

interface Loaded {
  tier: string;
  tuning: BenchImage[];
  test: BenchImage[];
}

export async function run(args: string[]): Promise<void> {
  const command = `npm run bench -- fixcost ${args.join(' ')}`.trim();
  const method = flag(args, '--method') ?? DEFAULT_CAM_METHOD;
  if (!isCamMethod(method)) throw new Error(`bench fixcost: unknown --method '${method}'`);
  const layer = flag(args, '--layer') ?? DEFAULT_CAM_LAYER;
  const refineName = flag(args, '--refine') ?? DEFAULT_REFINE_PRESET;
  const refine = refinePreset(refineName);
  const smartName = flag(args, '--smart') ?? DEFAULT_SMART_REGION.method;
  if (!(SMART_METHODS as readonly string[]).includes(smartName)) throw new Error(`bench fixcost: --smart must be one of ${SMART_METHODS.join(', ')}, got '${smartName}'`);
  const smart = smartRegionSettings({ method: smartName as SmartMethod });
  const cacheFlag = flag(args, '--cache');
  const cacheDir = cacheFlag === 'none' ? null : (cacheFlag ?? defaultCacheDir());
  const bgFlag = flag(args, '--bg') ?? 'auto';
  const bg = bgFlag === 'auto' ? 'auto' : Number(bgFlag);
  if (bg !== 'auto' && !(bg >= 0 && bg <= 1)) throw new Error(`bench fixcost: --bg must be auto or a number within 0…1, got '${bgFlag}'`);
  const chain: ChainSpec = { refine, layer, bg };
  const jsonOut = flag(args, '--json');
  const camMethod = method as CamMethod;
  const deepLayers = deepLayersOf(refine).filter((l) => l !== layer);

  const imagesDir = flag(args, '--images');
  if (imagesDir) {
    const tags = flag(args, '--tags');
    const gt = flag(args, '--gt');
    const model = flag(args, '--model');
    if (!tags || !gt || !model) throw new Error('bench fixcost: --images needs --tags FILE, --gt DIR and --model FILE');
    const src = new CamSource({ modelFile: model, method: camMethod, layer, deepLayers, executor: flag(args, '--executor') }, cacheDir);
    let images: BenchImage[];
    try {
      images = await folderImages(src, { images: imagesDir, tags, gt }, (d, t) => d % 25 === 0 && say(`CAMs ${d}/${t}`));
    } finally {
      await src.dispose();
    }
    const set = evaluateSet(images, chain, TOOL_NAMES, smart, TUNED_TOOLS);
    const md = renderFixCostReport({
      command,
      model,
      chain: { method, layer, refine: refineName, bg: chain.bg },
      smart,
      tools: TUNED_TOOLS,
      tiers: [{ tier: path.basename(path.resolve(imagesDir)), size: `${images.length} images`, test: set, queue: queueOf(set, images.map((img, i) => queueScores(img, set.images[i].start, layer, refine, set.images[i].bg))) }],
      tuning: null,
    });
    console.log(md);
    if (jsonOut) await writeFile(jsonOut, JSON.stringify(fixCostJson(set), null, 1) + '\n');
    return;
  }

  const model = flag(args, '--model') ?? 'demo/model/classifier.onnx';
  const scenes = count(args, '--scenes', 100);
  const tiers = (flag(args, '--tiers') ?? 'textured,flat').split(',');
  for (const t of tiers) if (t !== 'textured' && t !== 'flat') throw new Error(`bench fixcost: --tiers takes textured and/or flat, got '${t}'`);
  const out = flag(args, '--out') ?? 'docs/quality';
  const tune = !args.includes('--no-tune');
  const t0 = performance.now();
  const src = new CamSource({ modelFile: model, method: camMethod, layer, deepLayers, executor: flag(args, '--executor') }, cacheDir);
  const loaded: Loaded[] = [];
  try {
    for (const tier of tiers as ('textured' | 'flat')[]) {
      loaded.push({ tier, tuning: tune ? await sceneImages(src, 'tuning', tier, scenes) : [], test: await sceneImages(src, 'test', tier, scenes) });
      say(`${tier}: ${scenes} scenes per split (CAM cache: ${src.hits} hits, ${src.misses} computed)`);
    }
  } finally {
    await src.dispose();
  }
  const size = `${loaded[0].test[0].width}×${loaded[0].test[0].height}`;

  let tools = TUNED_TOOLS;
  let tuning: FixCostReport['tuning'] = null;
  if (tune) {
    const tuneImages = loaded.flatMap((l) => l.tuning);
    const progress = (what: string) => say(`tuning: ${what}`);
    // the smart region's methods, each at its own settings
    const methods = SMART_METHODS.map((m) => {
      const s = smartRegionSettings({ method: m });
      progress(`smart region, ${m}`);
      const r = evaluateSet(tuneImages, chain, ['smart'], s, TUNED_TOOLS).tools.smart!;
      return { method: m, noc90: r.noc90, fail: r.fail, msPerClick: r.msPerClick };
    });
    const pick = <T,>(cands: T[], score: (c: T) => number) => cands.reduce((a, b) => (score(b) < score(a) ? b : a));
    const meanNoc = (name: ToolName, t: ToolSettings) => evaluateSet(tuneImages, chain, [name], smart, t).tools[name]!.noc90.mean;
    progress('brush sizes');
    const brush = BRUSH_SIZES.map((d) => ({ d, noc: meanNoc('brush', { ...TUNED_TOOLS, brush: d }) }));
    progress('accept CAM region τ');
    const accept = CAM_TAUS.map((t) => ({ t, noc: meanNoc('accept', { ...TUNED_TOOLS, acceptTau: t }) }));
    progress('threshold brush size and τ');
    const thr = BRUSH_SIZES.flatMap((d) => CAM_TAUS.map((t) => ({ d, t, noc: meanNoc('threshold', { ...TUNED_TOOLS, thresholdBrush: d, thresholdTau: t }) })));
    tools = { brush: pick(brush, (b) => b.noc).d, acceptTau: pick(accept, (a) => a.noc).t, thresholdBrush: pick(thr, (a) => a.noc).d, thresholdTau: pick(thr, (a) => a.noc).t };
    // the queue model's least-squares fit on the tuning split (what FIX_COST_MODEL holds)
    progress('review queue fit');
    const tuneSet = evaluateSet(tuneImages, chain, ['smart'], smart, tools);
    const tuneScores = tuneImages.map((img, i) => queueScores(img, tuneSet.images[i].start, layer, refine, tuneSet.images[i].bg));
    const fit = fitFixCost(
      tuneScores.map((s) => s.evidence),
      tuneSet.images.map((i) => i.startIoU),
    );
    tuning = { methods, brush, accept, threshold: thr, chosen: tools, fit, queue: queueOf(tuneSet, tuneScores) };
  }

  const reports: TierReport[] = [];
  for (const l of loaded) {
    say(`test split, ${l.tier}`);
    const set = evaluateSet(l.test, chain, TOOL_NAMES, smart, tools);
    const scores = l.test.map((img, i) => queueScores(img, set.images[i].start, layer, refine, set.images[i].bg));
    reports.push({ tier: l.tier, size, test: set, queue: queueOf(set, scores), images: l.test, scores });
  }
  const all = pooled(
    reports.map((r) => r.test),
    TOOL_NAMES,
  );
  const allScores = reports.flatMap((r) => r.scores!);
  const report: FixCostReport = {
    command,
    model,
    chain: { method, layer, refine: refineName, bg: chain.bg },
    smart,
    tools,
    tiers: [...reports, { tier: 'all', size, test: all, queue: queueOf(all, allScores) }],
    tuning,
    seconds: (performance.now() - t0) / 1000,
  };
  const md = renderFixCostReport(report);
  console.log(md);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'fixcost.md'), md + '\n');
  await writeFile(path.join(out, 'fixcost.json'), JSON.stringify(detailJson(report), null, 1) + '\n');
  await writeCurvePlot(report, path.join(out, 'fixcost-curve.png'));
  await writeStrip(reports[0], chain, smart, path.join(out, 'fixcost-strip.png'));
  if (jsonOut) await writeFile(jsonOut, JSON.stringify(fixCostJson(all), null, 1) + '\n');
  console.log(`\nwrote ${['fixcost.md', 'fixcost.json', 'fixcost-curve.png', 'fixcost-strip.png'].map((f) => path.join(out, f)).join(', ')}${jsonOut ? `, ${jsonOut}` : ''}`);
}

/** fixcost.json: per tier and tool the scores (no per-image runs), the choices, the queue */
function detailJson(r: FixCostReport): unknown {
  return {
    command: r.command,
    model: r.model,
    chain: r.chain,
    smart: r.smart,
    tools: r.tools,
    tuning: r.tuning,
    tiers: r.tiers.map((t) => ({ tier: t.tier, size: t.size, images: t.test.images.length, tools: t.test.tools, polygon: t.test.polygon, queue: t.queue, json: fixCostJson(t.test) })),
    seconds: r.seconds,
  };
}

export type { SmartRegionSettings };
