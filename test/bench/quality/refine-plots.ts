// The refinement benchmark's figures (docs/quality): mIoU against τ_bg with the automatic
// τ_bg marked, per model × tier (refine-tau.png); test mIoU per detail source and chain
// (refine.png); example masks of both models (refine-examples.png).
import { vocPalette } from '../../../src/masks/palette.ts';
import { DEFAULT_REFINE_PRESET } from '../../../src/masks/refine/index.ts';
import { Canvas, type Rgb } from './raster.ts';
import { CHAINS, REFINE_LAYERS, type RefineBenchResult } from './refine.ts';
import { resultLabel } from './refine-report.ts';

const CHAIN_COLOURS: Record<string, Rgb> = {
  raw: [150, 150, 150],
  none: [150, 150, 150],
  gate: [230, 159, 0],
  PAR: [86, 180, 233],
  fast: [0, 158, 115],
  best: [0, 114, 178],
  'best + fill + clean': [204, 121, 167],
  'best + ignore band': [213, 94, 0],
  'fast, work 4×grid': [120, 190, 120],
};

const PAL = vocPalette();
const labelsRgb = (l: Uint8Array) => {
  const out = new Uint8Array(l.length * 3);
  for (let i = 0; i < l.length; i++) out.set(l[i] === 255 ? [255, 255, 255] : PAL.subarray(l[i] * 3, l[i] * 3 + 3), i * 3);
  return out;
};

interface PanelGrid {
  c: Canvas;
  /** the top-left corner of panel `p` (two panels to a row) */
  at(p: number): { x0: number; y0: number };
}

/** A canvas of one panel per result, two to a row, each captioned with its model × tier, and the figure's title. */
function panelGrid(n: number, panel: { w: number; h: number; left: number; gapX: number; gapY: number; right: number }, title: string): PanelGrid {
  const cols = Math.min(2, n);
  const rows = Math.ceil(n / cols);
  const c = new Canvas(panel.left + cols * (panel.w + panel.gapX) + panel.right, 50 + rows * (panel.h + panel.gapY) + 30);
  c.text(20, 24, title, { size: 14, bold: true });
  return { c, at: (p) => ({ x0: panel.left + (p % cols) * (panel.w + panel.gapX), y0: 60 + Math.floor(p / cols) * (panel.h + panel.gapY) }) };
}

/** the mIoU plots' common footnote, then the PNG */
function writeWithFootnote(c: Canvas, file: string): Promise<void> {
  c.text(20, c.height - 12, 'mIoU over 11 classes incl. background; masks as the batch pipeline makes them (float16 maps, src/masks/refine).', { size: 11, color: [60, 60, 60] });
  return c.writePng(file);
}

