// `npm run bench -- jobs [--long N] [--resnet N] [--demo N] [--realistic N] [--skip-resnet] [--long-workers W]`:
// generation throughput and memory through the real job path (project, job items,
// engine workers, one commit per image):
//   1. the demo classifier (128 px, TF.js layers copy) on demo scenes, 1 and 2 workers;
//   2. a full-width ResNet-50 at 224 (seeded random weights, written as a torch-style
//      ONNX file) on synthetic 224×224 JPEGs, 1 and 2 workers;
//   3. the realistic ResNet-18 (224 px, trained; outside the repository, see
//      test/helpers/realistic-model.ts — said and skipped when absent) on held-out 224-px
//      scenes, the default chain against raw masks, 1 and 2 workers;
//   4. a long run (default 2000 images, demo model, in-process so tf.memory() is this
//      thread's): RSS and tf.memory() at image 100 and at the last image.
// Timings share the machine with whatever else runs; compare within one run.
import { DEFAULT_REFINE_PRESET } from '../../src/masks/refine/index.ts';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { createProject, type Project } from '../../src/project/index.ts';
import { registerModel, startJob } from '../../src/jobs/index.ts';
import { resnet } from '../helpers/models.ts';
import { graphToOnnx } from '../helpers/serialize.ts';
import { rgbPixels, uniqueJpeg, vocXml } from '../helpers/images.ts';
import { missingRealisticModel, realisticModelDir } from '../helpers/realistic-model.ts';
import { createSceneGenerator } from '../../demo/scenes/generator.ts';
import { HELD_OUT_SEED } from '../../demo/scenes/presets.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const DEMO = path.join(ROOT, 'demo');

