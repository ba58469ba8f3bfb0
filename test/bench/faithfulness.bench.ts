// `npm run bench -- faithfulness [--models FILE,FILE] [--limit N] [--layers layer2,layer3,layer4]
//  [--methods rcam,clrp,…] [--steps S] [--curve-images N] [--scorecam-images N] [--no-input]
//  [--out DIR] [--json OUT] [--cache DIR | --no-cache] [--executor onnxruntime|tfjs] [--from-summary]`
// or, for any dataset: `… faithfulness --images DIR --tags FILE --gt DIR --model FILE [--layers …] [--json OUT]`.
//
// The Relevance-CAM paper's own measures for every method × layer: Average Drop / Increase by
// the authors' protocol and by the standard definition, deletion / insertion AUC, and the
// localisation IoU against each tagged object's box at "25 %" / "75 %" in both readings, with
// the paper's Table 2 beside them. Without a dataset it scores held-out scenes at each model's
// input size (the demo net, and the ResNet-18 at 224 px when present) and writes
// DIR/faithfulness.md, DIR/faithfulness.json and a plot per model (DIR defaults to
// docs/quality); `--from-summary` re-renders those from DIR/faithfulness.json.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CAM_METHODS, isCamMethod, readPreprocessFor, type CamMethod } from '../../src/engine/index.ts';
import { findBeside, readClassList } from '../../src/jobs/models.ts';
import { fileDataset, sceneDataset, type FaithDataset } from './faithfulness/dataset.ts';
import { FAITH_LAYERS, FAITH_METHODS, evaluateFaithfulness, type FaithResult, type FaithRow } from './faithfulness/evaluate.ts';
import { plotName, renderModel, renderReport, type FaithModelSummary, type FaithSummary } from './faithfulness/report.ts';
import { writeFaithPlot } from './faithfulness/plot.ts';
import { BenchArgError, benchFlags } from './args.ts';

const DEMO_MODEL = 'demo/model/classifier.onnx';
/** the realistic second model (a torchvision ResNet-18 at 224 px), where a checkout has it */
const BENCH_MODEL = 'test/bench/models/resnet18-224/classifier.onnx';

const { flag, count, list } = benchFlags('faithfulness');

/** JSON with NaN (an undefined measure: no pair dropped, no box) as null */
const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'number' && !Number.isFinite(x) ? null : x), 1);

/** exactly the keys issue #27 names, in its order */
export function jsonRows(rows: readonly FaithRow[]): { rows: FaithRow[] } {
  return {
    rows: rows.map((r) => ({
      method: r.method,
      layer: r.layer,
      averageDrop: r.averageDrop,
      increase: r.increase,
      averageDropStd: r.averageDropStd,
      increaseStd: r.increaseStd,
      deletionAuc: r.deletionAuc,
      insertionAuc: r.insertionAuc,
      locIoU25: r.locIoU25,
      locIoU75: r.locIoU75,
      locIoU25TopK: r.locIoU25TopK,
      locIoU75TopK: r.locIoU75TopK,
    })),
  };
}

const labelOf = (modelFile: string) => {
  const dir = path.basename(path.dirname(path.resolve(modelFile)));
  return dir === 'model' ? 'demo-net' : dir;
};

interface Plan {
  modelFile: string;
  label: string;
  dataset: FaithDataset;
  /** defaults that keep a 224-px model's run to a modest CPU budget */
  curveImages: number;
  scorecamImages: number;
}

async function plans(args: string[]): Promise<{ plans: Plan[]; datasetGiven: boolean }> {
  const images = flag(args, '--images');
  const tags = flag(args, '--tags');
  const gt = flag(args, '--gt');
  const model = flag(args, '--model');
  const given = [images, tags, gt, model].filter((v) => v !== undefined).length;
  const limit = flag(args, '--limit') === undefined ? undefined : count(args, '--limit', 1);
  if (given > 0) {
    if (given < 4) throw new BenchArgError('bench faithfulness: a dataset needs all of --images DIR --tags FILE --gt DIR --model FILE');
    const classesFile = findBeside(path.dirname(path.resolve(model as string)), 'classes.txt');
    if (!classesFile) throw new BenchArgError(`${model}: no classes.txt beside the model (the tag list names classes)`);
    const names = readClassList(classesFile);
    const dataset = fileDataset(images as string, tags as string, gt as string, names, limit);
    return { plans: [{ modelFile: model as string, label: flag(args, '--label') ?? labelOf(model as string), dataset, curveImages: dataset.count, scorecamImages: dataset.count }], datasetGiven: true };
  }
  const models = list(args, '--models') ?? [DEMO_MODEL, BENCH_MODEL].filter((f) => existsSync(f));
  const out: Plan[] = [];
  for (const modelFile of models) {
    const pre = await readPreprocessFor(modelFile);
    const small = pre.size[0] * pre.size[1] <= 128 * 128;
    const n = limit ?? (small ? 200 : 100);
    // the costly parts on a subset: a curve is 2·(steps − 1) forwards per map, Score-CAM one per channel (896 at a 224-px ResNet-18's layer2–4)
    out.push({ modelFile, label: labelOf(modelFile), dataset: await sceneDataset(n, pre.size[0]), curveImages: Math.min(n, small ? 60 : 20), scorecamImages: Math.min(n, small ? 60 : 4) });
  }
  return { plans: out, datasetGiven: false };
}

