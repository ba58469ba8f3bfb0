// `cam --model FILE --image FILE [...]`: one CAM for one image, in-process.
// Writes PREFIX_cam.npy (float32 raw map at feature resolution, h×w) and PREFIX_map.npy
// (min-max normalised, bilinear with half-pixel centres to the model input size) and
// prints a summary (JSON with --json): backend, predicted, top5, timings in ms. With
// --deep-layers the same walk also gives the maps of deeper layers, written as
// PREFIX_<layer>_cam.npy and PREFIX_<layer>_map.npy. `--method clrp --layer input` gives CLRP's
// pixel map (both files at the input size).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CliError, flagBool, flagNumber, flagString } from '../args.ts';
import type { Command } from '../command.ts';
import { encodeNpyFloat32 } from '../../masks/npy.ts';
import { assertFinite, CAM_METHODS, createCamExecutor, displayMap, executorLabel, isCamMethod, loadModel, logitsTensor, preprocessFile, probabilities, readPreprocessFor, type CamRequest, type CamResult, type TargetMap } from '../../engine/index.ts';
import { DEFAULT_CAM_LAYER } from '../../contract/generation.ts';

export const cam: Command = {
  name: 'cam',
  usage: 'cam --model FILE --image FILE [--layer layer2|input] [--deep-layers layer3,layer4] [--method rcam] [--class K] [--size S] [--repeat N] [--out PREFIX] [--json]',
  summary: `one saliency map (${CAM_METHODS.join('|')}) → PREFIX_cam.npy, PREFIX_map.npy`,
  booleans: ['json', 'relu'],
  async run(args) {
    const modelFile = flagString(args, 'model');
    const imageFile = flagString(args, 'image');
    if (!modelFile || !imageFile) throw new CliError(`usage: ${cam.usage}`);
    const method = flagString(args, 'method') ?? 'rcam';
    if (!isCamMethod(method)) throw new CliError(`--method must be one of ${CAM_METHODS.join(', ')}, got '${method}'`);
    const layer = flagString(args, 'layer') ?? DEFAULT_CAM_LAYER;
    const cls = flagNumber(args, 'class');
    if (cls !== undefined && !(Number.isInteger(cls) && cls >= 0)) throw new CliError(`--class must be a 0-based output index, got ${cls}`);
    const size = flagNumber(args, 'size');
    if (size !== undefined && !(Number.isInteger(size) && size > 0)) throw new CliError(`--size must be a positive integer, got ${size}`);
    const repeat = flagNumber(args, 'repeat') ?? 0;
    if (!(Number.isInteger(repeat) && repeat >= 0)) throw new CliError(`--repeat must be a non-negative integer, got ${repeat}`);
    const init = flagString(args, 'init');
    if (init !== undefined && init !== 'clrp' && init !== 'onehot') throw new CliError(`--init must be clrp or onehot, got '${init}'`);
    const prefix = flagString(args, 'out') ?? path.basename(imageFile, path.extname(imageFile));
    const deepFlag = flagString(args, 'deep-layers');
    const deepLayers = deepFlag === undefined ? undefined : deepFlag.split(',').map((l) => l.trim());
    if (deepLayers?.some((l) => !/^[\w.:/-]+$/.test(l))) throw new CliError(`--deep-layers must be a comma-separated list of layer names, got '${deepFlag}'`);

    const t0 = performance.now();
    const graph = await loadModel(modelFile);
    const load_ms = performance.now() - t0;
    // a copy: without a preprocess.json this is the shared IMAGENET default, which --size must not change
    const pre = { ...(await readPreprocessFor(modelFile)) };
    if (size !== undefined) pre.size = [size, size];
    const img = await preprocessFile(imageFile, pre);
    const req: CamRequest = {
      method,
      layer,
      deepLayers,
      targets: cls === undefined ? undefined : [cls],
      init: init as CamRequest['init'],
      relu: flagBool(args, 'relu') || undefined,
      scoreActivation: pre.output,
    };
    // onnxruntime when it loads, else TF.js on its best backend (RS_EXECUTOR / RS_BACKEND override)
    const model = await createCamExecutor(graph);
    try {
      const first = await model.run(img.data, img.size, req);
      // NaN scores would print as null: say so instead, naming what was not finite
      assertFinite(`${imageFile} through ${modelFile}`, {
        logits: first.logits,
        layers: [{ layer, maps: first.maps, targets: first.maps.map((m) => m.target) }, ...first.deep.map((d) => ({ layer: d.layer, maps: d.maps, targets: d.maps.map((m) => m.target) }))],
      });
      const backend = executorLabel(first.timings);
      const repeats: CamResult[] = [];
      if (repeat > 0) {
        await model.run(img.data, img.size, req); // warm-up
        for (let i = 0; i < repeat; i++) repeats.push(await model.run(img.data, img.size, req));
      }
      const m = first.maps[0];
      const files = await writeMaps(m, prefix, img.size);
      const deep = [];
      for (const d of first.deep) {
        const dm = d.maps[0];
        deep.push({ layer: d.layer, layer_tensor: d.layerTensor, cam_shape: [dm.h, dm.w], files: await writeMaps(dm, `${prefix}_${d.layer.replace(/[^\w-]/g, '_')}`, img.size) });
      }
      const names = await classNames(modelFile);
      const outAct = logitsTensor(graph).activation;
      const probs = probabilities(first.logits, pre.output ?? (outAct === 'none' ? 'softmax' : outAct));
      const order = Array.from(first.logits.keys()).sort((a, b) => first.logits[b] - first.logits[a]);
      const summary = {
        backend,
        model: modelFile,
        image: imageFile,
        method,
        layer,
        layer_tensor: first.layerTensor,
        target: m.target,
        predicted: order[0],
        top5: order.slice(0, 5).map((k) => ({ class: k, ...(names[k] ? { name: names[k] } : {}), logit: round(first.logits[k]), score: round(probs[k]) })),
        cam_shape: [m.h, m.w],
        input_size: img.size,
        files,
        ...(deep.length ? { deep } : {}),
        timings: {
          load_ms: round(load_ms, 1),
          forward_ms: round(first.timings.forward_ms, 1),
          map_ms: round(first.timings.map_ms, 1),
          ...(repeat > 0
            ? {
                repeat,
                // one whole map per repeat: its forward + the walk / map
                map_median_ms: round(median(repeats.map((r) => r.timings.forward_ms + r.timings.map_ms)), 1),
                forward_median_ms: round(median(repeats.map((r) => r.timings.forward_ms)), 1),
              }
            : {}),
        },
      };
      if (flagBool(args, 'json')) console.log(JSON.stringify(summary, null, 2));
      else {
        console.log(`${method} at ${layer} (${first.layerTensor}), class ${m.target}${names[m.target] ? ` (${names[m.target]})` : ''}, map ${m.h}×${m.w} → ${summary.files.cam}, ${summary.files.map}`);
        for (const d of deep) console.log(`  and at ${d.layer} (${d.layer_tensor}), map ${d.cam_shape.join('×')} → ${d.files.cam}, ${d.files.map}`);
        console.log(`top5: ${summary.top5.map((t) => `${t.class}${t.name ? ` ${t.name}` : ''} ${t.score}`).join(', ')}`);
        console.log(`backend ${backend}: ${Object.entries(summary.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`);
      }
      return 0;
    } finally {
      await model.dispose();
    }
  },
};

async function classNames(modelFile: string): Promise<string[]> {
  // beside the model file, inside a model folder, or one level up (model/tfjs/model.json)
  for (const dir of [path.dirname(modelFile), modelFile, path.dirname(path.dirname(modelFile))]) {
    const text = await readFile(path.join(dir, 'classes.txt'), 'utf8').catch(() => null);
    if (text !== null) return text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  }
  return [];
}

/** the raw map and the display map of one target as .npy files */
async function writeMaps(m: TargetMap, prefix: string, size: [number, number]): Promise<{ cam: string; map: string }> {
  const files = { cam: `${prefix}_cam.npy`, map: `${prefix}_map.npy` };
  await writeFile(files.cam, encodeNpyFloat32(m.data, [m.h, m.w]));
  await writeFile(files.map, encodeNpyFloat32(displayMap(m.data, m.h, m.w, size[0], size[1], m.reluAfterResize), size));
  return files;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** 6 significant digits for scores; `ms` timings to 0.1 */
function round(v: number, ms?: 1): number {
  return ms ? Math.round(v * 10) / 10 : Number(v.toPrecision(6));
}
