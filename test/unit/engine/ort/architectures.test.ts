// Miniature ResNeXt, MobileNetV2/V3, EfficientNet, DenseNet, ShuffleNetV2 and ConvNeXt, written as torch.onnx.export
// writes them (BN kept, and BN folded for two of them) and imported back: every method on
// the TF.js executor against the naive float64 reference (R-CAM and CLRP by the spec's rules,
// gradient CAMs by finite differences, Score-CAM by its per-channel loop), and the compiled
// onnxruntime graph against the TF.js executor (r > 0.9999, identical mean+std masks).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph } from '../../../../src/engine/ir.ts';
import { importOnnx } from '../../../../src/engine/importers/onnx.ts';
import { resolveLayer } from '../../../../src/engine/layer-names.ts';
import { CamModel } from '../../../../src/engine/tfjs/cam-model.ts';
import { OrtCamModel } from '../../../../src/engine/ort/cam-model.ts';
import { CAM_METHODS, type TargetMap } from '../../../../src/engine/cams/methods.ts';
import { convnextMini, densenetMini, efficientnetMini, kerasMobilenetMini, MINI_SIZE, mobilenetMini, resnextMini, shufflenetMini } from '../../../helpers/cnn-models.ts';
import { randomInput } from '../../../helpers/models.ts';
import { graphToKeras, graphToOnnx, saveLayersModel, type OnnxExportOptions } from '../../../helpers/serialize.ts';
import { fdLayerGradient, gradientMap, naiveScoreCam } from '../naive/cams.ts';
import { naiveClrp, naiveForward, naiveRcam } from '../naive/reference.ts';
import { relErr, toNT, useBackend } from '../setup.ts';
import { compareMaps, tempDir } from './helpers.ts';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { loadModel } from '../../../../src/engine/load.ts';

beforeAll(() => useBackend('cpu'));
const cacheDir = tempDir('rs-ort-arch-');
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const SIZE = MINI_SIZE;
const input = randomInput([1, SIZE, SIZE, 3], 23);

interface Arch {
  name: string;
  build(): Graph;
  /** the layer name given to the engine (on the imported graph) */
  layer: string;
  /** the same tensor in the graph as built, when the name differs (e.g. layer2 → its stage end) */
  ref?: string;
  fold?: boolean;
  onnx?: OnnxExportOptions;
  /** write it as a TF.js layers model (Keras names) instead of ONNX */
  keras?: boolean;
}

const ARCHS: Arch[] = [
  { name: 'ResNeXt grouped-conv bottlenecks', build: () => resnextMini(), layer: 'layer2.0.relu_2' },
  { name: 'ResNeXt, BN folded', build: () => resnextMini({ negativeGammas: 0 }), layer: 'layer1.0.relu_2', fold: true },
  { name: 'MobileNetV2 inverted residuals (depthwise + ReLU6)', build: () => mobilenetMini(2), layer: 'features.3.add' },
  { name: 'MobileNetV3 (HardSwish, SE with HardSigmoid)', build: () => mobilenetMini(3), layer: 'features.5.add' },
  { name: 'MobileNetV3, BN folded', build: () => mobilenetMini(3, { negativeGammas: 0 }), layer: 'features.3.add', fold: true },
  { name: 'EfficientNet MBConv (SiLU, sigmoid SE)', build: () => efficientnetMini(), layer: 'features.4.0.add' },
  { name: 'DenseNet dense block + transition (concat, avgpool)', build: () => densenetMini(), layer: 'features.transition1.pool' },
  { name: 'DenseNet at layer2 (the transition conv)', build: () => densenetMini(), layer: 'layer2', ref: 'features.transition2.conv' },
  { name: 'ShuffleNetV2 units (split, depthwise, concat, channel shuffle)', build: () => shufflenetMini(), layer: 'layer1', ref: 'stage2.1.shuffle' },
  {
    name: 'ConvNeXt blocks (depthwise 7×7, LayerNorm, per-position MatMul + GELU, layer scale, NHWC transposes)',
    build: () => convnextMini(),
    layer: 'layer2',
    ref: 'features.3.0.add',
    onnx: { pointwiseAsMatMul: true },
  },
  {
    name: 'Keras MobileNetV2 + SE as a TF.js layers model (DepthwiseConv2D, ReLU(6), swish, hard_sigmoid, Multiply, Reshape, LayerNormalization)',
    build: () => kerasMobilenetMini(),
    layer: 'block_3_add',
    keras: true,
  },
  { name: 'the Keras model at layer1 (its stride-4 stage end)', build: () => kerasMobilenetMini(), layer: 'layer1', ref: 'block_3_add', keras: true },
];

