// Writes the TF.js layers copy of the trained classifier (demo/model/tfjs/model.json +
// weights.bin, Keras ResNet layer names) from demo/model/classifier.onnx, then loads it
// back with tf.loadLayersModel and checks it reproduces expected-logits.json.
//   npx tsx demo/tools/write-tfjs.ts
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { loadModel } from '../../src/engine/load.ts';
import { graphToKeras, saveLayersModel } from '../../test/helpers/serialize.ts';
import { createSceneGenerator } from '../scenes/generator.ts';
import { loadLayersModelFromDir, sceneTensor, type ExpectedLogits, type Preprocess } from './demo-model.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const MODEL_DIR = path.join(ROOT, 'demo', 'model');

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  // torch's export holds Identity nodes over de-duplicated initializers (see README);
  // the ONNX importer aliases them
  const graph = await loadModel(path.join(MODEL_DIR, 'classifier.onnx'));
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
