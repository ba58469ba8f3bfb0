// The committed demo model: its files are complete, the ONNX file (run by onnxruntime, an
// independent runtime) and the TF.js layers copy (tf.loadLayersModel) both give the logits
// the training script stored for the first demo scenes, regenerated here bit-identically.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { loadLayersModelFromDir, sceneTensor } from '../../../demo/tools/demo-model.ts';
import { expected, MODEL, pre, useDemoModel } from './model-fixture.ts';

const demo = useDemoModel();

describe('demo model', () => {
  it('preprocess.json describes the input', () => {
    expect(pre).toMatchObject({ size: [128, 128], channels: 'RGB', resize: 'bilinear', output: 'sigmoid' });
    expect(pre.scale).toBeCloseTo(1 / 255, 15);
    expect(pre.mean).toHaveLength(3);
    expect(pre.std.every((s) => s > 0)).toBe(true);
  });

  it('regenerates the scenes the expectations were computed on', () => {
    expect(expected.scenes.length).toBeGreaterThanOrEqual(4);
    for (const e of expected.scenes) {
      const s = demo.gen.sceneAt(e.index);
      expect(createHash('sha256').update(s.rgb).digest('hex')).toBe(e.rgbSha256);
      expect(s.tags).toEqual(e.tags);
    }
  });

  it('classifier.onnx gives the stored logits (onnxruntime)', async () => {
    const session = await ort.InferenceSession.create(readFileSync(path.join(MODEL, 'classifier.onnx')));
    try {
      for (const e of expected.scenes) {
        const nhwc = sceneTensor(demo.gen.sceneAt(e.index).rgb, 128, pre);
        const nchw = tf.transpose(nhwc, [0, 3, 1, 2]);
        const feed = new ort.Tensor('float32', nchw.dataSync() as Float32Array, [1, 3, 128, 128]);
        tf.dispose([nhwc, nchw]);
        const out = (await session.run({ [session.inputNames[0]]: feed }))[session.outputNames[0]];
        const got = Array.from(out.data as Float32Array);
        for (let c = 0; c < got.length; c++) expect(Math.abs(got[c] - e.logits[c])).toBeLessThan(1e-3);
      }
    } finally {
      await session.release();
    }
  });

  it('the TF.js layers copy loads with tf.loadLayersModel and gives the stored logits', async () => {
    const model = await loadLayersModelFromDir(path.join(MODEL, 'tfjs'));
    expect(model.layers.map((l) => l.name)).toContain('conv3_block2_out');
    for (const e of expected.scenes) {
      const x = sceneTensor(demo.gen.sceneAt(e.index).rgb, 128, pre);
      const y = model.predict(x) as tf.Tensor;
      const got = Array.from(await y.data());
      tf.dispose([x, y]);
      for (let c = 0; c < got.length; c++) expect(Math.abs(got[c] - e.logits[c])).toBeLessThan(1e-3);
    }
    model.dispose();
  });

  it('the classifier recognises the tagged classes of the stored scenes', () => {
    // not a benchmark, a sanity check of the committed weights: the top logits name the tags
    let hits = 0;
    let total = 0;
    for (const e of expected.scenes) {
      const top = e.logits.map((v, c) => [v, c] as const).sort((a, b) => b[0] - a[0]).slice(0, e.tags.length).map(([, c]) => c);
      hits += top.filter((c) => e.tags.includes(c)).length;
      total += e.tags.length;
    }
    expect(hits / total).toBeGreaterThanOrEqual(0.75);
  });
});