async function load(original: Graph, arch: Arch): Promise<Graph> {
  if (!arch.keras) return importOnnx(graphToOnnx(original, { foldBn: arch.fold, ...arch.onnx }), 'mini.onnx');
  const model = graphToKeras(original, { keepNames: true });
  const file = await saveLayersModel(model, path.join(cacheDir, `keras-${ARCHS.indexOf(arch)}`));
  model.dispose();
  return loadModel(file);
}

describe.each(ARCHS)('$name', (arch) => {
  const { build, layer: name, ref } = arch;
  const original = build();
  const layer = ref ?? name;
  let graph: Graph;
  let tfjs: CamModel;
  let ort: OrtCamModel;
  // the naive reference runs on the graph as built in code (before the ONNX round trip)
  const env = naiveForward(original, toNT(input, SIZE, SIZE, 3));
  const logits = env.get(original.output)!.d;
  const target = logits.indexOf(Math.max(...logits));
  const A = env.get(layer)!;
  let grad: Float64Array | null = null;
  const reference = (method: (typeof CAM_METHODS)[number]): Float64Array => {
    if (method === 'rcam') return naiveRcam(original, toNT(input, SIZE, SIZE, 3), layer, target).map;
    if (method === 'clrp') return naiveClrp(original, toNT(input, SIZE, SIZE, 3), layer, target).map;
    if (method === 'scorecam') return naiveScoreCam(original, input, [SIZE, SIZE], A, target);
    return gradientMap(method, A, grad as Float64Array);
  };
  // the finite-difference gradient (two float64 forwards per element of A) once per net, in
  // a hook of its own with room for a loaded machine
  beforeAll(() => {
    // a small step: ReLU6 / HardSwish kinks must not fall inside ±eps
    grad = fdLayerGradient(original, env, layer, target, 1e-7);
  }, 600_000);
  beforeAll(async () => {
    graph = await load(original, arch);
    tfjs = new CamModel(graph);
    ort = await OrtCamModel.create(graph, { cacheDir });
  });
  afterAll(async () => {
    tfjs.dispose();
    await ort.dispose();
  });

  it('the imported file computes the built graph (logits)', () => {
    const got = tfjs.predict(input, [1, SIZE, SIZE, 3]);
    expect(relErr(got, logits)).toBeLessThan(1e-4);
    expect(resolveLayer(graph, name)).toBeTruthy();
  });

  it.each([...CAM_METHODS])('%s: TF.js = naive reference, onnxruntime = TF.js', async (method) => {
    const want = tfjs.run(input, [SIZE, SIZE], { method, layer: name, scoreBatch: 8 });
    const m = want.maps[0];
    expect(m.target).toBe(target);
    expect([m.h, m.w]).toEqual([A.h, A.w]);
    const ref = reference(method);
    expect(Math.max(...ref.map(Math.abs))).toBeGreaterThan(0);
    const refMap: TargetMap = { ...m, data: Float32Array.from(ref) };
    const vsRef = compareMaps(m, refMap);
    expect(vsRef.r).toBeGreaterThan(0.9999);
    expect(vsRef.maskDiff).toBe(0);
    // gradients come from finite differences (≈1e-6 relative); the rest is float32 vs float64
    expect(relErr(m.data, ref)).toBeLessThan(method === 'rcam' || method === 'clrp' || method === 'scorecam' ? 1e-4 : 1e-3);

    const got = await ort.run(input, [SIZE, SIZE], { method, layer: name, scoreBatch: 8 });
    expect(got.layerTensor).toBe(want.layerTensor);
    expect(got.maps[0].target).toBe(target);
    // Grad-CAM++'s α (g² over a per-channel sum of A·g³) amplifies float32 rounding: a pixel
    // within 1e-4 of the threshold may fall either way
    const vsTfjs = compareMaps(got.maps[0], m, method === 'gradcampp' ? 1e-4 : 0);
    expect(vsTfjs.r).toBeGreaterThan(0.9999);
    expect(vsTfjs.maskDiff).toBe(0);
  });
});
