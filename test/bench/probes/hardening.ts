// The round-2 hardening probes (issue 28), replayed by `npm run bench -- probes`: each
// case retried the way it broke, with real processes where it needs two.
//   - concurrent exports: N trials of two exports into one new folder 0.2–1.1 s apart (CLI +
//     CLI, served studio + CLI); counts exports marked complete with a file missing
//   - studio edits during a CLI generate: editTags/updateClass calls to a served studio
//     while `generate` writes; counts the answers by code (INTERNAL must be 0)
//   - single probes: an image replaced by a FIFO / a link to /dev/zero, an export into the
//     dataset folder, a NaN model at `model add`, a run lock pointing at pid 1, a project
//     folder deleted under a served studio, COCO import time at 10 k vs 40 k annotations of
//     one image, a CSV of many rows of one image
// Not a test: it prints what each answered and how long it took.
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { createProject, importMasks } from '../../../src/project/index.ts';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { EXPORT_MARKER } from '../../../src/export/index.ts';
import { thisProcess } from '../../../src/fs/process-identity.ts';
import { prng } from '../../helpers/models.ts';
import { writeJpeg } from '../../helpers/images.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin/relevance-studio.mjs');
const DEMO = join(ROOT, 'demo');
const ENV = { ...process.env, RS_SKIP_RENDERER_BUILD: '1', DISPLAY: '', WAYLAND_DISPLAY: '' };

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function cli(args: string[]): Proc {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  return { child, out: () => out, err: () => err, exited: new Promise((r) => child.on('close', (c) => r(c))) };
}

