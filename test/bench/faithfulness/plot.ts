// docs/quality/faithfulness-<model>.png: four panels over the layers (input, layer2…4), one
// line per method — Average Drop (authors solid, standard dashed), Increase (likewise),
// deletion (solid) and insertion (dashed) AUC, and the localisation IoU at 25 % (solid) and
// 75 % (dashed) of the map's maximum.
import { INPUT_LAYER } from '../../../src/engine/layer-names.ts';
import { COLORS as METHOD_COLORS } from '../quality/plot.ts';
import { Canvas, type Box, type Rgb } from '../quality/raster.ts';
import type { FaithRow } from './evaluate.ts';
import { METHOD_LABEL, type FaithModelSummary } from './report.ts';

// each method keeps the colour the mIoU plot gives it
const COLORS: Record<string, Rgb> = METHOD_COLORS;

interface Panel extends Box {
  yMin: number;
  yMax: number;
}

const PANELS: { title: string; solid: keyof FaithRow; dashed: keyof FaithRow; legend: [string, string] }[] = [
  { title: 'Average Drop (%) — lower is better', solid: 'averageDrop', dashed: 'averageDropStd', legend: ['authors', 'standard'] },
  { title: 'Increase in confidence (%) — higher is better', solid: 'increase', dashed: 'increaseStd', legend: ['authors', 'standard'] },
  { title: 'Deletion ↓ / insertion ↑ AUC', solid: 'deletionAuc', dashed: 'insertionAuc', legend: ['deletion', 'insertion'] },
  { title: 'Localisation IoU vs the GT box', solid: 'locIoU25', dashed: 'locIoU75', legend: ['≥ 25 % of max', '≥ 75 % of max'] },
];

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export async function writeFaithPlot(m: FaithModelSummary, file: string): Promise<void> {
  const W = 1400;
  const H = 820;
  const c = new Canvas(W, H);
  const layers = [...new Set(m.rows.map((r) => r.layer))].sort((a, b) => (a === INPUT_LAYER ? -1 : b === INPUT_LAYER ? 1 : a.localeCompare(b)));
  const methods = [...new Set(m.rows.map((r) => r.method))];
  const xOf = (p: Panel, layer: string) => p.x + ((layers.indexOf(layer) + 0.5) / layers.length) * p.w;
  const yOf = (p: Panel, v: number) => p.y + p.h - ((v - p.yMin) / (p.yMax - p.yMin)) * p.h;
  PANELS.forEach((spec, i) => {
    const vals = m.rows.flatMap((r) => [r[spec.solid], r[spec.dashed]] as number[]).filter((v) => Number.isFinite(v));
    const p: Panel = { x: 90 + (i % 2) * 560, y: 80 + Math.floor(i / 2) * 370, w: 460, h: 280, yMin: 0, yMax: niceMax(Math.max(...vals, 0) * 1.12) };
    for (let k = 0; k <= 5; k++) {
      const v = (p.yMax * k) / 5;
      const y = yOf(p, v);
      c.line(p.x, y, p.x + p.w, y, [228, 228, 228]);
      c.text(p.x - 8, y + 4, p.yMax >= 10 ? v.toFixed(0) : v.toFixed(2), { anchor: 'end', size: 11 });
    }
    c.line(p.x, p.y, p.x, p.y + p.h, [0, 0, 0]);
    c.line(p.x, p.y + p.h, p.x + p.w, p.y + p.h, [0, 0, 0]);
    for (const l of layers) c.text(xOf(p, l), p.y + p.h + 18, l, { anchor: 'middle', size: 11 });
    c.text(p.x + p.w / 2, p.y - 16, spec.title, { anchor: 'middle', size: 14, bold: true });
    // the two variants' line styles, under the title
    c.line(p.x + 10, p.y + 4, p.x + 35, p.y + 4, [60, 60, 60], 2);
    c.text(p.x + 40, p.y + 8, spec.legend[0], { size: 11 });
    c.line(p.x + 170, p.y + 4, p.x + 195, p.y + 4, [60, 60, 60], 2, [5, 4]);
    c.text(p.x + 200, p.y + 8, spec.legend[1], { size: 11 });
    for (const method of methods) {
      const color = COLORS[method] ?? [0, 0, 0];
      for (const [key, dash] of [[spec.solid, undefined], [spec.dashed, [5, 4] as [number, number]]] as const) {
        const pts = layers
          .map((l) => ({ l, v: m.rows.find((r) => r.method === method && r.layer === l)?.[key] as number | undefined }))
          .filter((q): q is { l: string; v: number } => q.v !== undefined && Number.isFinite(q.v));
        for (let k = 1; k < pts.length; k++) c.line(xOf(p, pts[k - 1].l), yOf(p, pts[k - 1].v), xOf(p, pts[k].l), yOf(p, pts[k].v), color, method === 'rcam' ? 3 : 2, dash);
        for (const q of pts) c.marker(xOf(p, q.l), yOf(p, q.v), color, dash ? 4 : 6);
      }
    }
  });
  let ly = 90;
  for (const method of methods) {
    c.line(1230, ly, 1260, ly, COLORS[method] ?? [0, 0, 0], method === 'rcam' ? 3 : 2);
    c.marker(1245, ly, COLORS[method] ?? [0, 0, 0], 6);
    c.text(1268, ly + 4, `${METHOD_LABEL[method] ?? method}${method === 'scorecam' ? ' †' : ''}`, { size: 12 });
    ly += 24;
  }
  c.text(1230, ly + 10, `† first ${m.scorecamImages} images`, { size: 10, color: [90, 90, 90] });
  c.text(1230, ly + 28, 'CLRP alone at input', { size: 10, color: [90, 90, 90] });
  c.text(40, 30, `${m.label}: faithfulness and localisation per layer (${m.dataset})`, { size: 15, bold: true });
  c.text(40, H - 20, `${m.model}; deletion/insertion in ${m.steps} steps on ${m.curveImages} images; ${m.executor}. Solid and dashed lines: the two variants named in each panel.`, { size: 11, color: [60, 60, 60] });
  await c.writePng(file);
}
