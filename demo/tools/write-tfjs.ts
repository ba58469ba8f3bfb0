// Writes the TF.js layers copy of the trained classifier (demo/model/tfjs/model.json +
// weights.bin, Keras ResNet layer names) from demo/model/classifier.onnx, then loads it
// back with tf.loadLayersModel and checks it reproduces expected-logits.json.
//   npx tsx demo/tools/write-tfjs.ts
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { importOnnx } from '../../src/engine/importers/onnx.ts';
import { decodeModel, encodeModel } from '../../src/engine/onnx/proto.ts';
import { graphToKeras, saveLayersModel } from '../../test/helpers/serialize.ts';
import { createSceneGenerator } from '../../src/scenes/generator.ts';
import { loadLayersModelFromDir, sceneTensor, type ExpectedLogits, type Preprocess } from './demo-model.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MODEL_DIR = path.join(ROOT, 'demo', 'model');

/**
 * torch.onnx.export deduplicates equal initializers and re-creates the duplicates with
 * `Identity` nodes reading the kept one. Our ResNet has such a pair in every projection
 * block: `downsample.1.bias` and `bn2.bias` receive identical gradients (both are added
 * straight into the same sum), start at 0, and so stay bit-equal through training. This
 * turns each Identity-of-an-initializer back into a plain initializer so the IR importer
 * sees ordinary BatchNormalization parameters.
 */
function inlineIdentityInitializers(bytes: Uint8Array): Uint8Array {
  const model = decodeModel(bytes);
  const g = model.graph!;
  const inits = new Map((g.initializer ?? []).map((t) => [t.name!, t]));
  const keep = [];
  for (const n of g.node ?? []) {
    const src = n.opType === 'Identity' && n.input?.length === 1 ? inits.get(n.input[0]) : undefined;
    if (src && n.output?.length === 1) {
      const copy = { ...src, name: n.output[0] };
      g.initializer!.push(copy);
      inits.set(n.output[0], copy);
    } else keep.push(n);
  }
  g.node = keep;
  // a plain Uint8Array copy: protobufjs hands Node Buffers back, whose slice() is a view
  return new Uint8Array(encodeModel(model));
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const onnxFile = path.join(MODEL_DIR, 'classifier.onnx');
  const graph = importOnnx(inlineIdentityInitializers(new Uint8Array(await readFile(onnxFile))), onnxFile);
  console.log('IR ops:', Object.entries(graph.nodes.reduce<Record<string, number>>((m, n) => ({ ...m, [n.op]: (m[n.op] ?? 0) + 1 }), {})).map(([k, v]) => `${k}×${v}`).join(' '));
  const keras = graphToKeras(graph);
  const file = await saveLayersModel(keras, path.join(MODEL_DIR, 'tfjs'));
  keras.dispose();
  console.log('wrote', file);

  const model = await loadLayersModelFromDir(path.join(MODEL_DIR, 'tfjs'));
  const pre = JSON.parse(await readFile(path.join(MODEL_DIR, 'preprocess.json'), 'utf8')) as Preprocess;
  const expected = JSON.parse(await readFile(path.join(MODEL_DIR, 'expected-logits.json'), 'utf8')) as ExpectedLogits;
  const gen = await createSceneGenerator(expected.generator);
  let worst = 0;
  for (const e of expected.scenes) {
    const x = sceneTensor(gen.sceneAt(e.index).rgb, gen.options.size, pre);
    const y = model.predict(x) as tf.Tensor;
    const got = Array.from(await y.data());
    tf.dispose([x, y]);
    for (let c = 0; c < got.length; c++) worst = Math.max(worst, Math.abs(got[c] - e.logits[c]));
  }
  console.log(`tf.loadLayersModel copy: max |logit − expected| = ${worst.toExponential(2)} over ${expected.scenes.length} scenes`);
  if (!(worst < 1e-3)) process.exitCode = 1;
}

await main();
