// What both CAM executors (TF.js and onnxruntime) do around the math: per-input-size shape
// tables, checking a request against the model (spatial layer, input size, target classes)
// and cutting a batch of maps into TargetMaps. One copy, so both refuse the same requests with
// the same words.
import { StudioError } from '../../contract/errors.ts';
import type { Graph } from '../ir.ts';
import { concreteShapes } from '../exec/analysis.ts';
import type { LayerMaps, TargetMap } from './methods.ts';

/** per-sample tensor shapes of a graph, one table per input size, built on first use */
export class ShapeCache {
  private readonly byHW = new Map<string, Map<string, number[]>>();
  constructor(private readonly graph: Graph) {}

  get(hw: [number, number]): Map<string, number[]> {
    const key = hw.join('x');
    let s = this.byHW.get(key);
    if (!s) {
      s = concreteShapes(this.graph, hw);
      this.byHW.set(key, s);
    }
    return s;
  }
}

/**
 * Checks one image's request: the layer is a spatial map and the input has H×W×C values.
 * Returns the layer's [h, w, k] and the input's channel count.
 */
export function checkInput(graph: Graph, shapes: Map<string, number[]>, layer: string, layerTensor: string, input: Float32Array, hw: [number, number]): { aShape: number[]; channels: number } {
  const aShape = shapes.get(layerTensor) as number[];
  if (aShape.length !== 3) throw new StudioError('BAD_REQUEST', `layer "${layer}" (${layerTensor}) is not a spatial feature map (shape ${aShape.join('×')})`);
  const channels = shapes.get(graph.input.name)?.[2] ?? 3;
  if (input.length !== hw[0] * hw[1] * channels) {
    throw new StudioError('BAD_REQUEST', `input has ${input.length} values, expected ${hw[0]}×${hw[1]}×${channels}`);
  }
  return { aShape, channels };
}

/** every target is a class of a model with `classes` outputs */
export function checkTargets(targets: readonly number[], classes: number): void {
  for (const t of targets) {
    if (!Number.isInteger(t) || t < 0 || t >= classes) {
      throw new StudioError('BAD_REQUEST', `class ${t} is out of range: the model has ${classes} outputs (0…${classes - 1})`);
    }
  }
}

/** [B, h, w] maps, one per target, as TargetMaps */
export function splitMaps(data: Float32Array, targets: readonly number[], h: number, w: number, reluAfterResize: boolean): TargetMap[] {
  return targets.map((target, b) => ({ target, data: data.slice(b * h * w, (b + 1) * h * w), h, w, reluAfterResize }));
}

/**
 * A walk request's maps as CamResult.maps (the primary layer) and CamResult.deep: `data[0]`
 * is the primary layer's [B, h, w], `data[i]` that of `deep[i - 1]`.
 */
export function splitLayerMaps(
  data: Float32Array[],
  targets: readonly number[],
  shapes: Map<string, number[]>,
  primary: string,
  deep: { layer: string; layerTensor: string }[],
): { maps: TargetMap[]; deep: LayerMaps[] } {
  const cut = (d: Float32Array, tensor: string) => {
    const [h, w] = shapes.get(tensor) as number[];
    return splitMaps(d, targets, h, w, false);
  };
  return { maps: cut(data[0], primary), deep: deep.map((l, i) => ({ ...l, maps: cut(data[i + 1], l.layerTensor) })) };
}
