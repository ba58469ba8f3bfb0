// The compiled graphs are valid ONNX: every node is a standard operator of the default
// domain at the declared opset (checked from the protobuf with onnx-proto), onnxruntime
// accepts them (session creation runs its graph resolution and type/shape inference), and
// the outputs have the shapes the inputs promise for several target-row batch sizes, with
// and without further layers.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { decodeModel, int64 } from '../../../../src/engine/onnx/proto.ts';
import { OPSET } from '../../../../src/engine/ort/emitter.ts';
import { IO, compileCam, compileForward, compileScoreCamForward, deepMapName } from '../../../../src/engine/ort/compile.ts';
import type { WalkMethod } from '../../../../src/engine/cams/methods.ts';
import { walkSpec } from '../../../../src/engine/cams/walk-cam.ts';
import { resolveLayer } from '../../../../src/engine/layer-names.ts';
import { randomInput, resnet } from '../../../helpers/models.ts';
import { SIZE, mixedNet } from './helpers.ts';

/** ONNX default-domain operators and the opset that introduced (or last changed) them, from the ONNX operator docs */
const STANDARD_OPS: Record<string, number> = {
  Add: 14, Sub: 14, Mul: 14, Div: 14, Min: 13, Max: 13, Relu: 14, Sigmoid: 13, Softmax: 13,
  Equal: 13, Greater: 13, Where: 16, Cast: 13, Identity: 16, Reshape: 14, Transpose: 13,
  Conv: 11, ConvTranspose: 11, MatMul: 13, MaxPool: 12, AveragePool: 11, Pad: 13,
  Slice: 13, Concat: 13, ReduceSum: 13, ReduceMean: 13, ReduceMax: 13, ReduceMin: 13,
  ArgMax: 13, OneHot: 11, Mod: 13, Expand: 13, Shape: 15, ConstantOfShape: 9,
  ScatterElements: 16, Resize: 13,
};

function checkOps(bytes: Uint8Array): Set<string> {
  const model = decodeModel(bytes);
  expect(model.opsetImport?.map((o) => [o.domain ?? '', int64(o.version)])).toEqual([['', OPSET]]);
  const used = new Set<string>();
  for (const node of model.graph?.node ?? []) {
    expect(node.domain ?? '').toBe('');
    const since = STANDARD_OPS[node.opType ?? ''];
    expect(since, `op ${node.opType}`).toBeDefined();
    expect(since).toBeLessThanOrEqual(OPSET);
    used.add(node.opType as string);
  }
  return used;
}

describe('compiled graphs pass the model checks', () => {
  const cases = [
    { graph: resnet(18, { width: 4, size: SIZE, classes: 6, seed: 5 }), layer: 'layer2', deep: [] as string[] },
    { graph: resnet(18, { width: 4, size: SIZE, classes: 6, seed: 5 }), layer: 'layer2', deep: ['layer4', 'layer3'] },
    { graph: mixedNet(), layer: 'target', deep: [] },
  ];
  it.each(cases.flatMap((c) => (['rcam', 'gradcam', 'gradcampp', 'layercam'] as WalkMethod[]).map((method) => ({ ...c, method }))))(
    '$method on $graph.nodes.length-node graph at $layer + $deep',
    async ({ graph, layer, deep, method }) => {
      const layerTensor = resolveLayer(graph, layer);
      const deepTensors = deep.map((l) => resolveLayer(graph, l));
      const compiled = compileCam(graph, { ...walkSpec({ method, layer }, layerTensor, deepTensors), hw: [SIZE, SIZE] });
      checkOps(compiled.bytes);
      const session = await ort.InferenceSession.create(compiled.bytes);
      const mapNames = [IO.map as string, ...deep.map((_, i) => deepMapName(i))];
      expect([...session.inputNames].sort()).toEqual([IO.auto, IO.image, IO.rows].sort());
      expect([...session.outputNames].sort()).toEqual([IO.logits, IO.target, ...mapNames].sort());
      const image = new ort.Tensor('float32', randomInput([1, SIZE, SIZE, 3], 2), [1, SIZE, SIZE, 3]);
      for (const rows of [1, 3]) {
        const out = await session.run({
          [IO.image]: image,
          [IO.rows]: new ort.Tensor('float32', new Float32Array(rows * compiled.classes).fill(0.1), [rows, compiled.classes]),
          [IO.auto]: new ort.Tensor('float32', new Float32Array(rows).fill(1), [rows, 1]),
        });
        expect(out[IO.map].dims).toEqual([rows, ...compiled.featureHW]);
        // stride 32 and 16 of a 32-px input
        deep.forEach((l, i) => expect(out[deepMapName(i)].dims).toEqual(l === 'layer4' ? [rows, 1, 1] : [rows, 2, 2]));
        expect(out[IO.logits].dims).toEqual([1, compiled.classes]);
        expect(out[IO.target].dims).toEqual([1, 1]);
        for (const n of mapNames) expect((out[n].data as Float32Array).every(Number.isFinite)).toBe(true);
      }
      await session.release();
    },
  );

  it('the forward and Score-CAM graphs too', async () => {
    const graph = mixedNet();
    const layerTensor = resolveLayer(graph, 'target');
    const fwd = compileForward(graph, [SIZE, SIZE], layerTensor);
    const masked = compileScoreCamForward(graph, [SIZE, SIZE], fwd.featureHW, 'softmax');
    const used = new Set([...checkOps(fwd.bytes), ...checkOps(masked.bytes)]);
    expect(used.has('Resize')).toBe(true);
    const s1 = await ort.InferenceSession.create(fwd.bytes);
    const s2 = await ort.InferenceSession.create(masked.bytes);
    const image = new ort.Tensor('float32', randomInput([1, SIZE, SIZE, 3], 2), [1, SIZE, SIZE, 3]);
    const o1 = await s1.run({ [IO.image]: image });
    expect(o1[IO.activation].dims).toEqual([1, fwd.channels, ...fwd.featureHW]);
    expect(o1[IO.target].dims).toEqual([1, 1]);
    const o2 = await s2.run({ [IO.image]: image, [IO.channels]: new ort.Tensor('float32', new Float32Array(4 * fwd.featureHW[0] * fwd.featureHW[1]).map((_, i) => i % 7), [4, 1, ...fwd.featureHW]) });
    expect(o2[IO.scores].dims).toEqual([4, fwd.classes]);
    // softmax scores: each row sums to 1
    const p = o2[IO.scores].data as Float32Array;
    for (let j = 0; j < 4; j++) expect(p.slice(j * fwd.classes, (j + 1) * fwd.classes).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    await s1.release();
    await s2.release();
  });
});
