// `npm run bench -- jobs [--rounds R] [--demo N] [--resnet N] [--realistic N] [--long N] [--long-workers W] [--skip-demo] [--skip-resnet] [--skip-breakdown] [--skip-long]`:
// generation throughput and memory through the real job path (project, job items, engine
// workers that each run an image's whole pipeline, one commit per image on this thread):
//   1. the demo classifier (128 px, TF.js layers copy) on demo scenes: the default chain
//      and raw masks, 1 and 2 workers;
//   2. a full-width ResNet-50 at 224 (seeded random weights, written as a torch-style
//      ONNX file) on synthetic 224×224 JPEGs: the default chain and raw, 1 and 2 workers;
//   2b. the realistic ResNet-18 (224 px, trained; outside the repository, see
//      test/helpers/realistic-model.ts — said and skipped when absent) on held-out 224-px
//      scenes: the default chain and raw, 1 and 2 workers;
//   3. a re-refine job (the default chain, new τ_bg) over the demo job's stored maps, 1 and
//      2 workers;
//   4. where one worker's time goes per image (decode, model, mask) and the chain's steps;
//   5. a long run (default 2000 images, demo model, in-process so tf.memory() is this
//      thread's): RSS and tf.memory() at image 100 and at the last image.
// Every configuration runs R rounds (default 3), alternated, and the table reports each
// one's median; images/s is wall-clock after warm-up, CPU ms/image is the whole process's
// CPU time (every thread) over the same images — on a machine shared with other work the
// wall-clock rate of 2 workers depends on what else runs, the CPU time much less.
// Timings share the machine with whatever else runs; compare within one run.
import { DEFAULT_REFINE_PRESET, downsampleRgb, gateMaps, parAffinity, parPropagate, REFINE_PRESETS, workSize } from '../../src/masks/refine/index.ts';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { createProject, openProject, type Project } from '../../src/project/index.ts';
import { findModel, modelInfo, registerModel, rethresholdJob, startJob, type JobSummary } from '../../src/jobs/index.ts';
import { workerPool } from '../../src/jobs/workers/pools.ts';
import type { CamTaskResult, EngineSpec } from '../../src/jobs/workers/types.ts';
import { camFromStored, labelsFromMaps, maskSettings, normaliseCam } from '../../src/masks/cam-mask.ts';
import { resizeBilinear } from '../../src/masks/resize.ts';
import { decodeImage } from '../../src/engine/index.ts';
import { encodeLabelPng } from '../../src/project/png.ts';
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

/** a fresh copy of a closed project's database (the images stay where they are) */
function copyOf(template: string, to: string): Project {
  mkdirSync(to, { recursive: true });
  copyFileSync(path.join(template, 'project.sqlite'), path.join(to, 'project.sqlite'));
  return openProject(to);
}

interface Row {
  model: string;
  workers: number;
  /** the job's refinement chain */
  refine: string;
  images: number;
  seconds: number;
  perSec: number;
  /** the process's CPU time (all threads) per image */
  cpuMs: number;
  /** the main thread's busy time per image (its event loop's active time: commits, progress) */
  mainMs: number;
  /** the 99th percentile of the main thread's event-loop delay during the run (how long a UI request could wait) */
  delayP99Ms: number;
  backend: string;
}

/** Measures a job from the moment `workers` images are done (model load and warm-up excluded) to its last image. */
async function measured(label: string, workers: number, refine: string, start: (onProgress: (e: { state: string; processed: number }) => void) => Promise<JobSummary>): Promise<Row> {
  let t0 = 0;
  let c0 = process.cpuUsage();
  let e0 = performance.eventLoopUtilization();
  let e1 = e0;
  const delay = monitorEventLoopDelay({ resolution: 5 });
  let n0 = 0;
  let last = 0;
  let lastN = 0;
  let cpu = c0;
  const s = await start((e) => {
    if (e.state !== 'running') return;
    if (e.processed === workers) {
      t0 = performance.now();
      c0 = process.cpuUsage();
      e0 = performance.eventLoopUtilization();
      n0 = e.processed;
      delay.enable();
    }
    last = performance.now();
    cpu = process.cpuUsage();
    e1 = performance.eventLoopUtilization();
    lastN = e.processed;
  });
  delay.disable();
  if (s.state !== 'done' || s.failed) throw new Error(`${label}: job ${s.state}, ${s.failed} failed ${s.message ?? JSON.stringify(s.errors[0])}`);
  const seconds = (last - t0) / 1000;
  const images = lastN - n0;
  const cpuMs = (cpu.user - c0.user + cpu.system - c0.system) / 1000 / images;
  const mainMs = performance.eventLoopUtilization(e1, e0).active / images;
  return { model: label, workers, refine, images, seconds, perSec: images / seconds, cpuMs, mainMs, delayP99Ms: delay.percentile(99) / 1e6, backend: s.backend };
}

