// `npm run bench -- quality [--part all|raw|refine] [--scenes N] [--tier flat|textured]
//  [--scorecam-scenes M] [--out DIR] [--executor onnxruntime|tfjs] [--from-summary FILE]
//  [--refine-scenes N] [--refine-models FILE,FILE]`
// The refine part (quality/refine.ts): every method × layer raw, through each refinement
// step and the presets' chains, tuned on a tuning split and reported on the test split, for
// the demo net (textured and flat) and the realistic bench model (test/bench/models), plus
// the time of each step at 512×512 → DIR/refine.md, refine.json, refine-examples.png.
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
import { existsSync } from 'node:fs';
import { camFromFloat16 } from '../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../src/masks/float16.ts';
import { createCamExecutor } from '../../src/engine/executor.ts';
import { loadModel } from '../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor } from '../../src/engine/preprocess.ts';
import { HELD_OUT_SEED } from '../../demo/scenes/presets.ts';
import { evaluateRefinement, type RefineBenchResult } from './quality/refine.ts';
import { renderRefineReport, timeSteps, writeRefineGrid, writeRefinePlot } from './quality/refine-report.ts';
import { benchFlags } from './args.ts';

const DEMO_MODEL = 'demo/model/classifier.onnx';
/** the realistic second model (torchvision ResNet-18 at 224 px, demo/tools/train.py --arch resnet18) */
const BENCH_MODEL = 'test/bench/models/resnet18-224/classifier.onnx';

async function runRefine(args: string[], out: string, command: string): Promise<void> {
  const scenes = count(args, '--refine-scenes', 200);
  const models = (flag(args, '--refine-models') ?? [DEMO_MODEL, BENCH_MODEL].filter((f) => existsSync(f)).join(',')).split(',');
  const executor = flag(args, '--executor');
  const results: RefineBenchResult[] = [];
  for (const modelFile of models) {
    const demo = modelFile === DEMO_MODEL;
    for (const tier of demo ? (['textured', 'flat'] as const) : (['textured'] as const)) {
      let last = 0;
      results.push(
        await evaluateRefinement({
          modelFile,
          tier,
          scenes: demo ? scenes : Math.min(scenes, 120),
          methods: demo ? ['rcam', 'layercam', 'gradcam', 'gradcampp'] : ['rcam', 'layercam'],
          executor,
          progress: (what, done, total) => {
            const now = performance.now();
            if (done === total || now - last > 30_000) {
              last = now;
              process.stderr.write(`quality refine ${modelFile} ${tier}: ${what} ${done}/${total}\n`);
            }
          },
        }),
      );
    }
  }
  const timings = await stepTimings(executor);
  const md = renderRefineReport(results, timings, command);
  console.log(md);
  await writeFile(path.join(out, 'refine.md'), md + '\n');
  await writeFile(path.join(out, 'refine.json'), JSON.stringify({ results: results.map(({ examples: _e, ...r }) => r), timings }, null, 1) + '\n');
  await writeRefineGrid(results, path.join(out, 'refine-examples.png'));
  await writeRefinePlot(results, path.join(out, 'refine.png'));
  console.log(`\nwrote ${['refine.md', 'refine.json', 'refine-examples.png', 'refine.png'].map((f) => path.join(out, f)).join(', ')}`);
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
  if (part !== 'all' && part !== 'raw' && part !== 'refine') throw new Error(`bench quality: --part must be all, raw or refine, got '${part}'`);
  if (part !== 'raw') await runRefine(args, out, command);
  if (part === 'refine') return;

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
