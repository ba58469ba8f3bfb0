// The engine's own path on the committed demo model: loadModel (ONNX importer, and the TF.js
// layers importer on the tfjs/ copy) + the TF.js forward executor reproduce the logits the
// training script stored. The ONNX file is a genuine torch.onnx.export: BN kept
// (TrainingMode.PRESERVE) and `Identity` nodes for de-duplicated initializers.
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../../src/engine/load.ts';
import { forward } from '../../../src/engine/tfjs/forward.ts';
import { sceneTensor } from '../../../demo/tools/demo-model.ts';
import { expected, MODEL, pre, useDemoModel } from './model-fixture.ts';

const demo = useDemoModel();

async function checkLogits(file: string): Promise<void> {
  const graph = await loadModel(file);
  const x = tf.concat(expected.scenes.map((e) => sceneTensor(demo.gen.sceneAt(e.index).rgb, 128, pre)));
  const y = forward(graph, x as tf.Tensor4D);
  const got = (await y.array()) as number[][];
  tf.dispose([x, y]);
  for (const [k, e] of expected.scenes.entries()) {
    for (let c = 0; c < e.logits.length; c++) expect(Math.abs(got[k][c] - e.logits[c])).toBeLessThan(1e-3);
  }
}

describe('demo model through the engine', () => {
  it('classifier.onnx: loadModel + forward give the stored logits', async () => {
    await checkLogits(path.join(MODEL, 'classifier.onnx'));
  });

  it('tfjs/model.json: loadModel + forward give the stored logits', async () => {
    await checkLogits(path.join(MODEL, 'tfjs', 'model.json'));
  });
});