/** per model × tier: test mIoU against a fixed τ_bg per preset chain (lines), the automatic τ_bg per chain (dashed, same colour), the default marked */
export async function writeTauPlot(results: readonly RefineBenchResult[], file: string): Promise<void> {
  const panelW = 330;
  const panelH = 240;
  const { c, at } = panelGrid(results.length, { w: panelW, h: panelH, left: 70, gapX: 60, gapY: 80, right: 150 }, 'Test-split mIoU of R-CAM@layer2 against a fixed τ_bg (lines) and with the automatic τ_bg (dashed)');
  const tMin = 0.1;
  const tMax = 0.55;
  results.forEach((r, p) => {
    const { x0, y0 } = at(p);
    const X = (t: number) => x0 + ((t - tMin) / (tMax - tMin)) * panelW;
    const Y = (m: number) => y0 + panelH - m * panelH;
    c.text(x0, y0 - 8, resultLabel(r), { size: 12, bold: true });
    for (let m = 0; m <= 1.0001; m += 0.2) {
      c.line(x0, Y(m), x0 + panelW, Y(m), [228, 228, 228]);
      c.text(x0 - 6, Y(m) + 4, m.toFixed(1), { anchor: 'end', size: 10 });
    }
    for (let t = 0.1; t <= tMax + 1e-9; t += 0.1) c.text(X(t), y0 + panelH + 16, t.toFixed(1), { anchor: 'middle', size: 10 });
    c.text(x0 + panelW / 2, y0 + panelH + 32, 'τ_bg', { anchor: 'middle', size: 11 });
    c.line(x0, y0 + panelH, x0 + panelW, y0 + panelH, [0, 0, 0]);
    c.line(x0, y0, x0, y0 + panelH, [0, 0, 0]);
    for (const row of r.taus) {
      const col = CHAIN_COLOURS[row.chain];
      const pts = row.taus.map((t, k) => [X(t), Y(row.miou[k])] as const);
      for (let k = 1; k < pts.length; k++) c.line(pts[k - 1][0], pts[k - 1][1], pts[k][0], pts[k][1], col, 2);
      for (const [x, y] of pts) c.marker(x, y, col, 5);
      c.line(x0, Y(row.auto.miou), x0 + panelW, Y(row.auto.miou), col, 2, [6, 5]);
      if (row.chain === DEFAULT_REFINE_PRESET) {
        c.marker(X(row.auto.meanTau), Y(row.auto.miou), [200, 0, 0], 9);
        c.text(X(row.auto.meanTau) + 8, Y(row.auto.miou) - 8, `default ${row.auto.miou.toFixed(3)}`, { size: 10, color: [200, 0, 0] });
      }
    }
  });
  let ly = 70;
  const lx = c.width - 140;
  for (const ch of ['none', 'fast', 'best']) {
    c.rect(lx, ly - 10, 14, 14, CHAIN_COLOURS[ch]);
    c.text(lx + 20, ly + 2, ch === 'none' ? 'raw' : ch, { size: 11 });
    ly += 20;
  }
  c.line(lx, ly, lx + 14, ly, [90, 90, 90], 2, [4, 3]);
  c.text(lx + 20, ly + 4, 'automatic τ_bg', { size: 11 });
  ly += 20;
  c.marker(lx + 7, ly, [200, 0, 0], 9);
  c.text(lx + 20, ly + 4, 'default (at mean τ)', { size: 11 });
  await writeWithFootnote(c, file);
}

/** test-split mIoU per detail source (rcam and layercam, layers 2–4), one bar per chain at its tuned τ_bg, a tick at the automatic τ_bg */
export async function writeRefinePlot(results: readonly RefineBenchResult[], file: string): Promise<void> {
  const panelW = 430;
  const panelH = 260;
  // the panels start at x 60 on a canvas sized from 40: the legend's room on the right makes up for it
  const { c, at } = panelGrid(results.length, { w: panelW, h: panelH, left: 40, gapX: 40, gapY: 70, right: 170 }, 'Test-split mIoU by detail source and chain: bars at the τ_bg tuned on the tuning split, black ticks with the automatic τ_bg');
  const chains = CHAINS.map((x) => x.name);
  results.forEach((r, p) => {
    const { x0: left, y0 } = at(p);
    const x0 = left + 20;
    const sources = ['rcam', 'layercam'].flatMap((m) => REFINE_LAYERS.map((l) => [m, l] as const)).filter(([m, l]) => r.scores.some((s) => s.method === m && s.layer === l));
    c.text(x0, y0 - 8, resultLabel(r), { size: 12, bold: true });
    c.line(x0, y0 + panelH, x0 + panelW, y0 + panelH, [0, 0, 0]);
    c.line(x0, y0, x0, y0 + panelH, [0, 0, 0]);
    for (let t = 0; t <= 1.0001; t += 0.2) {
      const y = y0 + panelH - t * panelH;
      c.line(x0 - 4, y, x0 + panelW, y, [225, 225, 225]);
      c.text(x0 - 8, y + 4, t.toFixed(1), { anchor: 'end', size: 10 });
    }
    const groupW = panelW / sources.length;
    sources.forEach(([m, l], g) => {
      const present = chains.filter((ch) => r.scores.some((s) => s.method === m && s.layer === l && s.chain === ch));
      const bw = (groupW - 10) / present.length;
      present.forEach((ch, k) => {
        const s = r.scores.find((x) => x.method === m && x.layer === l && x.chain === ch)!;
        const h = s.test * panelH;
        const bx = x0 + g * groupW + 5 + k * bw;
        c.rect(bx, y0 + panelH - h, Math.max(1, bw - 1), h, CHAIN_COLOURS[ch] ?? [0, 0, 0]);
        c.rect(bx, y0 + panelH - s.autoTest * panelH - 1, Math.max(1, bw - 1), 3, [0, 0, 0]);
      });
      c.text(x0 + g * groupW + groupW / 2, y0 + panelH + 16, m === 'rcam' ? 'R-CAM' : 'Layer-CAM', { anchor: 'middle', size: 10 });
      c.text(x0 + g * groupW + groupW / 2, y0 + panelH + 30, l, { anchor: 'middle', size: 10 });
    });
  });
  let ly = 70;
  const lx = c.width - 160;
  for (const ch of chains) {
    c.rect(lx, ly - 10, 14, 14, CHAIN_COLOURS[ch]);
    c.text(lx + 20, ly + 2, ch, { size: 11 });
    ly += 20;
  }
  c.rect(lx, ly - 4, 14, 3, [0, 0, 0]);
  c.text(lx + 20, ly + 2, 'automatic τ_bg', { size: 11 });
  await writeWithFootnote(c, file);
}

