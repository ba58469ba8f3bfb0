// ONNX → engine IR: the importer's door. Reads the ModelProto with onnx-proto (external data
// confined to the model's folder) and hands it to the walk in onnx/importer.ts, which converts
// NCHW/OIHW/[out,in] to the IR's NHWC/HWIO/[in,out] through one registry entry per op family
// (onnx/ops/) and names nodes after the torch module path (onnx/names.ts). An op no entry
// converts fails naming the node, its type and the supported types.
//
// Which export to use (torch ≥ 1.13):
//   exact paper maps:  model.eval(); torch.onnx.export(model, x, 'm.onnx', opset_version=13,
//                        training=torch.onnx.TrainingMode.PRESERVE,
//                        input_names=['input'], dynamic_axes={'input': {0: 'batch'}})
//     BN stays a BatchNormalization node (inference mode, since the model is in eval()).
//   default export (training=TrainingMode.EVAL) folds BN into the convs (W' = s·W, bias b').
//     The z⁺ rule ignores conv biases, so the folded file gives the same R-CAM maps whenever
//     every BN scale s = γ/√(σ²+ε) is positive (it cancels); a negative γ flips W⁺/W⁻ for that
//     channel and the maps differ. A model in train() mode exports BN with training_mode=1:
//     refused with a message saying how to re-export.
import { StudioError } from '../../contract/errors.ts';
import { decodeModel, type ModelProto, type TensorProto } from '../onnx/proto.ts';
import { readConfined } from '../../fs/confine.ts';
import type { Graph } from '../ir.ts';
import { OnnxImporter } from './onnx/importer.ts';

/**
 * `external.dir`: the model's folder, where tensors stored as external data (ONNX's
 * `location` entries) are read from — confined to it; without it such a model is refused.
 */
export function importOnnx(bytes: Uint8Array, file: string, external?: { dir: string }): Graph {
  let model: ModelProto;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: not a readable ONNX model (${(e as Error).message}); the file may be truncated or not ONNX`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) {
    throw new StudioError('BAD_REQUEST', `${file}: ONNX model has no graph nodes; the file may be truncated or not ONNX`);
  }
  for (const t of model.graph.initializer ?? []) if (t.dataLocation === EXTERNAL) t.rawData = externalData(t, file, external?.dir);
  return new OnnxImporter(model, file).run();
}

const EXTERNAL = 1; // TensorProto.DataLocation.EXTERNAL

/**
 * An initializer's bytes from its external-data file: `location` must name a regular file
 * inside the model's folder (onnxruntime refuses anything else at run time, so accepting
 * it here would fail every image later), and offset/length must lie within it.
 */
function externalData(t: TensorProto, file: string, dir: string | undefined): Uint8Array {
  const what = `${file}: tensor ${t.name ?? '(unnamed)'}`;
  if (!dir) throw new StudioError('BAD_REQUEST', `${what} is stored as external data, which needs the model's folder`);
  const entry = new Map((t.externalData ?? []).map((e) => [e.key ?? '', e.value ?? '']));
  const location = entry.get('location');
  if (!location) throw new StudioError('BAD_REQUEST', `${what} is stored as external data without a location`);
  const num = (key: string): number | undefined => {
    const v = entry.get(key);
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new StudioError('BAD_REQUEST', `${what}: external-data ${key} '${v}' is not a byte count`);
    return Number(v);
  };
  return readConfined(dir, location, { what: `${what}: external data ${location}`, offset: num('offset'), length: num('length') });
}
