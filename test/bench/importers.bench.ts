// `npm run bench -- importers`: time loadModel on a full-width ResNet-50 (random weights,
// 25.6 M parameters) written as torch-style ONNX (BN kept / folded) and as a TF.js layers
// model.json + weights.bin. Median of 5 after one warm-up; the files live in a temp dir.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadModel } from '../../src/engine/load.ts';
import { resnet } from '../helpers/models.ts';
import { graphToKeras, graphToOnnx, saveLayersModel } from '../helpers/serialize.ts';

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

export async function run(_args: string[]): Promise<void> {
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
    console.log('| ResNet-50 224 (25.6 M params) | file MB | loadModel ms (median of 5) |');
    console.log('|---|---|---|');
    for (const [label, f] of files) {
      const bytes = label.startsWith('TF.js') ? (await stat(path.join(path.dirname(f), 'weights.bin'))).size : (await stat(f)).size;
      const ms = await median(() => loadModel(f));
      console.log(`| ${label} | ${(bytes / 2 ** 20).toFixed(1)} | ${ms.toFixed(0)} |`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
