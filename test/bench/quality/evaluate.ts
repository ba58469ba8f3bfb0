// The quality benchmark's measuring loop: held-out scenes (t10k items only) → the demo
// classifier's CAMs for every tagged class → pseudo-masks exactly as the batch pipeline
// makes them (float16-stored maps, src/masks camsToLabels: normalise at feature resolution,
// bilinear upsample, argmax over the tags vs τ_bg) → one confusion matrix per τ_bg, plus
// baselines, localisation IoU and the classifier's own quality on the same scenes.
import { argmaxMaps, camFromFloat16, upsampleCams, type ClassCam, type CamNormalisation } from '../../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { displayMap } from '../../../src/engine/cams/display.ts';
import type { CamMethod, CamRequest } from '../../../src/engine/cams/methods.ts';
import { createCamExecutor, type CamExecutor } from '../../../src/engine/executor.ts';
import { loadModel } from '../../../src/engine/load.ts';
import { preprocessRgb, readPreprocessFor, type PreprocessConfig } from '../../../src/engine/preprocess.ts';
import { createSceneGenerator, type Scene } from '../../../demo/scenes/generator.ts';
import { heldOutScenes } from '../../../demo/scenes/presets.ts';
import { NUM_CLASSES } from '../../../demo/scenes/classes.ts';
import { ConfusionMatrix } from '../../../src/masks/confusion.ts';
import { ThresholdSweep, tauRange } from '../metrics/threshold-sweep.ts';
import { MeanAccumulator, binarise, binaryIou, regionOf } from '../metrics/localisation.ts';
import { averagePrecision } from '../metrics/average-precision.ts';

/** a CAM method with its options: rcam with the CLRP start (the default) or the one-hot start */
export type Variant = CamMethod | 'rcam-onehot';
export const VARIANTS: readonly Variant[] = ['rcam', 'rcam-onehot', 'gradcam', 'gradcampp', 'layercam', 'scorecam'];
export const LAYERS = ['layer1', 'layer2', 'layer3', 'layer4'] as const;
/** 'relu-max' is the batch default; 'minmax' the other setting; 'relu-max-f32' skips the float16 storage (rcam only) */
export type NormKey = CamNormalisation | 'relu-max-f32';
/** all scenes; 1 vs ≥ 2 tags; the Score-CAM subset; scenes whose every tag the classifier finds (p ≥ 0.5) or not */
export const GROUPS = ['all', 'single', 'multi', 'sub', 'detected', 'missed'] as const;
export type Group = (typeof GROUPS)[number];
export const LOC_KEYS = ['ofMax25', 'ofMax75', 'top25', 'top75'] as const;
export type LocKey = (typeof LOC_KEYS)[number];

export interface QualityOptions {
  tier: 'flat' | 'textured';
  scenes: number;
  /** Score-CAM runs on scenes 0..scorecamScenes−1 only (the 'sub' group) */
  scorecamScenes: number;
  modelFile: string;
  variants?: readonly Variant[];
  layers?: readonly string[];
  taus?: number[];
  /** centre-box baseline: box side as a fraction of the image side (1 = all-foreground) */
  boxSides?: number[];
  /** scene indices whose maps are kept for the example grid */
  examples?: number[];
  executor?: string;
  progress?: (done: number, total: number) => void;
}

export interface ExampleScene {
  scene: Scene;
  /** variant@layer → float16-stored maps, one per tag (class index = tag + 1) */
  cams: Map<string, ClassCam[]>;
}

export interface QualityResults {
  options: Required<Omit<QualityOptions, 'progress' | 'executor'>>;
  executor: string;
  preprocess: PreprocessConfig;
  /** key `${variant}|${layer}|${norm}|${group}` */
  sweeps: Map<string, ThresholdSweep>;
  /** key `${variant}|${layer}|${group}` (group: all or sub) */
  localisation: Map<string, Record<LocKey, MeanAccumulator>>;
  /** key `${side}|${group}` */
  boxes: Map<string, ConfusionMatrix>;
  sceneCounts: Record<Group, number>;
  classifier: { mAP: number; ap: number[]; tagRecall: number; exactMatch: number };
  examples: ExampleScene[];
  /** ms per scene per variant (all layers together) */
  msPerScene: Map<Variant, MeanAccumulator>;
  seconds: number;
}

