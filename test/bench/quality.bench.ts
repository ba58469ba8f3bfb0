// `npm run bench -- quality [--scenes N] [--tier flat|textured] [--scorecam-scenes M] [--out DIR]
//  [--executor onnxruntime|tfjs] [--from-summary FILE]`
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

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`bench quality: ${name} needs a value`);
  return v;
}

function count(args: string[], name: string, dflt: number): number {
  const v = flag(args, name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`bench quality: ${name} must be a whole number ≥ 1, got '${v}'`);
  return n;
}

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
