// `npm run bench -- importers [--baseline DIR] [--torchvision DIR]`:
//  1. loadModel on a full-width ResNet-50 (random weights, 25.6 M parameters) written as
//     torch-style ONNX (BN kept / folded) and as a TF.js layers model.json + weights.bin:
//     median of 5 after one warm-up, and the array-buffer memory the loaded graph holds.
//     With --baseline DIR (a checkout of another commit, e.g. `git archive <commit> src test/helpers`
//     unpacked with node_modules linked), the same for that commit's importer, alternating
//     old / new in this run, plus whether both compile the same onnxruntime R-CAM graph and
//     their ms per layer2 map.
//  2. one row per architecture beyond ResNet: the in-code miniatures at 224×224 (always) and
//     the torch.onnx.export files of test/bench/torchvision/export.py (with --torchvision DIR):
//     load ms, layer2 tensor and shape, onnxruntime ms per rcam map (1 thread, median of 5
//     after the compile + warm-up run), the map's multiply-adds and the float32 floor / time.
import { walkSpec } from '../../src/engine/cams/walk-cam.ts';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Graph } from '../../src/engine/ir.ts';
import { describeLayer } from '../../src/engine/layer-names.ts';
import { loadModel } from '../../src/engine/load.ts';
import { compileCam } from '../../src/engine/ort/compile.ts';
import { OrtCamModel } from '../../src/engine/ort/cam-model.ts';
import { loadOrt } from '../../src/engine/ort/session.ts';
import { convnextMini, densenetMini, efficientnetMini, kerasMobilenetMini, mobilenetMini, resnextMini, shufflenetMini } from '../helpers/cnn-models.ts';
import { randomInput, resnet } from '../helpers/models.ts';
import { graphToKeras, graphToOnnx, saveLayersModel } from '../helpers/serialize.ts';
import { convRate, rcamMacs } from './ort/arithmetic.ts';

async function median(fn: () => Promise<unknown>, n = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[n >> 1];
}

const med = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];

function paramMB(g: Graph): number {
  let bytes = 0;
  for (const p of Object.values(g.params)) bytes += p.data.byteLength;
  return bytes / 2 ** 20;
}

interface EngineModules {
  loadModel: typeof loadModel;
  compileCam: typeof compileCam;
  OrtCamModel: typeof OrtCamModel;
  resolveLayer: (g: Graph, name: string) => string;
}

async function engineAt(root: string): Promise<EngineModules> {
  const imp = (p: string) => import(path.join(root, p));
  return {
    loadModel: (await imp('src/engine/load.ts')).loadModel,
    compileCam: (await imp('src/engine/ort/compile.ts')).compileCam,
    OrtCamModel: (await imp('src/engine/ort/cam-model.ts')).OrtCamModel,
    resolveLayer: (await imp('src/engine/layer-names.ts')).resolveLayer,
  };
}

