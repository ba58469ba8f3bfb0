// onnxruntime as the independent ONNX oracle: runs a model on an NHWC tf tensor (transposed
// to NCHW) and returns the output as a tf tensor (4-D outputs transposed back to NHWC).
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';

export async function runOrt(bytes: Uint8Array, nhwc: tf.Tensor4D): Promise<tf.Tensor> {
  const session = await ort.InferenceSession.create(bytes);
  const nchw = tf.transpose(nhwc, [0, 3, 1, 2]);
  const feed = new ort.Tensor('float32', nchw.dataSync() as Float32Array, nchw.shape);
  nchw.dispose();
  const out = (await session.run({ [session.inputNames[0]]: feed }))[session.outputNames[0]];
  await session.release();
  const t = tf.tensor(out.data as Float32Array, out.dims as number[]);
  if (t.rank !== 4) return t;
  const r = tf.transpose(t, [0, 2, 3, 1]);
  t.dispose();
  return r;
}
