// `npm run bench -- engine [--reps N] [--score-channels K] [--images M] [--no-ort] [--layers-only]`
// ResNet-50 (full widths, random weights), 224×224, one image, TF.js (wasm unless
// RS_BACKEND says otherwise): forward, rcam layer2/layer4, gradcam layer2, scorecam layer2
// (K channels timed, extrapolated to all), medians after a warm-up, methods interleaved
// round by round so machine noise hits all alike; then the cost of the further layers of
// one walk (layer2 alone against layer2 + layer3 + layer4, both executors); then throughput with 1 and 2 workers of
// the engine host the batch pipeline uses, for both executors; then the onnxruntime rows
// (per map against TF.js and PyTorch, the float32 floor: test/bench/ort.bench.ts).
import type { Graph } from '../../src/engine/ir.ts';
import { backendName as tfBackendName, initBackend } from '../../src/engine/tfjs/backend.ts';
import { OrtCamModel } from '../../src/engine/ort/cam-model.ts';
import { CamModel } from '../../src/engine/tfjs/cam-model.ts';
import type { CamRequest } from '../../src/engine/cams/methods.ts';
import { EngineHost } from '../../src/engine/worker/host.ts';
import { loadOrt } from '../../src/engine/ort/session.ts';
import { randomInput, resnet } from '../helpers/models.ts';

