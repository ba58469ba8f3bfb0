// `npm run bench -- ort [--repeat N] [--images M]`: the onnxruntime executor against the
// TF.js one (and PyTorch when Debian's python3-torch is importable) on ResNet-50 at 224×224
// (random weights), layer2 Relevance-CAM: per-map time (alternating runs, medians after a
// warm-up), the forward alone, and the throughput of 1 and 2 worker threads per executor.
// Timings only; correctness lives in test/unit/engine/ort (a map correlation is printed
// here as a sanity check that every executor computed the same thing). It also prints the
// arithmetic floor: the map's multiply-adds over this core's measured float32 rate
// (test/bench/ort/arithmetic.ts), and how close each executor runs to it.
import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Graph } from '../../src/engine/ir.ts';
import { OrtCamModel } from '../../src/engine/ort/cam-model.ts';
import { initBackend } from '../../src/engine/tfjs/backend.ts';
import { CamModel } from '../../src/engine/tfjs/cam-model.ts';
import { randomInput } from '../helpers/models.ts';
import { pearson } from '../unit/engine/naive/reference.ts';
import { BENCH_SIZE, benchGraph } from './ort/model.ts';
import { convRate, rcamMacs } from './ort/arithmetic.ts';
import { loadOrt } from '../../src/engine/ort/session.ts';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '—');
const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '—');

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

