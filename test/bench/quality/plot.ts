// docs/quality/miou.png: left, mIoU vs τ_bg per method at layer2 (baselines as flat dashed
// lines); right, each method's best mIoU per layer.
import { Canvas, type Box, type Rgb } from './raster.ts';
import type { QualitySummary } from './summary.ts';
import type { Variant } from './evaluate.ts';
import { LABEL, best, headGroup } from './report.ts';

export const COLORS: Record<Variant, Rgb> = {
  rcam: [214, 39, 40],
  'rcam-onehot': [255, 152, 150],
  gradcam: [31, 119, 180],
  gradcampp: [44, 160, 44],
  layercam: [148, 103, 189],
  scorecam: [255, 127, 14],
  clrp: [140, 86, 75],
};

interface Panel extends Box {
  xMin: number;
  xMax: number;
  yMin: number;
  yMax: number;
}

const px = (p: Panel, v: number) => p.x + ((v - p.xMin) / (p.xMax - p.xMin)) * p.w;
const py = (p: Panel, v: number) => p.y + p.h - ((v - p.yMin) / (p.yMax - p.yMin)) * p.h;

function axes(c: Canvas, p: Panel, xTicks: { v: number; label: string }[], yStep: number, title: string, xLabel: string): void {
  for (let v = p.yMin; v <= p.yMax + 1e-9; v += yStep) {
    const y = py(p, v);
    c.line(p.x, y, p.x + p.w, y, [225, 225, 225]);
    c.line(p.x - 5, y, p.x, y, [0, 0, 0]);
    c.text(p.x - 8, y + 4, v.toFixed(2), { anchor: 'end', size: 11 });
  }
  for (const t of xTicks) {
    const x = px(p, t.v);
    c.line(x, p.y + p.h, x, p.y + p.h + 5, [0, 0, 0]);
    c.text(x, p.y + p.h + 18, t.label, { anchor: 'middle', size: 11 });
  }
  c.line(p.x, p.y, p.x, p.y + p.h, [0, 0, 0]);
  c.line(p.x, p.y + p.h, p.x + p.w, p.y + p.h, [0, 0, 0]);
  c.text(p.x + p.w / 2, p.y - 10, title, { anchor: 'middle', size: 14, bold: true });
  c.text(p.x + p.w / 2, p.y + p.h + 36, xLabel, { anchor: 'middle', size: 12 });
  c.text(p.x - 44, p.y + p.h / 2, 'mIoU', { anchor: 'middle', size: 12, rotate: true });
}

function polyline(c: Canvas, p: Panel, pts: [number, number][], color: Rgb, width = 2, dash?: [number, number]): void {
  for (let i = 1; i < pts.length; i++) c.line(px(p, pts[i - 1][0]), py(p, pts[i - 1][1]), px(p, pts[i][0]), py(p, pts[i][1]), color, width, dash);
  if (!dash) for (const [x, y] of pts) c.marker(px(p, x), py(p, y), color, 5);
}

export async function writePlot(s: QualitySummary, file: string): Promise<void> {
  const W = 1200;
  const H = 520;
  const c = new Canvas(W, H);
  const variants = s.meta.variants;
  const taus = s.meta.taus;
  let yMax = 0;
  for (const v of variants) for (const l of s.meta.layers) yMax = Math.max(yMax, best(s, v, l)?.miou ?? 0);
  yMax = Math.min(1, Math.ceil((yMax + 0.05) * 10) / 10);

  const left: Panel = { x: 80, y: 50, w: 470, h: 360, xMin: 0, xMax: 1, yMin: 0, yMax };
  axes(c, left, [0, 0.2, 0.4, 0.6, 0.8, 1].map((v) => ({ v, label: v.toFixed(1) })), 0.1, 'mIoU vs background threshold τ_bg, layer2', 'τ_bg (relu-max normalised maps)');
  const allFg = s.boxes['1|all']?.miou;
  if (allFg !== undefined) {
    polyline(c, left, [[0, allFg], [1, allFg]], [120, 120, 120], 1, [6, 4]);
    c.text(px(left, 0.98), py(left, allFg) - 4, 'all-foreground', { anchor: 'end', size: 10, color: [90, 90, 90] });
  }
  for (const v of variants) {
    const sw = s.sweeps[`${v}|layer2|relu-max|${headGroup(v)}`];
    if (!sw) continue;
    polyline(c, left, taus.map((t, i) => [t, sw.curve[i]] as [number, number]), COLORS[v], v === 'rcam' ? 3 : 2);
  }

  const layers = s.meta.layers;
  const right: Panel = { x: 680, y: 50, w: 330, h: 360, xMin: 0.6, xMax: layers.length + 0.4, yMin: 0, yMax };
  axes(c, right, layers.map((l, i) => ({ v: i + 1, label: l })), 0.1, 'best mIoU (best τ) per layer', 'layer (stride 4, 8, 16, 32)');
  let boxBest = -1;
  for (const side of s.meta.boxSides) boxBest = Math.max(boxBest, s.boxes[`${side}|all`]?.miou ?? -1);
  if (boxBest >= 0) {
    polyline(c, right, [[0.6, boxBest], [layers.length + 0.4, boxBest]], [120, 120, 120], 1, [6, 4]);
    c.text(px(right, layers.length + 0.35), py(right, boxBest) - 4, 'best centre box', { anchor: 'end', size: 10, color: [90, 90, 90] });
  }
  for (const v of variants) {
    const pts = layers.map((l, i) => [i + 1, best(s, v, l)?.miou ?? NaN] as [number, number]).filter(([, y]) => !Number.isNaN(y));
    polyline(c, right, pts, COLORS[v], v === 'rcam' ? 3 : 2);
  }

  // legend
  let ly = 70;
  for (const v of variants) {
    c.line(1040, ly, 1070, ly, COLORS[v], v === 'rcam' ? 3 : 2);
    c.marker(1055, ly, COLORS[v], 5);
    c.text(1078, ly + 4, LABEL[v] + (v === 'scorecam' ? ' †' : ''), { size: 12 });
    ly += 22;
  }
  c.text(1040, ly + 10, `† ${s.meta.scorecamScenes} scenes`, { size: 10, color: [90, 90, 90] });
  c.text(40, H - 30, `${s.meta.scenes} held-out ${s.meta.tier} scenes, demo classifier (${s.meta.executor}); masks as the batch pipeline makes them (float16 maps, camsToLabels). mIoU over 11 classes incl. background.`, { size: 11, color: [60, 60, 60] });
  await c.writePng(file);
}