function flag(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

/** n demo scenes (cycled, made unique) as a VOC folder */
function demoImages(dir: string, n: number): void {
  const src = path.join(DEMO, 'dataset');
  const stems = readdirSync(path.join(src, 'JPEGImages')).filter((f) => f.endsWith('.jpg')).sort().map((f) => f.slice(0, -4));
  mkdirSync(path.join(dir, 'JPEGImages'), { recursive: true });
  mkdirSync(path.join(dir, 'Annotations'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const s = stems[i % stems.length];
    const stem = `img_${String(i).padStart(5, '0')}`;
    writeFileSync(path.join(dir, 'JPEGImages', `${stem}.jpg`), uniqueJpeg(readFileSync(path.join(src, 'JPEGImages', `${s}.jpg`)), i));
    const objects = [...readFileSync(path.join(src, 'Annotations', `${s}.xml`), 'utf8').matchAll(/<name>([^<]*)<\/name>/g)].map((m) => m[1]);
    writeFileSync(path.join(dir, 'Annotations', `${stem}.xml`), vocXml({ stem, width: 128, height: 128, objects }));
  }
}

async function synthImages(dir: string, n: number, size: number, classes: string[]): Promise<void> {
  mkdirSync(path.join(dir, 'JPEGImages'), { recursive: true });
  mkdirSync(path.join(dir, 'Annotations'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const stem = `r50_${String(i).padStart(4, '0')}`;
    const jpg = await sharp(rgbPixels(size, size, i), { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 85 }).toBuffer();
    writeFileSync(path.join(dir, 'JPEGImages', `${stem}.jpg`), jpg);
    writeFileSync(path.join(dir, 'Annotations', `${stem}.xml`), vocXml({ stem, width: size, height: size, objects: [classes[i % classes.length], classes[(i * 3 + 1) % classes.length]] }));
  }
}

/** n held-out generator scenes at `size` px as a VOC folder (their tags as objects) */
async function sceneImages(dir: string, n: number, size: number, classes: string[]): Promise<void> {
  mkdirSync(path.join(dir, 'JPEGImages'), { recursive: true });
  mkdirSync(path.join(dir, 'Annotations'), { recursive: true });
  const gen = await createSceneGenerator({ split: 'test', tier: 'mixed', seed: HELD_OUT_SEED, size });
  for (let i = 0; i < n; i++) {
    const s = gen.sceneAt(i);
    const stem = `scene_${String(i).padStart(4, '0')}`;
    writeFileSync(path.join(dir, 'JPEGImages', `${stem}.jpg`), await sharp(s.rgb, { raw: { width: size, height: size, channels: 3 } }).jpeg({ quality: 92 }).toBuffer());
    writeFileSync(path.join(dir, 'Annotations', `${stem}.xml`), vocXml({ stem, width: size, height: size, objects: s.tags.map((t) => classes[t]) }));
  }
}

async function projectWith(root: string, name: string, data: string, model: string): Promise<Project> {
  const p = createProject(path.join(root, name));
  await p.importDataset(data, { thumbnails: false });
  await registerModel(p, model);
  return p;
}

interface Row {
  model: string;
  workers: number;
  /** the job's refinement chain */
  refine: string;
  images: number;
  seconds: number;
  perSec: number;
  backend: string;
}

async function throughput(root: string, label: string, data: string, model: string, workers: number, refine: string = DEFAULT_REFINE_PRESET): Promise<Row> {
  const p = await projectWith(root, `${label}-${workers}-${refine}`, data, model);
  try {
    // the rate over the images after the first `workers` (model load and warm-up excluded)
    let t0 = 0;
    let n0 = 0;
    let last = 0;
    let lastN = 0;
    const s = await startJob(p, { refine }, {
      workers,
      onProgress: (e) => {
        if (e.state !== 'running') return;
        if (e.processed === workers) {
          t0 = performance.now();
          n0 = e.processed;
        }
        last = performance.now();
        lastN = e.processed;
      },
    }).done;
    if (s.state !== 'done' || s.failed) throw new Error(`${label}: job ${s.state}, ${s.failed} failed ${s.message ?? JSON.stringify(s.errors[0])}`);
    const seconds = (last - t0) / 1000;
    return { model: label, workers, refine, images: lastN - n0, seconds, perSec: (lastN - n0) / seconds, backend: s.backend };
  } finally {
    p.close();
  }
}

export async function run(args: string[]): Promise<void> {
  const longN = flag(args, 'long', 2000);
  const demoN = flag(args, 'demo', 120);
  const resnetN = flag(args, 'resnet', 16);
  const root = mkdtempSync(path.join(tmpdir(), 'jobs-bench-'));
  try {
    const rows: Row[] = [];
    const demoData = path.join(root, 'demo-data');
    demoImages(demoData, Math.max(demoN, longN));
    const demoModel = path.join(DEMO, 'model', 'tfjs', 'model.json');
    const demoSub = path.join(root, 'demo-sub');
    demoImages(demoSub, demoN);
    // the default chain against raw masks, alternated in this run (the refinement's cost on the batch)
    for (const w of [1, 2]) for (const refine of [DEFAULT_REFINE_PRESET, 'none']) rows.push(await throughput(root, 'demo (128 px, ResNet-ish 0.7 M)', demoSub, demoModel, w, refine));

    const realisticN = flag(args, 'realistic', 24);
    const missing = missingRealisticModel();
    if (missing) console.log(`realistic model rows skipped: ${missing}`);
    else if (realisticN > 0) {
      const rdata = path.join(root, 'r18-data');
      await sceneImages(rdata, realisticN, 224, readFileSync(path.join(realisticModelDir(), 'classes.txt'), 'utf8').trim().split('\n'));
      for (const w of [1, 2]) for (const refine of [DEFAULT_REFINE_PRESET, 'none']) rows.push(await throughput(root, 'ResNet-18 (224 px, trained)', rdata, path.join(realisticModelDir(), 'classifier.onnx'), w, refine));
    }

    if (!args.includes('--skip-resnet')) {
      const classes = Array.from({ length: 10 }, (_, k) => `c${k}`);
      const mdir = path.join(root, 'r50');
      mkdirSync(mdir);
      const g = resnet(50, { width: 64, size: 224, classes: 10, seed: 50 });
      writeFileSync(path.join(mdir, 'resnet50.onnx'), graphToOnnx(g));
      writeFileSync(path.join(mdir, 'classes.txt'), classes.join('\n') + '\n');
      writeFileSync(path.join(mdir, 'preprocess.json'), JSON.stringify({ size: [224, 224], channels: 'RGB', scale: 1 / 255, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], resize: 'bilinear', output: 'softmax' }));
      const rdata = path.join(root, 'r50-data');
      await synthImages(rdata, resnetN, 224, classes);
      for (const w of [1, 2]) rows.push(await throughput(root, 'ResNet-50 (224, 2 tags/img)', rdata, path.join(mdir, 'resnet50.onnx'), w));
    }

    console.log('\nthroughput (images/s after warm-up; backend per row)');
    console.log('| model | workers | refine | images | s | images/s | backend |');
    console.log('|---|---|---|---|---|---|');
    for (const r of rows) console.log(`| ${r.model} | ${r.workers} | ${r.refine} | ${r.images} | ${r.seconds.toFixed(1)} | ${r.perSec.toFixed(2)} | ${r.backend} |`);
    for (const label of new Set(rows.map((r) => r.model))) {
      const one = rows.find((r) => r.model === label && r.workers === 1 && r.refine === DEFAULT_REFINE_PRESET);
      const two = rows.find((r) => r.model === label && r.workers === 2 && r.refine === DEFAULT_REFINE_PRESET);
      if (one && two) console.log(`${label}: 2 workers / 1 worker = ${(two.perSec / one.perSec).toFixed(2)}×`);
      for (const w of [1, 2]) {
        const raw = rows.find((r) => r.model === label && r.workers === w && r.refine === 'none');
        const ref = rows.find((r) => r.model === label && r.workers === w && r.refine === DEFAULT_REFINE_PRESET);
        if (raw && ref) console.log(`${label}, ${w} worker(s): refine ${DEFAULT_REFINE_PRESET} / none = ${(ref.perSec / raw.perSec).toFixed(2)}× images/s`);
      }
    }

    // long run, in-process (workers 0) so tf.memory() is the engine's
    const longData = path.join(root, 'long');
    mkdirSync(path.join(longData, 'JPEGImages'), { recursive: true });
    mkdirSync(path.join(longData, 'Annotations'), { recursive: true });
    for (const f of readdirSync(path.join(demoData, 'JPEGImages')).sort().slice(0, longN)) {
      copyFileSync(path.join(demoData, 'JPEGImages', f), path.join(longData, 'JPEGImages', f));
      const x = f.replace(/\.jpg$/, '.xml');
      copyFileSync(path.join(demoData, 'Annotations', x), path.join(longData, 'Annotations', x));
    }
    const longWorkers = flag(args, 'long-workers', 0);
    const p = await projectWith(root, 'long', longData, demoModel);
    const samples: { image: number; rssMB: number; tensors: number; tfMB: number }[] = [];
    const sample = (image: number) => {
      const m = tf.memory();
      samples.push({ image, rssMB: process.memoryUsage().rss / 2 ** 20, tensors: m.numTensors, tfMB: m.numBytes / 2 ** 20 });
    };
    const t = performance.now();
    const s = await startJob(p, {}, {
      workers: longWorkers,
      onProgress: (e) => {
        if (e.state === 'running' && (e.processed === 100 || e.processed === 1000 || e.processed === longN)) sample(e.processed);
      },
    }).done;
    p.close();
    console.log(`\nlong run: ${s.done} images (${s.failed} failed), ${longWorkers === 0 ? 'in-process engine' : `${longWorkers} workers`}, ${((performance.now() - t) / 1000).toFixed(1)} s`);
    console.log('| image | RSS MB | tf tensors | tf MB |');
    console.log('|---|---|---|---|');
    for (const r of samples) console.log(`| ${r.image} | ${r.rssMB.toFixed(1)} | ${r.tensors} | ${r.tfMB.toFixed(2)} |`);
    if (samples.length >= 2) console.log(`RSS growth image ${samples[0].image} → ${samples.at(-1)!.image}: ${(samples.at(-1)!.rssMB - samples[0].rssMB).toFixed(1)} MB`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