// ── PyTorch (optional) ────────────────────────────────────────────────────────────────
function findTorchPython(): string | null {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

/** engine params + input as one little-endian float32 file and a JSON manifest */
function writeWeights(graph: Graph, input: Float32Array, prefix: string): void {
  const entries: { name: string; shape: number[]; offset: number }[] = [];
  let offset = 0;
  const parts: Float32Array[] = [];
  for (const name of Object.keys(graph.params).sort()) {
    const p = graph.params[name];
    entries.push({ name, shape: p.shape, offset });
    parts.push(p.data);
    offset += p.data.length;
  }
  const inputEntry = { name: 'input', shape: [1, BENCH_SIZE, BENCH_SIZE, 3], offset };
  parts.push(input);
  offset += input.length;
  const all = new Float32Array(offset);
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  writeFileSync(`${prefix}.bin`, new Uint8Array(all.buffer));
  writeFileSync(`${prefix}.json`, JSON.stringify({ params: entries, input: inputEntry, layer: 2 }));
}

class TorchProc {
  private readonly lines: AsyncIterableIterator<string>;
  constructor(private readonly proc: ChildProcessByStdio<Writable, Readable, null>) {
    this.lines = createInterface({ input: proc.stdout })[Symbol.asyncIterator]();
  }
  static start(py: string, prefix: string, threads: number): TorchProc {
    const script = fileURLToPath(new URL('./torch/rcam_resnet50.py', import.meta.url));
    return new TorchProc(spawn(py, [script, prefix, String(threads)], { stdio: ['pipe', 'pipe', 'inherit'] }));
  }
  async next(): Promise<Record<string, unknown>> {
    const r = await this.lines.next();
    if (r.done) throw new Error('the PyTorch process ended');
    return JSON.parse(r.value) as Record<string, unknown>;
  }
  async cmd(c: string): Promise<Record<string, unknown>> {
    this.proc.stdin.write(`${c}\n`);
    return this.next();
  }
  stop(): void {
    this.proc.stdin.end('quit\n');
  }
}

// ── throughput ────────────────────────────────────────────────────────────────────────
export async function throughput(executor: string, workers: number, images: number, cacheDir: string): Promise<{ ips: number; label: string }> {
  const bootstrap = new URL('../../src/engine/worker/bootstrap.mjs', import.meta.url);
  const entry = new URL('./ort/worker.ts', import.meta.url).href;
  const ws = Array.from({ length: workers }, () => new Worker(bootstrap, { workerData: { entry, executor, images, cacheDir } }));
  const msg = (w: Worker, type: string) =>
    new Promise<{ label?: string; ms?: number }>((resolve, reject) => {
      const on = (m: { type: string }) => {
        if (m.type === type) {
          w.off('message', on);
          resolve(m as { label?: string; ms?: number });
        }
      };
      w.on('message', on);
      w.once('error', reject);
    });
  try {
    const ready = await Promise.all(ws.map((w) => msg(w, 'ready')));
    const t0 = performance.now();
    const done = Promise.all(ws.map((w) => msg(w, 'done')));
    ws.forEach((w) => w.postMessage('go'));
    await done;
    const wall = performance.now() - t0;
    return { ips: (workers * images) / (wall / 1000), label: ready[0].label ?? executor };
  } finally {
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

export async function run(args: string[]): Promise<void> {
  const repeat = arg(args, '--repeat', 7);
  const imagesOrt = arg(args, '--images', 8);
  const imagesTfjs = Math.max(2, Math.round(imagesOrt / 3));
  const cacheDir = path.join(os.tmpdir(), 'rs-ort-bench-cache');
  const hw: [number, number] = [BENCH_SIZE, BENCH_SIZE];
  const req = { method: 'rcam' as const, layer: 'layer2' };
  const graph = benchGraph();
  const input = randomInput([1, BENCH_SIZE, BENCH_SIZE, 3], 3);
  const backend = await initBackend('wasm');
  const tfjs = new CamModel(graph);
  const ort = await OrtCamModel.create(graph, { cacheDir });
  const ort2 = await OrtCamModel.create(graph, { cacheDir, threads: 2 });

  console.log(`ResNet-50 224×224, random weights, rcam layer2; ${os.cpus().length} CPUs; load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);
  let t = performance.now();
  const first = await ort.run(input, hw, req);
  console.log(`onnxruntime: compile or cache read + session ${(performance.now() - t).toFixed(0)} ms (compiled ${ort.stats.compiled}, cache hits ${ort.stats.cacheHits}; cache ${cacheDir})`);
  await ort2.run(input, hw, req);
  await ort.predict(input, [1, ...hw, 3]);
  const tfFirst = tfjs.run(input, hw, req);
  tfjs.predict(input, [1, ...hw, 3]);

  const py = args.includes('--no-torch') ? null : findTorchPython();
  let torch: TorchProc | null = null;
  // the same model at 2 threads, compared with onnxruntime's 2-thread session
  let torch2: TorchProc | null = null;
  let torchNote = 'PyTorch: skipped (no python3 with `import torch`; Debian: apt install python3-torch)';
  let tmp: string | null = null;
  if (py) {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'rs-ort-bench-'));
    writeWeights(graph, input, path.join(tmp, 'resnet50'));
    torch = TorchProc.start(py, path.join(tmp, 'resnet50'), 1);
    torch2 = TorchProc.start(py, path.join(tmp, 'resnet50'), 2);
    const ready = await torch.next();
    const ready2 = await torch2.next();
    // one process at a time: each picks its faster transposed-conv spelling (see the script)
    const cal = await torch.cmd('calibrate');
    const cal2 = await torch2.cmd('calibrate');
    const m = (await torch.cmd('map')).map as number[];
    const m2 = (await torch2.cmd('map')).map as number[];
    torchNote =
      `PyTorch ${String(ready.torch)} (${py}): ${String(ready.threads)} thread uses ${String(cal.impl)}, ${String(ready2.threads)} threads use ${String(cal2.impl)} ` +
      `(calibration ms ${JSON.stringify(cal.ms)} / ${JSON.stringify(cal2.ms)}); maps vs onnxruntime r = ${pearson(m, first.maps[0].data).toFixed(8)} / ${pearson(m2, first.maps[0].data).toFixed(8)}`;
  }
  console.log(`onnxruntime vs tfjs-${backend}: map r = ${pearson(first.maps[0].data, tfFirst.maps[0].data).toFixed(8)}`);
  console.log(torchNote);

  const times = { tfjs: [] as number[], ort: [] as number[], ort2: [] as number[], torch: [] as number[], torch2: [] as number[] };
  const fwd = { tfjs: [] as number[], ort: [] as number[], torch: [] as number[] };
  for (let i = 0; i < repeat; i++) {
    t = performance.now();
    tfjs.run(input, hw, req);
    times.tfjs.push(performance.now() - t);
    t = performance.now();
    await ort.run(input, hw, req);
    times.ort.push(performance.now() - t);
    t = performance.now();
    await ort2.run(input, hw, req);
    times.ort2.push(performance.now() - t);
    if (torch) times.torch.push((await torch.cmd('rcam')).ms as number);
    if (torch2) times.torch2.push((await torch2.cmd('rcam')).ms as number);
    t = performance.now();
    tfjs.predict(input, [1, ...hw, 3]);
    fwd.tfjs.push(performance.now() - t);
    t = performance.now();
    await ort.predict(input, [1, ...hw, 3]);
    fwd.ort.push(performance.now() - t);
    if (torch) fwd.torch.push((await torch.cmd('forward')).ms as number);
  }
  torch?.stop();
  torch2?.stop();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
  tfjs.dispose();
  await ort.dispose();
  await ort2.dispose();

  const macs = rcamMacs(graph, hw, 'layer2');
  const rate = await convRate((await loadOrt())!);
  const tp: Record<string, Record<number, number>> = { onnxruntime: {}, tfjs: {} };
  for (const workers of [1, 2]) {
    for (const ex of ['onnxruntime', 'tfjs']) {
      tp[ex][workers] = (await throughput(ex, workers, ex === 'tfjs' ? imagesTfjs : imagesOrt, cacheDir)).ips;
    }
  }

  const m = { tfjs: median(times.tfjs), ort: median(times.ort), ort2: median(times.ort2), torch: torch ? median(times.torch) : NaN, torch2: torch2 ? median(times.torch2) : NaN };
  const fm = { tfjs: median(fwd.tfjs), ort: median(fwd.ort), torch: torch ? median(fwd.torch) : NaN };
  console.log(`\nmedians of ${repeat} alternating runs after warm-up; throughput: ${imagesOrt} (onnxruntime) / ${imagesTfjs} (tfjs) images per worker, 1 intra-op thread per onnxruntime worker\n`);
  const total = macs.forward + macs.walk;
  const floor = (threads: number) => (total / (rate * threads)) * 1000; // ms per map at the measured rate
  const peak = (ms: number, threads: number) => (Number.isFinite(ms) ? `${((floor(threads) / ms) * 100).toFixed(0)}%` : '—');
  console.log(`arithmetic: ${(total / 1e9).toFixed(2)} GMAC per map (forward ${(macs.forward / 1e9).toFixed(2)}, walk ${(macs.walk / 1e9).toFixed(2)}); this core: ${(rate / 1e9).toFixed(1)} GMAC/s (onnxruntime 3×3 conv, 1 thread) → float32 floor ${f1(floor(1))} ms/map on 1 thread, ${f1(floor(2))} on 2\n`);
  console.log('| executor | rcam layer2 ms/map | floor / time | forward ms | rcam/forward | 1 worker img/s | 2 workers img/s |');
  console.log('|---|---|---|---|---|---|---|');
  console.log(`| onnxruntime/cpu (1 thread) | ${f1(m.ort)} | ${peak(m.ort, 1)} | ${f1(fm.ort)} | ${f2(m.ort / fm.ort)} | ${f2(tp.onnxruntime[1])} | ${f2(tp.onnxruntime[2])} |`);
  console.log(`| onnxruntime/cpu (2 threads) | ${f1(m.ort2)} | ${peak(m.ort2, 2)} | | | | |`);
  console.log(`| tfjs/${backend} | ${f1(m.tfjs)} | ${peak(m.tfjs, 1)} | ${f1(fm.tfjs)} | ${f2(m.tfjs / fm.tfjs)} | ${f2(tp.tfjs[1])} | ${f2(tp.tfjs[2])} |`);
  console.log(`| pytorch (eager, 1 thread) | ${f1(m.torch)} | ${peak(m.torch, 1)} | ${f1(fm.torch)} | ${f2(m.torch / fm.torch)} | | |`);
  console.log(`| pytorch (eager, 2 threads) | ${f1(m.torch2)} | ${peak(m.torch2, 2)} | | | | |`);
  console.log('');
  console.log(`onnxruntime / pytorch per map, 1 thread each: ${f2(m.ort / m.torch)} (goal ≤ 0.5; the float32 floor allows ${f2(floor(1) / m.torch)})${torch ? '' : ' — PyTorch skipped'}`);
  console.log(`onnxruntime / pytorch per map, 2 threads each: ${f2(m.ort2 / m.torch2)} (the floor allows ${f2(floor(2) / m.torch2)})`);
  console.log(`onnxruntime / tfjs per map: ${f2(m.ort / m.tfjs)}`);
  const ceiling = (2 * rate) / total; // images/s of two cores at the floor
  console.log(`2-worker throughput onnxruntime / tfjs: ${f2(tp.onnxruntime[2] / tp.tfjs[2])} (goal ≥ 5; two cores at the floor allow ${f2(ceiling / tp.tfjs[2])})`);
}
