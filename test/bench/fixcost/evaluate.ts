// One scene set (or folder) through the robot annotator with every tool, from the same
// generated masks: the smart region, today's tools, the smart region from an empty mask,
// polygon drawing from scratch; and the review queue's scores against the fix cost.
import { DEFAULT_AUTO_BACKGROUND, type RefineSettings } from '../../../src/masks/refine/index.ts';
import type { SmartRegionSettings } from '../../../src/masks/smart-region/index.ts';
import type { BenchImage } from './data.ts';
import { polygonClicks } from './polygon.ts';
import { imageIoU, MAX_CLICKS, noc, runRobot, type ClickTool, type RobotRun } from './robot.ts';
import { generatedMask } from './start.ts';
import { acceptCamTool, bestOfTools, brushTool, fillTool, smartTool, thresholdBrushTool } from './tools.ts';

/** the settings of today's tools (chosen on the tuning split) */
export interface ToolSettings {
  /** brush dab diameter, pixels */
  brush: number;
  /** "accept CAM region" threshold */
  acceptTau: number;
  /** threshold brush diameter and threshold */
  thresholdBrush: number;
  thresholdTau: number;
}

export const TOOL_NAMES = ['smart', 'tools', 'fill', 'brush', 'accept', 'threshold', 'empty'] as const;
export type ToolName = (typeof TOOL_NAMES)[number];

export const TOOL_LABEL: Record<ToolName | 'polygon', string> = {
  smart: 'smart region',
  tools: "today's tools (fill or brush, the better per click)",
  fill: 'flood fill',
  brush: 'brush dab',
  accept: 'accept CAM region',
  threshold: 'threshold brush',
  empty: 'smart region from an empty mask',
  polygon: 'polygon drawing from scratch',
};

export interface ChainSpec {
  refine: RefineSettings | null;
  layer: string;
  /** τ_bg: a fixed value, or 'auto' — chosen per image as a job without --bg does */
  bg: number | 'auto';
}

export function makeTool(name: ToolName, img: BenchImage, smart: SmartRegionSettings, t: ToolSettings): ClickTool {
  switch (name) {
    case 'smart':
    case 'empty':
      return smartTool(img, smart);
    case 'fill':
      return fillTool(img);
    case 'brush':
      return brushTool(img, t.brush);
    case 'tools':
      return bestOfTools([fillTool(img), brushTool(img, t.brush)], (l) => imageIoU(l, img.gt));
    case 'accept':
      return acceptCamTool(img, t.acceptTau);
    case 'threshold':
      return thresholdBrushTool(img, t.thresholdBrush, t.thresholdTau);
  }
}

export interface Stats {
  mean: number;
  median: number;
}

export interface ToolScore {
  noc85: Stats;
  noc90: Stats;
  /** share of images needing no click (at 0.90) */
  zero: number;
  /** share of images below 0.90 after MAX_CLICKS */
  fail: number;
  /** mean mIoU after k clicks, k = 0..MAX_CLICKS (a run that stopped keeps its last value) */
  curve: number[];
  /** ms per click (tool only) */
  msPerClick: number;
}

export interface ImageResult {
  name: string;
  /** the generated mask the fixes start from */
  start: Uint8Array;
  /** the τ_bg it was cut at */
  bg: number;
  startIoU: number;
  runs: Partial<Record<ToolName, RobotRun>>;
  polygon: number;
}

export interface SetResult {
  images: ImageResult[];
  tools: Partial<Record<ToolName, ToolScore>>;
  polygon: Stats;
}

export function stats(xs: readonly number[]): Stats {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  const median = n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  return { mean: n ? s.reduce((a, b) => a + b, 0) / n : NaN, median };
}

export function startMasks(images: readonly BenchImage[], chain: ChainSpec): { labels: Uint8Array; bg: number }[] {
  const settings = chain.bg === 'auto' ? { bgAuto: { ...DEFAULT_AUTO_BACKGROUND } } : { bg: chain.bg };
  return images.map((img) => generatedMask(img, chain.refine, chain.layer, settings));
}

export function scoreTool(runs: readonly RobotRun[], ms: number, clicks: number): ToolScore {
  const n85 = runs.map((r) => noc(r, 0.85));
  const n90 = runs.map((r) => noc(r, 0.9));
  const curve = Array.from({ length: MAX_CLICKS + 1 }, (_, k) => runs.reduce((s, r) => s + r.ious[Math.min(k, r.ious.length - 1)], 0) / runs.length);
  return {
    noc85: stats(n85),
    noc90: stats(n90),
    zero: n90.filter((v) => v === 0).length / runs.length,
    fail: runs.filter((r) => r.ious[r.ious.length - 1] < 0.9).length / runs.length,
    curve,
    msPerClick: clicks ? ms / clicks : 0,
  };
}

export function evaluateSet(
  images: readonly BenchImage[],
  chain: ChainSpec,
  tools: readonly ToolName[],
  smart: SmartRegionSettings,
  t: ToolSettings,
  progress?: (tool: string, done: number) => void,
): SetResult {
  const starts = startMasks(images, chain);
  const results: ImageResult[] = images.map((img, i) => ({ name: img.name, start: starts[i].labels, bg: starts[i].bg, startIoU: imageIoU(starts[i].labels, img.gt), runs: {}, polygon: polygonClicks(img.gt, img.width, img.height).clicks }));
  const scores: Partial<Record<ToolName, ToolScore>> = {};
  for (const name of tools) {
    let ms = 0;
    let clicks = 0;
    const runs = images.map((img, i) => {
      const start = name === 'empty' ? new Uint8Array(img.width * img.height) : starts[i].labels;
      const tool = makeTool(name, img, smart, t);
      const timed: ClickTool = (labels, c) => {
        const t0 = performance.now();
        tool(labels, c);
        ms += performance.now() - t0;
      };
      const r = runRobot(start, img.gt, img.width, img.height, timed);
      clicks += r.clicks.length;
      results[i].runs[name] = r;
      progress?.(name, i + 1);
      return r;
    });
    scores[name] = scoreTool(runs, ms, clicks);
  }
  return { images: results, tools: scores, polygon: stats(results.map((r) => r.polygon)) };
}