function opt(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function run(args: string[]): Promise<void> {
  const reps = Math.max(5, opt(args, 'reps', 5));
  const scoreK = opt(args, 'score-channels', 8);
  const nImages = opt(args, 'images', 8);
  const backend = await initBackend(process.env.RS_BACKEND ?? 'wasm');
  const S = 224;
  const graph = resnet(50, { width: 64, size: S, classes: 1000, seed: 50 });
  const x = randomInput([1, S, S, 3], 1);
  if (args.includes('--layers-only')) {
    await layerCost(graph, x, S, reps);
    return;
  }
  const model = new CamModel(graph);
  const layer2Channels = 512;

  const cases: { name: string; f: () => number }[] = [
    { name: 'forward', f: () => time(() => model.predict(x, [1, S, S, 3])) },
    ...(
      [
        ['rcam layer2', { method: 'rcam', layer: 'layer2' }],
        ['rcam layer4', { method: 'rcam', layer: 'layer4' }],
        ['gradcam layer2', { method: 'gradcam', layer: 'layer2' }],
        [`scorecam layer2 (${scoreK} ch)`, { method: 'scorecam', layer: 'layer2', scoreChannels: scoreK, scoreBatch: scoreK }],
      ] as [string, CamRequest][]
    ).map(([name, req]) => ({ name, f: () => time(() => model.run(x, [S, S], req)) })),
  ];
  for (const c of cases) c.f(); // warm-up: per-model constants, XNNPACK operators
  const times = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  for (let r = 0; r < reps; r++) for (const c of cases) times.get(c.name)!.push(c.f());
  const med = new Map([...times].map(([k, v]) => [k, median(v)]));
  const fwd = med.get('forward')!;
  const sc = med.get(`scorecam layer2 (${scoreK} ch)`)!;
  // a Score-CAM map = its own forward + K masked forwards; extrapolate the masked part
  const scoreAll = fwd + ((sc - fwd) * layer2Channels) / scoreK;
  const rcam2 = med.get('rcam layer2')!;

  const rows: string[][] = [['case', 'backend', 'median ms', 'min ms', '× forward']];
  for (const [k, v] of times) rows.push([k, backend, med.get(k)!.toFixed(0), Math.min(...v).toFixed(0), (med.get(k)! / fwd).toFixed(2)]);
  rows.push([`scorecam layer2 (all ${layer2Channels} ch, extrapolated)`, backend, scoreAll.toFixed(0), '', (scoreAll / fwd).toFixed(1)]);
  console.log(`ResNet-50 224×224, random weights, 1 image, ${reps} reps after warm-up (medians)\n`);
  console.log(table(rows));
  console.log(`\nrcam layer2 / forward = ${(rcam2 / fwd).toFixed(2)}  (goal ≤ 2.5; includes rcam's own forward)`);
  console.log(`scorecam layer2 / rcam layer2 = ${(scoreAll / rcam2).toFixed(0)}  (extrapolated from ${scoreK} channels; goal ≥ 100)`);
  model.dispose();
  await layerCost(graph, x, S, reps);

  // throughput: independent one-image rcam layer2 requests spread over N workers of the
  // engine host (what a generation job runs on), for each executor
  const executors = (await loadOrt()) ? ['tfjs', 'onnxruntime'] : ['tfjs'];
  const trows: string[][] = [['workers', 'executor', 'threads per worker', 'images', 'seconds', 'images/s']];
  const ips = new Map<string, number>();
  for (const executor of executors) {
    for (const n of [1, 2]) {
      const host = await EngineHost.start({ workers: n, executor, backend });
      const count = executor === 'onnxruntime' ? nImages * 3 : nImages;
      try {
        const req = (i: number) => host.run({ model: { key: 'resnet50', graph }, images: [{ data: randomInput([1, S, S, 3], 100 + i), height: S, width: S }], cam: { method: 'rcam', layer: 'layer2' } });
        await Promise.all(Array.from({ length: n }, (_, i) => req(i))); // model transfer + warm-up
        const t0 = performance.now();
        await Promise.all(Array.from({ length: count }, (_, i) => req(i)));
        const s = (performance.now() - t0) / 1000;
        ips.set(`${executor}/${n}`, count / s);
        trows.push([String(n), host.backend, executor === 'onnxruntime' ? String(host.threads) : '1', String(count), s.toFixed(2), (count / s).toFixed(2)]);
      } finally {
        await host.close();
      }
    }
  }
  console.log('\nthroughput, rcam layer2, one image per request, engine host workers\n');
  console.log(table(trows));
  if (ips.has('onnxruntime/2')) {
    console.log(`\n2 workers: onnxruntime / tfjs-${backend} = ${(ips.get('onnxruntime/2')! / ips.get('tfjs/2')!).toFixed(2)} (goal ≥ 5)`);
  }
  if (executors.includes('onnxruntime') && !args.includes('--no-ort')) {
    console.log('\n### onnxruntime per map (npm run bench -- ort)\n');
    await (await import('./ort.bench.ts')).run(args.filter((a) => a !== '--no-ort'));
  }
}

/**
 * The further layers of one walk (CamRequest.deepLayers): one request for layer2 alone
 * against one for layer2 + layer3 + layer4, per method and executor, alternating.
 */
async function layerCost(graph: Graph, x: Float32Array, S: number, reps: number): Promise<void> {
  const executors: { name: string; run: (req: CamRequest) => Promise<unknown>; dispose: () => Promise<void> }[] = [];
  const tf = new CamModel(graph);
  executors.push({ name: `tfjs-${tfBackendName()}`, run: async (req) => tf.run(x, [S, S], req), dispose: async () => tf.dispose() });
  if (await loadOrt()) {
    const ort = await OrtCamModel.create(graph, { cacheDir: null });
    executors.push({ name: `onnxruntime-cpu (${ort.threads} thr)`, run: (req) => ort.run(x, [S, S], req), dispose: () => ort.dispose() });
  }
  const rows: string[][] = [['method', 'executor', 'layer2 ms', 'layer2+3+4 ms', 'extra (median)', 'extra (min)', 'layer3 alone ms', 'layer4 alone ms']];
  for (const ex of executors) {
    for (const method of ['rcam', 'gradcam'] as const) {
      const reqs: Record<string, CamRequest> = {
        one: { method, layer: 'layer2' },
        three: { method, layer: 'layer2', deepLayers: ['layer3', 'layer4'] },
        l3: { method, layer: 'layer3' },
        l4: { method, layer: 'layer4' },
      };
      const t = new Map<string, number[]>(Object.keys(reqs).map((k) => [k, []]));
      for (const req of Object.values(reqs)) await ex.run(req); // warm-up / compile
      for (let r = 0; r < reps; r++) {
        for (const [k, req] of Object.entries(reqs)) {
          const t0 = performance.now();
          await ex.run(req);
          t.get(k)!.push(performance.now() - t0);
        }
      }
      const m = (k: string) => median(t.get(k)!);
      const lo = (k: string) => Math.min(...t.get(k)!);
      const pct = (a: number, b: number) => `${(((a - b) / b) * 100).toFixed(1)} %`;
      rows.push([method, ex.name, m('one').toFixed(0), m('three').toFixed(0), pct(m('three'), m('one')), pct(lo('three'), lo('one')), m('l3').toFixed(0), m('l4').toFixed(0)]);
    }
    await ex.dispose();
  }
  console.log(`\nfurther layers from one walk: layer2 alone vs layer2 + layer3 + layer4 in one request (ResNet-50 ${S}×${S}, ${reps} reps alternating, medians; extra also from the fastest run of each)\n`);
  console.log(table(rows));
}

function time(f: () => unknown): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

function table(rows: string[][]): string {
  const w = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(w[i])).join(' | ')} |`;
  return [line(rows[0]), `|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}