export const sweepKey = (v: Variant, layer: string, norm: NormKey, g: Group) => `${v}|${layer}|${norm}|${g}`;
export const locKey = (v: Variant, layer: string, g: Group) => `${v}|${layer}|${g}`;

const K = NUM_CLASSES + 1; // background + 10 classes

function request(v: Variant, layer: string, targets: number[]): CamRequest {
  if (v === 'rcam-onehot') return { method: 'rcam', layer, targets, init: 'onehot' };
  if (v === 'rcam') return { method: 'rcam', layer, targets, init: 'clrp' };
  return { method: v, layer, targets };
}

/** the all-foreground / centre-box prediction: the scene's lowest tag inside a centred square */
export function centreBox(size: number, side: number, tags: readonly number[]): Uint8Array {
  const out = new Uint8Array(size * size);
  if (tags.length === 0) return out;
  const label = Math.min(...tags) + 1;
  const s = Math.round(side * size);
  const o = Math.floor((size - s) / 2);
  for (let y = o; y < o + s; y++) out.fill(label, y * size + o, y * size + o + s);
  return out;
}

export async function evaluateQuality(opts: QualityOptions): Promise<QualityResults> {
  const t0 = performance.now();
  const o = {
    tier: opts.tier,
    scenes: opts.scenes,
    scorecamScenes: Math.min(opts.scorecamScenes, opts.scenes),
    modelFile: opts.modelFile,
    variants: opts.variants ?? VARIANTS,
    layers: opts.layers ?? LAYERS,
    taus: opts.taus ?? tauRange(0.05, 0.95, 0.05),
    boxSides: opts.boxSides ?? [0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0],
    examples: opts.examples ?? [],
  };
  const graph = await loadModel(o.modelFile);
  const pre = await readPreprocessFor(o.modelFile);
  const exec: CamExecutor = await createCamExecutor(graph, { executor: opts.executor });
  const gen = await createSceneGenerator(heldOutScenes(o.tier));

  const sweeps = new Map<string, ThresholdSweep>();
  const sweep = (k: string) => {
    let s = sweeps.get(k);
    if (!s) sweeps.set(k, (s = new ThresholdSweep(K, o.taus)));
    return s;
  };
  const localisation = new Map<string, Record<LocKey, MeanAccumulator>>();
  const loc = (k: string) => {
    let l = localisation.get(k);
    if (!l) localisation.set(k, (l = { ofMax25: new MeanAccumulator(), ofMax75: new MeanAccumulator(), top25: new MeanAccumulator(), top75: new MeanAccumulator() }));
    return l;
  };
  const boxes = new Map<string, ConfusionMatrix>();
  const sceneCounts = Object.fromEntries(GROUPS.map((g) => [g, 0])) as Record<Group, number>;
  const msPerScene = new Map<Variant, MeanAccumulator>(o.variants.map((v) => [v, new MeanAccumulator()]));
  const examples: ExampleScene[] = [];
  const scores: number[][] = Array.from({ length: NUM_CLASSES }, () => []);
  const truth: boolean[][] = Array.from({ length: NUM_CLASSES }, () => []);
  let tagsFound = 0;
  let tagsTotal = 0;
  let exact = 0;

  const S = gen.options.size;
  const N = S * S;
  try {
    for (let i = 0; i < o.scenes; i++) {
      const scene = gen.sceneAt(i);
      const gt = scene.labelMap;
      const x = preprocessRgb(scene.rgb, S, S, pre).data;
      const hw: [number, number] = [pre.size[0], pre.size[1]];

      // the classifier on this scene (logits are the same for every request)
      const logits = await exec.predict(x, [1, hw[0], hw[1], pre.channels === 'GRAY' ? 1 : 3]);
      const prob = Array.from(logits, (v) => (pre.output === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : v));
      let allFound = true;
      let match = true;
      for (let c = 0; c < NUM_CLASSES; c++) {
        const tagged = scene.tags.includes(c);
        scores[c].push(prob[c]);
        truth[c].push(tagged);
        if (tagged) {
          tagsTotal++;
          if (prob[c] >= 0.5) tagsFound++;
          else allFound = false;
        }
        if (tagged !== prob[c] >= 0.5) match = false;
      }
      if (match) exact++;

      const groups: Group[] = ['all', scene.tags.length > 1 ? 'multi' : 'single', allFound ? 'detected' : 'missed'];
      if (i < o.scorecamScenes) groups.push('sub');
      for (const g of groups) sceneCounts[g]++;

      for (const side of o.boxSides) {
        const pred = centreBox(S, side, scene.tags);
        for (const g of groups) {
          const k = `${side}|${g}`;
          let cm = boxes.get(k);
          if (!cm) boxes.set(k, (cm = new ConfusionMatrix(K)));
          cm.add(gt, pred);
        }
      }

      const keep = o.examples.includes(i) ? { scene, cams: new Map<string, ClassCam[]>() } : null;
      for (const v of o.variants) {
        if (v === 'scorecam' && i >= o.scorecamScenes) continue;
        const tv = performance.now();
        for (const layer of o.layers) {
          const r = await exec.run(x, hw, request(v, layer, scene.tags));
          // stored as the cams table stores them (float16), then masks from those values
          const cams = r.maps.map((m, j) => camFromFloat16(scene.tags[j] + 1, m.w, m.h, encodeFloat16(m.data)));
          keep?.cams.set(`${v}@${layer}`, cams);
          const norms: NormKey[] = v.startsWith('rcam') ? ['relu-max', 'minmax', 'relu-max-f32'] : ['relu-max', 'minmax'];
          for (const norm of norms) {
            const input = norm === 'relu-max-f32' ? r.maps.map((m, j) => ({ classIndex: scene.tags[j] + 1, width: m.w, height: m.h, data: m.data })) : cams;
            const up = upsampleCams(input, S, S, norm === 'minmax' ? 'minmax' : 'relu-max');
            const { argmax, score } = argmaxMaps(up, N);
            for (const g of groups) sweep(sweepKey(v, layer, norm, g)).add(gt, argmax, score);
          }
          // localisation: each tag's display map (docs/engine.md §6 min-max, resized) vs its visible region
          r.maps.forEach((m, j) => {
            const map = displayMap(m.data, m.h, m.w, S, S, m.reluAfterResize);
            const region = regionOf(gt, scene.tags[j] + 1);
            const ious: Record<LocKey, number> = {
              ofMax25: binaryIou(binarise(map, 0.25, 'of-max'), region),
              ofMax75: binaryIou(binarise(map, 0.75, 'of-max'), region),
              top25: binaryIou(binarise(map, 0.25, 'top'), region),
              top75: binaryIou(binarise(map, 0.75, 'top'), region),
            };
            for (const g of groups) {
              if (g !== 'all' && g !== 'sub') continue;
              const acc = loc(locKey(v, layer, g));
              for (const key of Object.keys(ious) as LocKey[]) acc[key].add(ious[key]);
            }
          });
        }
        msPerScene.get(v)!.add(performance.now() - tv);
      }
      if (keep) examples.push(keep);
      opts.progress?.(i + 1, o.scenes);
    }
  } finally {
    await exec.dispose();
  }

  const ap = truth.map((t, c) => averagePrecision(scores[c], t));
  const defined = ap.filter((v) => !Number.isNaN(v));
  return {
    options: o,
    executor: exec.label,
    preprocess: pre,
    sweeps,
    localisation,
    boxes,
    sceneCounts,
    classifier: { mAP: defined.reduce((a, b) => a + b, 0) / defined.length, ap, tagRecall: tagsFound / tagsTotal, exactMatch: exact / o.scenes },
    examples,
    msPerScene,
    seconds: (performance.now() - t0) / 1000,
  };
}
