// Loads a user's model file into the engine IR, detecting the format: an ONNX file, or a
// TF.js layers model.json (its weight shards are read from the same folder). A folder
// holding one model.json also works.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../contract/errors.ts';
import { readConfined } from '../fs/confine.ts';
import type { Graph } from './ir.ts';
import { importOnnx } from './importers/onnx.ts';
import { importTfjsLayers } from './importers/tfjs-layers.ts';
import { decodeWeights, groupBytes, type WeightGroup } from './importers/tfjs-weights.ts';

/** protobuf's own limit for one ONNX file; a model.json is far smaller */
const MAX_MODEL_BYTES = 2 ** 31;

export async function loadModel(file: string): Promise<Graph> {
  let target = file;
  const st = await stat(file).catch(() => null);
  if (!st) throw new StudioError('NOT_FOUND', `${file}: model file not found`);
  if (st.isDirectory()) {
    target = path.join(file, 'model.json');
    if (!(await stat(target).catch(() => null))) throw new StudioError('NOT_FOUND', `${file}: folder has no model.json`);
  }
  // the user named this file; it still must be a regular file of a sane size (not /dev/zero)
  const bytes = readConfined(path.dirname(target), path.basename(target), { what: `model file ${target}`, maxBytes: MAX_MODEL_BYTES });
  const ext = path.extname(target).toLowerCase();
  const external = { dir: path.dirname(target) };
  if (ext === '.onnx') return importOnnx(bytes, target, external);
  if (ext === '.json' || looksLikeJson(bytes)) return loadTfjs(bytes, target);
  return importOnnx(bytes, target, external);
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b; // '{'
  }
  return false;
}

async function loadTfjs(bytes: Uint8Array, file: string): Promise<Graph> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof json !== 'object' || json === null) throw new StudioError('BAD_REQUEST', `${file}: not a TF.js model.json`);
  const obj = json as Record<string, unknown>;
  const topo = obj.modelTopology as Record<string, unknown> | undefined;
  if (obj.format === 'graph-model' || (topo && Array.isArray(topo.node))) {
    throw new StudioError('BAD_REQUEST', `${file}: a TF.js graph model; only layers models are supported (tensorflowjs_converter --output_format=tfjs_layers_model)`);
  }
  if (!topo) throw new StudioError('BAD_REQUEST', `${file}: no modelTopology; not a TF.js layers model.json`);
  const manifest = (obj.weightsManifest ?? []) as WeightGroup[];
  if (!Array.isArray(manifest)) throw new StudioError('BAD_REQUEST', `${file}: weightsManifest is not a list`);
  const dir = path.dirname(file);
  const groups: Uint8Array[] = [];
  for (const group of manifest) {
    const parts: Uint8Array[] = [];
    const need = groupBytes(group);
    for (const p of group.paths ?? []) {
      if (typeof p !== 'string') throw new StudioError('BAD_REQUEST', `${file}: a weightsManifest path is not a string`);
      parts.push(readConfined(dir, p, { what: `${file}: weight shard ${p}`, maxBytes: need }));
    }
    groups.push(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }
  return importTfjsLayers(json, decodeWeights(manifest, groups, file), file);
}
