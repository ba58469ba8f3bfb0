// The smart region: a click at a pixel of the image with a target label (the active class,
// or background for Shift-click) → the region around the click that belongs with it,
// following image edges and the CAMs, within the connected region of the clicked label.
// Computed at a working size (prepared once per image), snapped back at full size. The
// same function serves the editor's tool and the fix-cost bench; deterministic.
import { resizeBilinear } from '../resize.ts';
import type { ParSettings } from '../refine/settings.ts';
import { graphCut, type GraphCutSettings } from './graph-cut.ts';
import { clickProblem, type ClickProblem, type EvidenceSettings } from './problem.ts';
import { propagate, workAffinity, type PropagationSettings, type WorkAffinity } from './propagation.ts';
import { randomWalker, type RandomWalkerSettings } from './random-walker.ts';
import { snapToFull, type FullRegion, type WorkBox } from './snap.ts';
import { mergeSuperpixels, slic, type SlicSettings, type Superpixels } from './superpixels.ts';
import { labelsAtWork, prepareWorkImage, type WorkImage } from './work-image.ts';

export const SMART_METHODS = ['walker', 'graphcut', 'propagation', 'superpixels'] as const;
export type SmartMethod = (typeof SMART_METHODS)[number];

export interface SmartRegionSettings {
  method: SmartMethod;
  /** the long side of the working size (the image's own when smaller) */
  workSide: number;
  evidence: EvidenceSettings;
  walker: RandomWalkerSettings;
  graphcut: GraphCutSettings;
  propagation: PropagationSettings;
  superpixels: SlicSettings & { threshold: number };
}

/** A class's stored CAM at its own resolution, normalised to 0..1 (CamField.values). */
export interface SmartCam {
  values: Float32Array;
  width: number;
  height: number;
}

export interface SmartClick {
  /** full-size pixel */
  x: number;
  y: number;
  /** the label the region takes */
  target: number;
}

export interface SmartRegionResult extends FullRegion {
  /** the label the region held */
  from: number;
  target: number;
}

/** One image ready for clicks: the working image, and per class its CAM at the working size. */
export class SmartRegionImage {
  readonly work: WorkImage;
  /** per class: the CAM it was made from (a new CAM for the class replaces it) and its working-size map */
  private readonly camCache = new Map<number, { src: SmartCam; work: Float32Array }>();
  private affinity: { key: string; aff: WorkAffinity } | null = null;
  private superpixels: { key: string; sp: Superpixels } | null = null;

  constructor(
    rgb: Uint8Array,
    width: number,
    height: number,
    private readonly cams: (classIndex: number) => SmartCam | null,
    readonly workSide: number,
  ) {
    this.work = prepareWorkImage(rgb, width, height, workSide);
  }

  camAtWork(classIndex: number): Float32Array | null {
    const src = this.cams(classIndex);
    if (!src) return null;
    let v = this.camCache.get(classIndex);
    if (v?.src !== src) {
      v = { src, work: resizeBilinear(src.values, src.width, src.height, this.work.w, this.work.h) };
      this.camCache.set(classIndex, v);
    }
    return v.work;
  }

  /** Builds what a method reads per image (PAR affinities, superpixels) now rather than on the first click. */
  prepare(s: SmartRegionSettings): void {
    if (s.method === 'propagation') this.affinityFor(s.propagation.par);
    if (s.method === 'superpixels') this.superpixelsFor(s.superpixels);
  }

  /** The working pixel of full-size pixel (x, y): clicks there share their region but for the clicked pixel. */
  workPixel(x: number, y: number): { x: number; y: number } {
    const img = this.work;
    if (img.w === img.width && img.h === img.height) return { x, y };
    return { x: Math.min(img.w - 1, Math.floor(((x + 0.5) * img.w) / img.width)), y: Math.min(img.h - 1, Math.floor(((y + 0.5) * img.h) / img.height)) };
  }

  affinityFor(par: ParSettings): WorkAffinity {
    const key = JSON.stringify(par);
    if (this.affinity?.key !== key) this.affinity = { key, aff: workAffinity(this.work, par) };
    return this.affinity.aff;
  }