/** per model (columns) × tier (rows): image | ground truth | raw | best fixed-τ chain | the default (automatic τ_bg), 4 scenes each */
export async function writeRefineGrid(results: readonly RefineBenchResult[], file: string): Promise<void> {
  const cell = 112;
  const gap = 4;
  const head = 50;
  const shown = 4;
  const blockW = 5 * (cell + gap) + 24;
  const blockH = head + shown * (cell + gap + 14) + 10;
  const models = [...new Set(results.map((r) => r.model))];
  const tiers = [...new Set(results.map((r) => r.tier))];
  const c = new Canvas(10 + models.length * blockW, 34 + tiers.length * blockH);
  c.text(10, 20, 'R-CAM@layer2 pseudo-masks on test scenes: raw, the best fixed-τ chain (both τ from the tuning split), the default (fast chain, τ_bg chosen per image)', { size: 13, bold: true });
  results.forEach((r) => {
    const x0 = 10 + models.indexOf(r.model) * blockW;
    const y0 = 34 + tiers.indexOf(r.tier) * blockH;
    c.text(x0, y0 + 16, resultLabel(r), { size: 12, bold: true });
    ['image', 'truth', `raw τ ${r.examples[0]?.tauRaw.toFixed(2)}`, r.examples[0]?.fixedLabel ?? '', 'default'].forEach((t, k) => c.text(x0 + k * (cell + gap) + cell / 2, y0 + head - 8, t, { anchor: 'middle', size: 10 }));
    r.examples.slice(0, shown).forEach((ex, i) => {
      const y = y0 + head + i * (cell + gap + 14);
      const S = ex.scene.size;
      const sc = cell / S;
      c.image(x0, y, ex.scene.rgb, S, S, sc);
      c.image(x0 + (cell + gap), y, labelsRgb(ex.scene.labelMap), S, S, sc);
      c.image(x0 + 2 * (cell + gap), y, labelsRgb(ex.raw), S, S, sc);
      c.image(x0 + 3 * (cell + gap), y, labelsRgb(ex.fixed), S, S, sc);
      c.image(x0 + 4 * (cell + gap), y, labelsRgb(ex.auto), S, S, sc);
      c.text(x0 + 4 * (cell + gap) + cell / 2, y + cell + 11, `τ ${ex.autoTau.toFixed(2)}`, { anchor: 'middle', size: 10, color: [80, 80, 80] });
    });
  });
  await c.writePng(file);
}
