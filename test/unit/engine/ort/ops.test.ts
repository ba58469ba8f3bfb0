// The ONNX emission of conv2dTranspose against float64 loops, for every geometry ResNet and
// VGG use and some they don't: stride 1 (flipped-kernel Conv), strided with a host weight
// (polyphase Convs, interleaved; a 1×1 kernel by zero insertion) and the ConvTranspose
// fallback (odd sizes, dilation). Batch 2, NHWC in and out, run by onnxruntime.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildModelBytes, tensorValueInfo } from '../../../../src/engine/onnx/build.ts';
import { Emitter, OPSET } from '../../../../src/engine/ort/emitter.ts';
import { OnnxOps } from '../../../../src/engine/ort/ops.ts';
import { convEach } from '../naive/reference.ts';
import { CONV_TRANSPOSE_GEOMETRIES, randArray, transposeCase } from '../naive/geometries.ts';
import { relErr } from '../setup.ts';

const rand = randArray;

describe('onnx conv2dTranspose equals the adjoint of conv2d', () => {
  it.each(CONV_TRANSPOSE_GEOMETRIES)('k$k s$s p$p d$d in $h', async (g) => {
    const { h, ci, co } = g;
    const { wData, shape, pads, geo, ref, out } = transposeCase(g);
    const batch = 2;
    const dy = rand(out.d.length * batch, 2);
    const want = new Float64Array(ref.d.length * batch);
    for (let b = 0; b < batch; b++) {
      const off = b * out.d.length;
      convEach(ref, shape, geo.strides, pads, geo.dilations, (o, i, wi) => {
        if (i >= 0) want[b * ref.d.length + i] += dy[off + o] * wData[wi];
      });
    }

    const e = new Emitter();
    const ops = new OnnxOps(e);
    const x = ops.value('dy', [-1, out.h, out.w, co], [0, 1, 2, 3]);
    const y = ops.conv2dTranspose(x, ops.fromArray(wData, shape), geo, [h, h]);
    e.node('Identity', [ops.named(y, [0, 1, 2, 3])], {}, 'y');
    const bytes = buildModelBytes({
      nodes: e.nodes,
      initializers: e.initializers,
      inputs: [tensorValueInfo('dy', ['N', out.h, out.w, co])],
      outputs: [tensorValueInfo('y', ['N', h, h, ci])],
      graphName: 't',
      opset: OPSET,
      producer: 'test',
    });
    const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
    const got = (await session.run({ dy: new ort.Tensor('float32', dy, [batch, out.h, out.w, co]) })).y.data as Float32Array;
    await session.release();
    expect(got.length).toBe(want.length);
    expect(relErr(got, want)).toBeLessThan(1e-5);
  });
});