  superpixelsFor(s: SlicSettings): Superpixels {
    const key = JSON.stringify([s.step, s.compactness, s.iterations]);
    if (this.superpixels?.key !== key) this.superpixels = { key, sp: slic(this.work, s) };
    return this.superpixels.sp;
  }

  /**
   * The region a click at (x, y) would relabel to `target` in `labels` (full size), or null
   * when the click is outside the image or on a pixel that already holds `target`.
   */
  region(labels: Uint8Array, click: SmartClick, s: SmartRegionSettings): SmartRegionResult | null {
    const img = this.work;
    if (s.workSide !== this.workSide) throw new Error(`smart region: prepared at working side ${this.workSide}, asked for ${s.workSide}`);
    const { x, y, target } = click;
    if (!(x >= 0 && y >= 0 && x < img.width && y < img.height)) return null;
    const from = labels[y * img.width + x];
    if (from === target) return null;
    const { x: cx, y: cy } = this.workPixel(x, y);
    let lw = labelsAtWork(img, labels);
    if (lw[cy * img.w + cx] !== from) {
      // the working pixel sampled another label: the click's own label wins there
      if (lw === labels) lw = lw.slice();
      lw[cy * img.w + cx] = from;
    }
    const pb = clickProblem(img, lw, (c) => this.camAtWork(c), cx, cy, target, s.evidence, s.method === 'walker' || s.method === 'graphcut');
    const x01 = this.solve(pb, lw, s);
    const { soft, box } = workRegion(img, pb, x01, lw);
    const full = snapToFull(img, soft, box, labels, from, x, y);
    return { ...full, from, target };
  }

  private solve(pb: ClickProblem, lw: Uint8Array, s: SmartRegionSettings): Float64Array {
    switch (s.method) {
      case 'walker':
        return randomWalker(pb, s.walker);
      case 'graphcut':
        return graphCut(pb, s.graphcut);
      case 'propagation':
        return propagate(pb, this.affinityFor(s.propagation.par), lw, s.propagation);
      case 'superpixels':
        return mergeSuperpixels(pb, this.superpixelsFor(s.superpixels), s.superpixels.threshold);
    }
  }
}

/**
 * The solved nodes with P(fg) > 0.5 that connect to the click (4-neighbour), as a working
 * map (outside the domain: 1 where the target already is), and their bounding box.
 */
function workRegion(img: WorkImage, pb: ClickProblem, x: Float64Array, lw: Uint8Array): { soft: Float32Array; box: WorkBox } {
  const { w, h } = img;
  const soft = new Float32Array(w * h);
  for (let p = 0; p < w * h; p++) if (pb.node[p] < 0 && lw[p] === pb.target) soft[p] = 1;
  const box = { x0: w, y0: h, x1: -1, y1: -1 };
  const stack = [pb.pixel[pb.click]];
  soft[stack[0]] = 1;
  const isIn = (q: number) => soft[q] === 0 && pb.node[q] >= 0 && x[pb.node[q]] > 0.5;
  while (stack.length) {
    const p = stack.pop()!;
    const px = p % w;
    const py = (p - px) / w;
    if (px < box.x0) box.x0 = px;
    if (px > box.x1) box.x1 = px;
    if (py < box.y0) box.y0 = py;
    if (py > box.y1) box.y1 = py;
    if (px > 0 && isIn(p - 1)) (soft[p - 1] = 1), stack.push(p - 1);
    if (px < w - 1 && isIn(p + 1)) (soft[p + 1] = 1), stack.push(p + 1);
    if (py > 0 && isIn(p - w)) (soft[p - w] = 1), stack.push(p - w);
    if (py < h - 1 && isIn(p + w)) (soft[p + w] = 1), stack.push(p + w);
  }
  return { soft, box };
}

/** Writes a region into a full-size label map; returns the number of pixels changed. */
export function applyRegion(labels: Uint8Array, width: number, r: SmartRegionResult): number {
  let n = 0;
  for (let yy = 0; yy < r.h; yy++) {
    const row = (r.y + yy) * width + r.x;
    for (let xx = 0; xx < r.w; xx++) {
      if (r.mask[yy * r.w + xx] && labels[row + xx] !== r.target) {
        labels[row + xx] = r.target;
        n++;
      }
    }
  }
  return n;
}