async function serve(dir: string): Promise<{ origin: string; token: string; proc: Proc }> {
  const proc = cli(['serve', dir, '--no-open']);
  for (;;) {
    const m = /(http:\/\/127\.0\.0\.1:\d+)\/\?token=([\w-]+)/.exec(proc.out() + proc.err());
    if (m) return { origin: m[1], token: m[2], proc };
    if (proc.child.exitCode !== null) throw new Error(`serve exited: ${proc.err()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function api(s: { origin: string; token: string }, method: string, params: unknown[]): Promise<{ status: number; ok: boolean; code: string; message: string }> {
  const r = await fetch(`${s.origin}/api/${method}`, { method: 'POST', headers: { 'X-Studio-Token': s.token, 'Content-Type': 'application/json' }, body: JSON.stringify(params), signal: AbortSignal.timeout(60_000) });
  const body = (await r.json()) as { ok: boolean; error?: { code: string; message: string } };
  return { status: r.status, ok: body.ok, code: body.ok ? 'ok' : body.error!.code, message: body.ok ? 'ok' : body.error!.message };
}

/** a stack trace's frames ("    at fn (file:line)") in what a process printed */
const hasStack = (s: string) => /\n\s+at .+:\d+/.test(s);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ⏎ ').slice(0, 120);

/** n tiny labelled images in a new project */
async function labelled(dir: string, n: number): Promise<string> {
  const data = join(dir, 'data');
  for (let i = 0; i < n; i++) await writeJpeg(join(data, 'cat', `${String(i).padStart(5, '0')}.jpg`), { width: 16, height: 12, seed: i });
  const p = createProject(join(dir, 'proj'));
  await p.importDataset(data, { layout: 'folders', thumbnails: false });
  const labels = new Uint8Array(16 * 12);
  labels.fill(1, 40, 100);
  const png = encodeLabelPng(labels, 16, 12);
  for (const img of p.allImages()) p.saveMask(img.id, png, { source: 'edited' });
  const out = p.dir;
  p.close();
  return out;
}

/** whether a VOC export folder marked complete lacks a listed mask */
function judge(out: string): { complete: boolean; missing: number; pngs: number } {
  if (!existsSync(join(out, EXPORT_MARKER))) return { complete: false, missing: 0, pngs: 0 };
  const complete = (JSON.parse(readFileSync(join(out, EXPORT_MARKER), 'utf8')) as { complete: boolean }).complete;
  const listed = readFileSync(join(out, 'ImageSets', 'Segmentation', 'trainval.txt'), 'utf8').split('\n').filter(Boolean);
  const pngs = new Set(readdirSync(join(out, 'SegmentationClass')));
  return { complete, missing: listed.filter((s) => !pngs.has(`${s}.png`)).length, pngs: pngs.size };
}

export async function concurrentExports(scratch: string, trials: number, images: number): Promise<void> {
  const t0 = performance.now();
  const dir = await labelled(join(scratch, 'exports'), images);
  console.log(`\n### two exports into one new folder (${images} images; project made in ${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
  console.log('| trial | pair | second after | first | second | marked complete | masks | listed but missing |');
  console.log('|---:|---|---:|---|---|---|---:|---:|');
  const rnd = prng(28);
  const studio = await serve(dir);
  let broken = 0;
  let stacks = 0;
  try {
    for (let k = 0; k < trials; k++) {
      const out = join(scratch, 'exports', `out-${k}`);
      const viaStudio = k % 2 === 1;
      const delay = Math.round(200 + 900 * rnd());
      const answer = (code: number | null, p: Proc) => {
        if (hasStack(p.err())) stacks++;
        return code === 0 ? `exit 0: ${p.out().trim().split('\n').at(-1)}` : `exit ${code}: ${p.err().trim().split('\n').at(-1)}`;
      };
      let first: Promise<string>;
      if (viaStudio) {
        first = api(studio, 'exportProject', [{ format: 'voc', out, approvedOnly: false, split: null, overwrite: false }]).then((r) => `${r.status} ${r.message}`);
      } else {
        const a = cli(['export', dir, '--format', 'voc', '--out', out]);
        first = a.exited.then((c) => answer(c, a));
      }
      await new Promise((r) => setTimeout(r, delay));
      const b = cli(['export', dir, '--format', 'voc', '--out', out]);
      const second = b.exited.then((c) => answer(c, b));
      const [fa, sa] = await Promise.all([first, second]);
      const j = judge(out);
      if (j.complete && j.missing > 0) broken++;
      console.log(`| ${k + 1} | ${viaStudio ? 'studio + CLI' : 'CLI + CLI'} | ${delay} ms | ${cell(fa)} | ${cell(sa)} | ${j.complete ? 'yes' : 'no'} | ${j.pngs} | ${j.missing} |`);
      rmSync(out, { recursive: true, force: true });
    }
  } finally {
    studio.proc.child.kill('SIGTERM');
    await studio.proc.exited;
  }
  console.log(`\nmarked complete with a mask missing: ${broken} of ${trials} trials (goal 0 → ${broken === 0 ? 'met' : 'NOT met'}); answers with a stack trace: ${stacks}`);
}

/** the demo scenes imported `copies` times under different names, with the demo model */
async function demoCopies(dir: string, copies: number): Promise<string> {
  const src = join(DEMO, 'dataset');
  const data = join(dir, 'data');
  mkdirSync(join(data, 'JPEGImages'), { recursive: true });
  mkdirSync(join(data, 'Annotations'), { recursive: true });
  for (const f of readdirSync(join(src, 'JPEGImages')).filter((n) => n.endsWith('.jpg'))) {
    const stem = f.slice(0, -4);
    for (let c = 0; c < copies; c++) {
      copyFileSync(join(src, 'JPEGImages', f), join(data, 'JPEGImages', `${stem}-${c}.jpg`));
      copyFileSync(join(src, 'Annotations', `${stem}.xml`), join(data, 'Annotations', `${stem}-${c}.xml`));
    }
  }
  copyFileSync(join(src, 'classes.txt'), join(data, 'classes.txt'));
  const p = createProject(join(dir, 'proj'));
  await p.importDataset(data, { thumbnails: false });
  p.close();
  execFileSync(process.execPath, [BIN, 'model', 'add', join(dir, 'proj'), join(DEMO, 'model', 'tfjs', 'model.json')], { cwd: ROOT, env: ENV, stdio: 'ignore' });
  return join(dir, 'proj');
}

export async function editsDuringGenerate(scratch: string, edits: number): Promise<void> {
  const dir = await demoCopies(join(scratch, 'edits'), 8);
  const studio = await serve(dir);
  const codes: Record<string, number> = {};
  let during = 0;
  let worstMs = 0;
  const samples: string[] = [];
  try {
    const classes = ((await fetch(`${studio.origin}/api/projectInfo`, { method: 'POST', headers: { 'X-Studio-Token': studio.token }, body: '[]' }).then((r) => r.json())) as { value: { classes: { index: number }[]; images: number } }).value;
    const gen = cli(['generate', dir, '--workers', '1', '--every', '1']);
    let running = true;
    void gen.exited.then(() => (running = false));
    // wait for the generator to start writing
    while (running && !gen.out().includes('"event":"progress"')) await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    for (let k = 0; k < edits; k++) {
      const id = 1 + (k % classes.images);
      const cls = classes.classes[k % classes.classes.length].index;
      const call =
        k % 3 === 0 ? api(studio, 'editTags', [[id], [cls], []]) : k % 3 === 1 ? api(studio, 'editTags', [[id], [], [cls]]) : api(studio, 'updateClass', [cls, { color: `#${(k % 0xffffff).toString(16).padStart(6, '0')}` }]);
      const s = performance.now();
      const r = await call;
      worstMs = Math.max(worstMs, performance.now() - s);
      if (running) during++;
      codes[r.code] = (codes[r.code] ?? 0) + 1;
      if (!r.ok && samples.length < 3) samples.push(`${r.code}: ${r.message}`);
    }
    const secs = (performance.now() - t0) / 1000;
    const code = await gen.exited;
    console.log(`\n### ${edits} studio edits (editTags, updateClass) during a CLI generate (${classes.images} images, 1 worker)\n`);
    console.log('| edits | while generate ran | answers by code | slowest answer | generate exit |');
    console.log('|---:|---:|---|---:|---:|');
    console.log(`| ${edits} | ${during} | ${JSON.stringify(codes)} | ${worstMs.toFixed(0)} ms | ${code} |`);
    console.log(`\nINTERNAL answers: ${codes.INTERNAL ?? 0} (goal 0 → ${(codes.INTERNAL ?? 0) === 0 ? 'met' : 'NOT met'}); ${secs.toFixed(1)} s${samples.length ? `; e.g. ${samples.join(' / ')}` : ''}`);
  } finally {
    studio.proc.child.kill('SIGTERM');
    await studio.proc.exited;
  }
}

export async function singleProbes(scratch: string, cocoCounts: [number, number], csvRows: number): Promise<void> {
  const root = join(scratch, 'single');
  const rows: [string, string, number][] = [];
  const time = async (name: string, f: () => Promise<string>) => {
    const t0 = performance.now();
    let answer: string;
    try {
      answer = await f();
    } catch (e) {
      answer = `threw: ${(e as Error).message}`;
    }
    rows.push([name, answer, performance.now() - t0]);
  };

  // a served project whose image files are then replaced
  const data = join(root, 'data');
  for (let i = 0; i < 4; i++) await writeJpeg(join(data, 'cat', `c${i}.jpg`), { width: 64, height: 48, seed: i });
  const p = createProject(join(root, 'proj'));
  await p.importDataset(data, { layout: 'folders', thumbnails: false });
  const labels = encodeLabelPng(new Uint8Array(64 * 48).fill(1), 64, 48);
  for (const img of p.allImages()) p.saveMask(img.id, labels, { source: 'edited' });
  p.close();
  rmSync(join(data, 'cat', 'c0.jpg'));
  execFileSync('mkfifo', [join(data, 'cat', 'c0.jpg')]);
  rmSync(join(data, 'cat', 'c1.jpg'));
  symlinkSync('/dev/zero', join(data, 'cat', 'c1.jpg'));
  const studio = await serve(join(root, 'proj'));
  const rss = () => {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${studio.proc.child.pid}/status`, 'utf8'));
    return m ? `${(Number(m[1]) / 1024).toFixed(0)} MB` : '?';
  };
  try {
    await time('imageBytes of an image replaced by a FIFO', async () => { const r = await api(studio, 'imageBytes', [1]); return `${r.status} ${r.message}`; });
    await time('thumbnail of an image replaced by a FIFO', async () => { const r = await api(studio, 'thumbnail', [1]); return `${r.status} ${r.message}`; });
    await time('imageBytes of an image replaced by a link to /dev/zero', async () => { const r = await api(studio, 'imageBytes', [2]); return `${r.status} ${r.message}; server RSS ${rss()}`; });
    await time('CLI export --copy-images --overwrite into the dataset folder', async () => {
      const before = readdirSync(join(data, 'cat')).length;
      const e = cli(['export', join(root, 'proj'), '--format', 'voc', '--approved-only', '--copy-images', '--overwrite', '--out', data]);
      const code = await e.exited;
      return `exit ${code}: ${e.err().trim().split('\n').at(-1)}; images ${before} → ${readdirSync(join(data, 'cat')).length}`;
    });
  } finally {
    studio.proc.child.kill('SIGTERM');
    await studio.proc.exited;
  }

  // a model with a NaN weight
  const nan = join(root, 'nan-model');
  mkdirSync(nan, { recursive: true });
  for (const f of ['model.json', 'weights.bin']) copyFileSync(join(DEMO, 'model', 'tfjs', f), join(nan, f));
  for (const f of ['classes.txt', 'preprocess.json']) copyFileSync(join(DEMO, 'model', f), join(nan, f));
  const w = readFileSync(join(nan, 'weights.bin'));
  w.writeFloatLE(NaN, 0);
  writeFileSync(join(nan, 'weights.bin'), w);
  await time('model add of a model with a NaN weight', async () => {
    const e = cli(['model', 'add', join(root, 'proj'), join(nan, 'model.json')]);
    return `exit ${await e.exited}: ${e.err().trim().split('\n').at(-1)}`;
  });

  // a run lock left pointing at pid 1 (what a reboot after a kill -9 looks like)
  const lockProj = await demoCopies(join(root, 'lock'), 1);
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(lockProj, 'project.sqlite'));
  const me = thisProcess();
  db.prepare("INSERT INTO meta (key, value) VALUES ('run-lock:1:all:1', ?)").run(JSON.stringify({ pid: 1, host: me.host, boot: me.boot, start: '1', jobId: 1, kind: 'generate', shard: null, command: 'generate', startedAt: '2020-01-01T00:00:00Z', beatAt: '2020-01-01T00:00:00Z' }));
  db.close();
  await time('generate with a run lock pointing at pid 1', async () => {
    const e = cli(['generate', lockProj, '--workers', '1']);
    const code = await e.exited;
    return `exit ${code}: ${(code === 0 ? e.out() : e.err()).trim().split('\n').at(-1)}`;
  });

  // a served project whose folder is deleted
  const gone = join(root, 'gone');
  cpSync(join(root, 'proj'), gone, { recursive: true });
  const doomed = await serve(gone);
  try {
    rmSync(gone, { recursive: true, force: true });
    await time('saveMask after the project folder was deleted', async () => {
      const r = await fetch(`${doomed.origin}/api/saveMask`, { method: 'POST', headers: { 'X-Studio-Token': doomed.token, 'Content-Type': 'application/octet-stream', 'X-Studio-Params': '[3]' }, body: labels as Uint8Array<ArrayBuffer> });
      const b = (await r.json()) as { ok: boolean; error?: { code: string; message: string } };
      return `${r.status} ${b.ok ? 'ok (acknowledged!)' : `${b.error!.code}: ${b.error!.message}`}`;
    });
  } finally {
    doomed.proc.child.kill('SIGTERM');
    await doomed.proc.exited;
  }

  // COCO: many annotations of one image
  const cocoProj = createProject(join(root, 'coco'));
  await writeJpeg(join(root, 'coco-data', 'cat', 'a.jpg'), { width: 16, height: 16 });
  await cocoProj.importDataset(join(root, 'coco-data'), { layout: 'folders', thumbnails: false });
  const cocoMs: number[] = [];
  for (const n of cocoCounts) {
    const file = join(root, `coco-${n}.json`);
    const anns = Array.from({ length: n }, (_, k) => ({ id: k + 1, image_id: 1, category_id: 1, segmentation: { size: [16, 16], counts: [k % 256, 1, 255 - (k % 256)] } }));
    writeFileSync(file, JSON.stringify({ images: [{ id: 1, file_name: 'cat/a.jpg', width: 16, height: 16 }], categories: [{ id: 1, name: 'cat' }], annotations: anns }));
    const t0 = performance.now();
    const r = await importMasks(cocoProj, file, { format: 'coco' });
    cocoMs.push(performance.now() - t0);
    rows.push([`COCO import, ${n} annotations of one image`, `imported ${r.imported}, ${r.errors.length} errors`, cocoMs.at(-1)!]);
  }
  cocoProj.close();

  // a CSV of many rows of one image
  const csvDir = join(root, 'csv');
  await writeJpeg(join(csvDir, 'a.jpg'), { width: 16, height: 12 });
  writeFileSync(join(csvDir, 'tags.csv'), `image,tags\n${'a.jpg,cat\n'.repeat(csvRows)}`);
  await time(`CLI import of a CSV of ${csvRows} rows of one image`, async () => {
    execFileSync(process.execPath, [BIN, 'init', join(root, 'csv-proj')], { cwd: ROOT, env: ENV, stdio: 'ignore' });
    const e = cli(['import', join(root, 'csv-proj'), csvDir]);
    const code = await e.exited;
    return `exit ${code}: ${cell(e.out().trim().split('\n').slice(-2).join(' / '))}`;
  });

  console.log('\n### single probes\n');
  console.log('| probe | answer | ms |');
  console.log('|---|---|---:|');
  for (const [name, answer, ms] of rows) console.log(`| ${name} | ${cell(answer)} | ${ms.toFixed(0)} |`);
  console.log(`\nCOCO import time, ${cocoCounts[1]} vs ${cocoCounts[0]} annotations: ${(cocoMs[1] / cocoMs[0]).toFixed(1)}× for ${(cocoCounts[1] / cocoCounts[0]).toFixed(0)}× the annotations (linear: ≈ ${(cocoCounts[1] / cocoCounts[0]).toFixed(0)}×)`);
}