export async function run(args: string[]): Promise<void> {
  try {
    await runBench(args);
  } catch (e) {
    if (e instanceof BenchArgError || (e as { code?: string }).code !== undefined) {
      console.error((e as Error).message);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

async function runBench(args: string[]): Promise<void> {
  const command = `npm run bench -- faithfulness ${args.join(' ')}`.trim();
  const outFlag = flag(args, '--out');
  const jsonOut = flag(args, '--json');
  if (args.includes('--from-summary')) {
    const dir = outFlag ?? 'docs/quality';
    const s = JSON.parse(await readFile(path.join(dir, 'faithfulness.json'), 'utf8')) as FaithSummary;
    await writeDocs(dir, s);
    return;
  }
  const methods = list(args, '--methods') ?? [...FAITH_METHODS];
  for (const m of methods) if (!isCamMethod(m)) throw new BenchArgError(`bench faithfulness: --methods: '${m}' is not one of ${CAM_METHODS.join(', ')}`);
  const layers = list(args, '--layers') ?? [...FAITH_LAYERS];
  const steps = count(args, '--steps', 6, 2);
  const cacheDir = args.includes('--no-cache') ? null : (flag(args, '--cache') ?? '.cache/faithfulness');
  const { plans: ps, datasetGiven } = await plans(args);
  // the rows name no model: one model per --json file
  if (jsonOut && ps.length > 1) throw new BenchArgError(`bench faithfulness: --json writes one model's rows; name one with --models FILE (got ${ps.length} models)`);
  const results: FaithModelSummary[] = [];
  for (const p of ps) {
    let last = 0;
    const r: FaithResult = await evaluateFaithfulness({
      modelFile: p.modelFile,
      dataset: p.dataset,
      methods: methods as CamMethod[],
      layers,
      inputLayer: !args.includes('--no-input'),
      steps,
      curveImages: count(args, '--curve-images', p.curveImages, 0),
      scorecamImages: count(args, '--scorecam-images', p.scorecamImages, 0),
      executor: flag(args, '--executor'),
      cacheDir,
      progress: (done, total) => {
        const now = performance.now();
        if (done === total || now - last > 30_000) {
          last = now;
          process.stderr.write(`faithfulness ${p.label}: ${done}/${total} images\n`);
        }
      },
    });
    const m: FaithModelSummary = { ...r, label: p.label, command };
    results.push(m);
    console.log(renderModel(m).join('\n'));
    // default mode: each finished model lands in the docs at once (a long run keeps what it measured)
    if (!datasetGiven || outFlag) await mergeDocs(outFlag ?? 'docs/quality', m);
  }
  if (jsonOut) {
    await writeFile(jsonOut, json(jsonRows(results.flatMap((m) => m.rows))) + '\n');
    console.log(`wrote ${jsonOut}`);
  }
}

/** replaces this model's section in DIR/faithfulness.json and re-renders the report and its plots */
async function mergeDocs(dir: string, m: FaithModelSummary): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'faithfulness.json');
  const prev: FaithSummary = existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as FaithSummary) : { models: [] };
  const models = prev.models.filter((x) => x.label !== m.label);
  models.push(m);
  await writeDocs(dir, { models });
}

async function writeDocs(dir: string, s: FaithSummary): Promise<void> {
  await writeFile(path.join(dir, 'faithfulness.json'), json(s) + '\n');
  await writeFile(path.join(dir, 'faithfulness.md'), renderReport(s) + '\n');
  for (const m of s.models) await writeFaithPlot(m, path.join(dir, plotName(m.label)));
  console.log(`wrote ${path.join(dir, 'faithfulness.md')}, faithfulness.json and ${s.models.map((m) => plotName(m.label)).join(', ')}`);
}
