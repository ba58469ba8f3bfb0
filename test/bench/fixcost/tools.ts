// The tools the robot can hold, each the editor's own code: the smart region (src/masks/
// smart-region), and today's tools through renderer/editor/raster.ts — flood fill, a brush
// dab of a fixed radius, "accept CAM region" (a flood over the class's CAM above τ) and the
// threshold brush (a dab that writes only where the CAM exceeds τ). A click asks for the
// ground truth's label: a class click is the tool with that class active, a background click
// the tool's own way to background (Shift for fill and the smart region, the eraser for the
// brushes, fill for "accept CAM region", which cannot erase).
import { camFromStored, normaliseCam, upsampleCams } from '../../../src/masks/cam-mask.ts';
import { BACKGROUND } from '../../../src/masks/labels.ts';
import { applyRegion, SmartRegionImage, type SmartCam, type SmartRegionSettings } from '../../../src/masks/smart-region/index.ts';
import { capsuleBounds, fillRegion, floodRegion, paintCapsule } from '../../../renderer/editor/raster.ts';
import type { BenchImage } from './data.ts';
import type { ClickTool, RobotClick } from './robot.ts';

/** the image's stored CAMs as the editor holds them (CamField.values: relu-max at CAM resolution) */
export function smartCams(img: BenchImage): (classIndex: number) => SmartCam | null {
  const byClass = new Map(img.cams.map((c) => [c.classIndex, c]));
  const cache = new Map<number, SmartCam>();
  return (k) => {
    const c = byClass.get(k);
    if (!c) return null;
    let v = cache.get(k);
    if (!v) {
      const cam = camFromStored(c);
      v = { values: normaliseCam(cam.data, 'relu-max'), width: cam.width, height: cam.height };
      cache.set(k, v);
    }
    return v;
  };
}

export function smartTool(img: BenchImage, s: SmartRegionSettings): ClickTool {
  const prepared = new SmartRegionImage(img.rgb, img.width, img.height, smartCams(img), s.workSide);
  return (labels, c) => {
    const r = prepared.region(labels, c, s);
    if (r) applyRegion(labels, img.width, r);
  };
}

function fill(labels: Uint8Array, width: number, height: number, c: RobotClick): void {
  const seed = labels[c.y * width + c.x];
  if (seed === c.target) return;
  fillRegion(labels, width, floodRegion(width, height, c.x, c.y, (i) => labels[i] === seed), c.target);
}

export function fillTool(img: BenchImage): ClickTool {
  return (labels, c) => fill(labels, img.width, img.height, c);
}

/** a dab of the editor's brush (diameter d, centre snapped as BrushTool does), or the eraser for background */
function dab(labels: Uint8Array, img: BenchImage, c: RobotClick, d: number, filter?: (x: number, y: number) => boolean): void {
  const cx = d % 2 === 1 ? c.x + 0.5 : Math.round(c.x + 0.5);
  const cy = d % 2 === 1 ? c.y + 0.5 : Math.round(c.y + 0.5);
  const rect = capsuleBounds(cx, cy, cx, cy, d / 2, img.width, img.height);
  paintCapsule(labels, img.width, rect, cx, cy, cx, cy, d / 2, c.target, filter);
}

export function brushTool(img: BenchImage, diameter: number): ClickTool {
  return (labels, c) => dab(labels, img, c, diameter);
}

/** the editor's CAM fields at image size, per class (CamField.at) */
function camAt(img: BenchImage): (k: number) => Float32Array | null {
  const maps = new Map(upsampleCams(img.cams.map(camFromStored), img.width, img.height, 'relu-max').map((m) => [m.classIndex, m.map]));
  return (k) => maps.get(k) ?? null;
}

export function acceptCamTool(img: BenchImage, tau: number): ClickTool {
  const cam = camAt(img);
  return (labels, c) => {
    const map = c.target === BACKGROUND ? null : cam(c.target);
    if (!map) return fill(labels, img.width, img.height, c);
    const region = floodRegion(img.width, img.height, c.x, c.y, (i) => map[i] > tau);
    fillRegion(labels, img.width, region, c.target);
  };
}

export function thresholdBrushTool(img: BenchImage, diameter: number, tau: number): ClickTool {
  const cam = camAt(img);
  return (labels, c) => {
    const map = c.target === BACKGROUND ? null : cam(c.target);
    if (c.target !== BACKGROUND && !map) return;
    dab(labels, img, c, diameter, map ? (x, y) => map[y * img.width + x] > tau : undefined);
  };
}

/** per click, whichever of several tools leaves the higher mIoU (a user who always picks the right tool) */
export function bestOfTools(tools: ClickTool[], score: (labels: Uint8Array) => number): ClickTool {
  return (labels, c) => {
    let best: Uint8Array | null = null;
    let bestScore = -Infinity;
    for (const t of tools) {
      const l = labels.slice();
      t(l, c);
      const v = score(l);
      if (v > bestScore) {
        bestScore = v;
        best = l;
      }
    }
    if (best) labels.set(best);
  };
}