function arg(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export async function run(args: string[]): Promise<void> {
  const baselineDir = arg(args, '--baseline');
  const tvDir = arg(args, '--torchvision');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'rs-bench-importers-'));
  try {
    const g = resnet(50, { width: 64, size: 224, classes: 1000 });
    const files: [string, string][] = [];
    for (const foldBn of [false, true]) {
      const f = path.join(dir, `r50-${foldBn ? 'folded' : 'bn'}.onnx`);
      await writeFile(f, graphToOnnx(g, { foldBn }));
      files.push([`ONNX, BN ${foldBn ? 'folded' : 'kept'}`, f]);
    }
    const model = graphToKeras(g);
    files.push(['TF.js layers', await saveLayersModel(model, path.join(dir, 'tfjs'))]);
    model.dispose();
    const engines: [string, EngineModules][] = [['this commit', await engineAt(path.resolve(import.meta.dirname, '../..'))]];
    if (baselineDir) engines.unshift(['baseline', await engineAt(path.resolve(baselineDir))]);

    console.log(`| ResNet-50 224 (25.6 M params) | file MB | ${engines.map(([n]) => `${n}: loadModel ms (median of 6, ABBA) | ${n}: params MB held`).join(' | ')} |`);
    console.log(`|---|---|${engines.map(() => '---|---').join('|')}|`);
    for (const [label, f] of files) {
      const bytes = label.startsWith('TF.js') ? (await stat(path.join(path.dirname(f), 'weights.bin'))).size : (await stat(f)).size;
      // alternate the engines, 5 rounds each
      const times = engines.map(() => [] as number[]);
      const held: number[] = [];
      for (const [, e] of engines) await e.loadModel(f);
      for (let r = 0; r < 6; r++) {
        for (const k of r % 2 === 0 ? engines.keys() : [...engines.keys()].reverse()) {
          const e = engines[k][1];
          const t = performance.now();
          const graph = await e.loadModel(f);
          times[k].push(performance.now() - t);
          held[k] = paramMB(graph);
        }
      }
      console.log(`| ${label} | ${(bytes / 2 ** 20).toFixed(1)} | ${engines.map((_, k) => `${med(times[k]).toFixed(0)} | ${held[k].toFixed(1)}`).join(' | ')} |`);
    }

    const hw: [number, number] = [224, 224];
    const input = randomInput([1, 224, 224, 3], 5);
    if (engines.length === 2) {
      const graphs = await Promise.all(engines.map(([, e]) => e.loadModel(files[0][1])));
      const compiled = engines.map(([, e], k) => e.compileCam(graphs[k], { ...walkSpec({ method: 'rcam', layer: 'layer2' }, e.resolveLayer(graphs[k], 'layer2'), []), hw }).bytes);
      const same = compiled[0].length === compiled[1].length && compiled[0].every((v, i) => v === compiled[1][i]);
      console.log(`\ncompiled ResNet-50 rcam layer2 onnxruntime graph: ${compiled[1].length} bytes, ${same ? 'byte-identical to' : 'DIFFERENT from'} the baseline's`);
      const models = await Promise.all(engines.map(([, e], k) => e.OrtCamModel.create(graphs[k], { cacheDir: null, threads: 1 })));
      const times = engines.map(() => [] as number[]);
      for (const m of models) await m.run(input, hw, { method: 'rcam', layer: 'layer2' });
      for (let r = 0; r < 8; r++) {
        // ABBA order: neither engine always runs first
        const order = r % 2 === 0 ? [0, 1] : [1, 0];
        for (const k of order) {
          const m = models[k];
          const t = performance.now();
          await m.run(input, hw, { method: 'rcam', layer: 'layer2' });
          times[k].push(performance.now() - t);
        }
      }
      for (const m of models) await m.dispose();
      console.log(`ResNet-50 rcam layer2 on onnxruntime (1 thread, median of 8 in ABBA order): baseline ${med(times[0]).toFixed(0)} ms, this commit ${med(times[1]).toFixed(0)} ms (ratio ${(med(times[1]) / med(times[0])).toFixed(3)})`);
    }

    const ort = await loadOrt();
    const rate = ort ? await convRate(ort) : NaN;
    console.log(`\nbeyond ResNet: layer2 R-CAM on onnxruntime, 224×224, 1 thread (this core: ${(rate / 1e9).toFixed(1)} GMAC/s)\n`);
    console.log('| model | file MB | loadModel ms | layer2 → tensor (shape) | rcam ms/map | map GMAC | floor / time |');
    console.log('|---|---|---|---|---|---|---|');
    const rows: [string, string][] = [];
    const minis: [string, () => Graph, 'onnx' | 'onnx-matmul' | 'keras'][] = [
      ['ResNeXt (mini)', () => resnextMini(), 'onnx'],
      ['MobileNetV2 (mini)', () => mobilenetMini(2), 'onnx'],
      ['MobileNetV3 (mini)', () => mobilenetMini(3), 'onnx'],
      ['EfficientNet (mini)', () => efficientnetMini(), 'onnx'],
      ['DenseNet (mini)', () => densenetMini(), 'onnx'],
      ['ShuffleNetV2 (mini)', () => shufflenetMini(), 'onnx'],
      ['ConvNeXt (mini)', () => convnextMini(), 'onnx-matmul'],
      ['Keras MobileNetV2 + SE (mini)', () => kerasMobilenetMini(), 'keras'],
    ];
    for (const [label, build, kind] of minis) {
      const ir = { ...build() };
      ir.input = { ...ir.input, shape: [224, 224, 3] };
      const f = path.join(dir, label.replace(/\W+/g, '_'));
      if (kind === 'keras') {
        const km = graphToKeras(ir, { keepNames: true });
        rows.push([label, await saveLayersModel(km, f)]);
        km.dispose();
      } else {
        await writeFile(`${f}.onnx`, graphToOnnx(ir, { pointwiseAsMatMul: kind === 'onnx-matmul' }));
        rows.push([label, `${f}.onnx`]);
      }
    }
    if (tvDir && existsSync(tvDir)) {
      for (const name of readdirSync(tvDir).sort()) {
        for (const kind of ['bn', 'folded']) {
          const f = path.join(tvDir, name, `${name}-${kind}.onnx`);
          if (existsSync(f)) rows.push([`${name} (${kind === 'bn' ? 'BN kept' : 'BN folded'})`, f]);
        }
      }
    }
    for (const [label, f] of rows) {
      try {
        const bytes = f.endsWith('.json') ? (await stat(path.join(path.dirname(f), 'weights.bin'))).size : (await stat(f)).size;
        const loadMs = await median(() => loadModel(f), 3);
        const graph = await loadModel(f);
        const info = describeLayer(graph, 'layer2');
        const m = await OrtCamModel.create(graph, { cacheDir: null, threads: 1 });
        const ms = await median(() => m.run(input, hw, { method: 'rcam', layer: 'layer2' }), 5);
        await m.dispose();
        const macs = rcamMacs(graph, hw, 'layer2');
        const total = macs.forward + macs.walk;
        const floor = (total / rate) * 1000;
        console.log(`| ${label} | ${(bytes / 2 ** 20).toFixed(1)} | ${loadMs.toFixed(0)} | ${info.node ?? info.tensor} (${info.shape.join('×')}) | ${ms.toFixed(0)} | ${(total / 1e9).toFixed(2)} | ${((floor / ms) * 100).toFixed(0)}% |`);
      } catch (e) {
        console.log(`| ${label} | — | — | fails: ${(e as Error).message.slice(0, 200)} | — | — | — |`);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