function throughput(template: string, to: string, label: string, workers: number, refine: string): Promise<Row> {
  const p = copyOf(template, to);
  return measured(label, workers, refine, (onProgress) => startJob(p, { refine }, { workers, onProgress }).done).finally(() => p.close());
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** one row per configuration: the median of its rounds */
function medians(rows: Row[]): Row[] {
  const out: Row[] = [];
  for (const r of rows) {
    if (out.some((o) => o.model === r.model && o.workers === r.workers && o.refine === r.refine)) continue;
    const same = rows.filter((o) => o.model === r.model && o.workers === r.workers && o.refine === r.refine);
    out.push({ ...r, images: same.reduce((t, o) => t + o.images, 0), seconds: same.reduce((t, o) => t + o.seconds, 0), perSec: median(same.map((o) => o.perSec)), cpuMs: median(same.map((o) => o.cpuMs)), mainMs: median(same.map((o) => o.mainMs)), delayP99Ms: median(same.map((o) => o.delayP99Ms)) });
  }
  return out;
}

function printRows(title: string, rows: Row[], rounds: number): void {
  console.log(`\n${title} (median of ${rounds} alternated rounds; images/s after warm-up; CPU = the whole process's, every thread; main = the main thread's busy time; delay = its event loop's p99 delay, what a UI request could wait)`);
  console.log('| model | workers | refine | images | s | images/s | CPU ms/image | main ms/image | delay p99 ms | backend |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.model} | ${r.workers} | ${r.refine} | ${r.images} | ${r.seconds.toFixed(1)} | ${r.perSec.toFixed(2)} | ${r.cpuMs.toFixed(2)} | ${r.mainMs.toFixed(2)} | ${r.delayP99Ms.toFixed(1)} | ${r.backend} |`);
  const pick = (label: string, w: number, refine: string) => rows.find((r) => r.model === label && r.workers === w && r.refine === refine);
  for (const label of new Set(rows.map((r) => r.model))) {
    for (const refine of [DEFAULT_REFINE_PRESET, 'none']) {
      const one = pick(label, 1, refine);
      const two = pick(label, 2, refine);
      if (one && two) console.log(`${label}, refine ${refine}: 2 workers / 1 worker = ${(two.perSec / one.perSec).toFixed(2)}× images/s (CPU per image ${(two.cpuMs / one.cpuMs).toFixed(2)}×)`);
    }
    for (const w of [1, 2]) {
      const raw = pick(label, w, 'none');
      const ref = pick(label, w, DEFAULT_REFINE_PRESET);
      if (raw && ref) console.log(`${label}, ${w} worker(s): refine ${DEFAULT_REFINE_PRESET} / none = ${(ref.perSec / raw.perSec).toFixed(2)}× images/s; by CPU time ${(raw.cpuMs / ref.cpuMs).toFixed(2)}×`);
    }
  }
}

/** Where one worker's time goes per image (the pool directly, one worker), and what the chain's steps cost here. */
async function breakdown(p: Project, n: number): Promise<void> {
  const model = findModel(p);
  const info = modelInfo(model);
  const outputOf = new Map<number, number>(model.classMap.map((c, k) => [c, k]));
  const imgs = [...p.images.all()].slice(0, n);
  const per: Record<string, { decode: number[]; model: number[]; mask: number[] }> = {};
  let kept: CamTaskResult[] = [];
  for (const refine of [DEFAULT_REFINE_PRESET, 'none']) {
    const chain = refine === 'none' ? null : REFINE_PRESETS[DEFAULT_REFINE_PRESET];
    const spec: EngineSpec = { modelFile: model.file, preprocess: info.preprocess, method: 'rcam', layer: 'layer2', multiScale: null, classMap: model.classMap, classes: { kind: 'tags' }, mask: maskSettings(), refine: chain, deepLayers: chain?.gate?.deep ?? [] };
    const pool = await workerPool({ spec, keepPixels: 0 }, 1);
    const t: { decode: number[]; model: number[]; mask: number[] } = (per[refine] = { decode: [], model: [], mask: [] });
    try {
      for (const img of imgs) {
        const targets = p.images.tags(img.id).flatMap((c) => (outputOf.has(c) ? [outputOf.get(c)!] : []));
        const r = await pool.run({ imageId: img.id, file: p.imagePath(img.id), width: img.width, height: img.height, targets });
        t.decode.push(r.timings.decode);
        t.model.push(r.timings.model);
        t.mask.push(r.timings.mask);
        if (chain) kept.push(r);
      }
    } finally {
      await pool.close();
    }
  }
  console.log(`\nwhere one worker's time goes (ms per image, median over ${imgs.length} demo images, after the first)`);
  console.log('| refine | decode | preprocess + model + float16 | mask (chain, labels, PNG) |');
  console.log('|---|---|---|---|');
  for (const [refine, t] of Object.entries(per)) console.log(`| ${refine} | ${median(t.decode.slice(1)).toFixed(2)} | ${median(t.model.slice(1)).toFixed(2)} | ${median(t.mask.slice(1)).toFixed(2)} |`);

  // the chain's steps on the same images, in this thread, each timed over every image
  const chain = REFINE_PRESETS[DEFAULT_REFINE_PRESET]!;
  const par = chain.par!;
  const steps: Record<string, number[]> = {};
  const time = <T>(name: string, f: () => T): T => {
    const t0 = performance.now();
    const v = f();
    (steps[name] ??= []).push(performance.now() - t0);
    return v;
  };
  kept = kept.slice(1);
  for (const r of kept) {
    const img = p.images.get(r.imageId);
    const rgb = (await decodeImage(p.imagePath(r.imageId))).rgb;
    const work = workSize(img.width, img.height, chain.workSide);
    const at = (c: ReturnType<typeof camFromStored>) => resizeBilinear(normaliseCam(c.data, 'relu-max'), c.width, c.height, work.width, work.height);
    const maps = time('normalise + resize to the working size (every layer)', () => r.cams.map((c) => at(camFromStored(c))));
    const deep = time('  (deep layers only)', () => chain.gate!.deep.map((l) => r.deep[l].map((c) => at(camFromStored(c)))));
    const gated = time('gate', () => maps.map((m, i) => gateMaps(m, deep.map((d) => d[i]), chain.gate!.a)));
    const small = time('downsample the image', () => downsampleRgb(rgb, img.width, img.height, work.width, work.height));
    const aff = time('PAR affinities', () => parAffinity(small, work.width, work.height, par));
    const refined = time('PAR propagation (all classes)', () => parPropagate(aff, gated, par.iterations));
    const full = time('upsample to the image', () => refined.map((m, i) => ({ classIndex: r.cams[i].classIndex, map: resizeBilinear(m, work.width, work.height, img.width, img.height) })));
    const labels = time('argmax, τ_bg, clean-ups', () => labelsFromMaps(full, img.width, img.height, maskSettings()));
    time('PNG', () => encodeLabelPng(labels, img.width, img.height));
  }
  console.log(`\nthe ${DEFAULT_REFINE_PRESET} chain's steps at the demo size (ms per image, median over ${kept.length} images, this thread)`);
  console.log('| step | ms |');
  console.log('|---|---|');
  for (const [name, t] of Object.entries(steps)) console.log(`| ${name} | ${median(t).toFixed(3)} |`);
}

export async function run(args: string[]): Promise<void> {
  const longN = flag(args, 'long', 2000);
  const demoN = flag(args, 'demo', 120);
  const resnetN = flag(args, 'resnet', 16);
  const rounds = flag(args, 'rounds', 3);
  const root = mkdtempSync(path.join(tmpdir(), 'jobs-bench-'));
  const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');
  console.log(`load average at the start (1, 5, 15 min): ${load()}`);
  try {
    const demoData = path.join(root, 'demo-data');
    demoImages(demoData, Math.max(demoN, longN));
    const demoModel = path.join(DEMO, 'model', 'tfjs', 'model.json');
    const demoSub = path.join(root, 'demo-sub');
    demoImages(demoSub, demoN);
    const demoLabel = 'demo (128 px, ResNet-ish 0.7 M)';
    const demoTemplate = path.join(root, 'demo-template');
    (await projectWith(root, 'demo-template', demoSub, demoModel)).close();
    let run = 0;
    const next = () => path.join(root, `run-${run++}`);

    if (!args.includes('--skip-demo')) {
      // the default chain against raw masks, 1 and 2 workers, alternated round by round
      const demoRows: Row[] = [];
      for (let r = 0; r < rounds; r++) for (const w of [1, 2]) for (const refine of [DEFAULT_REFINE_PRESET, 'none']) demoRows.push(await throughput(demoTemplate, next(), demoLabel, w, refine));
      printRows('demo net: generation throughput', medians(demoRows), rounds);

      // a re-refine job (the default chain at a new τ_bg) over one finished job's stored maps
      const source = copyOf(demoTemplate, path.join(root, 'refine-source'));
      const sourceJob = (await startJob(source, { refine: DEFAULT_REFINE_PRESET }, { workers: 2 }).done).jobId;
      source.close();
      const rerefine: Row[] = [];
      for (let r = 0; r < rounds; r++) {
        for (const w of [1, 2]) {
          const p = copyOf(path.join(root, 'refine-source'), next());
          rerefine.push(await measured('re-refine, demo maps', w, DEFAULT_REFINE_PRESET, (onProgress) => rethresholdJob(p, sourceJob, { bg: 0.35 }, { refine: DEFAULT_REFINE_PRESET, workers: w, onProgress })).finally(() => p.close()));
        }
      }
      printRows('re-refine job over stored maps', medians(rerefine), rounds);
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
      const rTemplate = path.join(root, 'r50-template');
      (await projectWith(root, 'r50-template', rdata, path.join(mdir, 'resnet50.onnx'))).close();
      const rRows: Row[] = [];
      for (let r = 0; r < rounds; r++) for (const w of [1, 2]) for (const refine of [DEFAULT_REFINE_PRESET, 'none']) rRows.push(await throughput(rTemplate, next(), 'ResNet-50 (224, 2 tags/img)', w, refine));
      printRows('ResNet-50: generation throughput', medians(rRows), rounds);
    }

    const realisticN = flag(args, 'realistic', 24);
    const missing = missingRealisticModel();
    if (missing) console.log(`\nrealistic model rows skipped: ${missing}`);
    else if (realisticN > 0) {
      const rdata = path.join(root, 'r18-data');
      await sceneImages(rdata, realisticN, 224, readFileSync(path.join(realisticModelDir(), 'classes.txt'), 'utf8').trim().split('\n'));
      const rTemplate = path.join(root, 'r18-template');
      (await projectWith(root, 'r18-template', rdata, path.join(realisticModelDir(), 'classifier.onnx'))).close();
      const rRows: Row[] = [];
      for (let r = 0; r < rounds; r++) for (const w of [1, 2]) for (const refine of [DEFAULT_REFINE_PRESET, 'none']) rRows.push(await throughput(rTemplate, next(), 'ResNet-18 (224 px, trained)', w, refine));
      printRows('realistic ResNet-18: generation throughput', medians(rRows), rounds);
    }

    if (!args.includes('--skip-breakdown')) {
      const p = copyOf(demoTemplate, next());
      try {
        await breakdown(p, Math.min(demoN, 60));
      } finally {
        p.close();
      }
    }
    console.log(`\nload average after the throughput runs (1, 5, 15 min): ${load()}`);
    if (args.includes('--skip-long')) return;

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
