// The fix-cost bench's outputs: the markdown report, the IoU-against-clicks plot per tool,
// and an example strip (image, ground truth, the generated mask, then the smart region's
// first three robot clicks).
import { vocPalette } from '../../../src/masks/palette.ts';
import type { SmartRegionSettings } from '../../../src/masks/smart-region/index.ts';
import { Canvas, type Rgb } from '../quality/raster.ts';
import type { BenchImage } from './data.ts';
import { makeTool, TOOL_LABEL, TOOL_NAMES, type ChainSpec, type SetResult, type Stats, type ToolName, type ToolSettings } from './evaluate.ts';
import type { ImageQueueScores } from './queue-scores.ts';
import type { QueueQuality } from './queue.ts';
import { MAX_CLICKS } from './robot.ts';

/** the queue against the masks' true quality (mIoU) and against their fix cost */
export interface QueueReport {
  quality: { today: QueueQuality; evidence: QueueQuality };
  cost: { today: QueueQuality; evidence: QueueQuality };
}

export interface TierReport {
  tier: string;
  size: string;
  test: SetResult;
  queue: QueueReport;
  images?: BenchImage[];
  scores?: ImageQueueScores[];
}

export interface FixCostReport {
  command: string;
  model: string;
  chain: { method: string; layer: string; refine: string; bg: number | 'auto' };
  smart: SmartRegionSettings;
  tools: ToolSettings;
  tiers: TierReport[];
  tuning: {
    methods: { method: string; noc90: Stats; fail: number; msPerClick: number }[];
    brush: { d: number; noc: number }[];
    accept: { t: number; noc: number }[];
    threshold: { d: number; t: number; noc: number }[];
    chosen: ToolSettings;
    fit: { bias: number; weights: Record<string, number> };
    queue: QueueReport;
  } | null;
  seconds?: number;
}

const f1 = (v: number) => v.toFixed(1);
const f2 = (v: number) => v.toFixed(2);
const pct = (v: number) => `${Math.round(v * 100)} %`;
const st = (s: Stats) => `${f2(s.mean)} / ${s.median % 1 ? s.median.toFixed(1) : s.median}`;

export function renderFixCostReport(r: FixCostReport): string {
  const L: string[] = [];
  L.push('# Fix cost: clicks to fix a generated mask, against drawing it', '');
  L.push(`Command: \`${r.command}\``, '');
  L.push(
    `- Robot annotator (the protocol of RITM, SimpleClick, SAM): each click goes to the interior point, farthest from its border by the distance transform, of the largest error region (4-connected pixels sharing their ground-truth and predicted label) and asks for the ground-truth label there; a run stops at the image's mIoU (background and the classes in either map) ≥ 0.90, or after ${MAX_CLICKS} clicks. NoC@85 / NoC@90: clicks to reach 0.85 / 0.90, ${MAX_CLICKS} when never reached ("fail at ${MAX_CLICKS}").`,
    `- Start: the studio's generated masks, made as a job makes them — ${r.model}, ${r.chain.method}@${r.chain.layer}, refinement \`${r.chain.refine}\`, τ_bg ${bgText(r.chain.bg)}.`,
    `- Smart region: \`${r.smart.method}\` at a working side of ${r.smart.workSide} px (src/masks/smart-region, the function the editor's tool calls). A class click is the tool with the ground-truth class active, a background click Shift-click.`,
    `- Today's tools at the same clicks: flood fill (Shift: background), a brush dab of ${r.tools.brush} px (eraser for background), and "${TOOL_LABEL.tools}". The editor's former CAM tools, kept here as baselines (the editor retired them for the smart region): accept CAM region at τ ${r.tools.acceptTau} (flood fill for background clicks: it cannot erase); threshold brush of ${r.tools.thresholdBrush} px at τ ${r.tools.thresholdTau} (eraser for background). Sizes and τ chosen on ${r.tuning ? 'the tuning split' : "the demo net's tuning split (docs/quality/fixcost.md)"}.`,
    `- Polygon drawing from scratch: per ground-truth region (8-connected, ≥ 16 px), the vertices of the simplest Douglas–Peucker simplification of its pixel-edge outline whose filled polygon reaches 0.90 IoU with it; one click per vertex.`,
    `- Smart region from an empty mask: the same robot and tool starting from all background (what the generated mask saves).`,
    '',
  );
  for (const t of r.tiers) {
    L.push(`## ${t.tier === 'all' ? 'All test scenes' : `Test split: ${t.tier}`} (${t.test.images.length} images${t.size ? `, ${t.size}` : ''})`, '');
    const sm = t.test.tools.smart!;
    const poly = t.test.polygon;
    L.push(
      `Smart region: median NoC@90 **${sm.noc90.median}** (mean ${f2(sm.noc90.mean)}); polygon drawing: median **${poly.median}** clicks (mean ${f1(poly.mean)}) — **${f1(poly.median / Math.max(sm.noc90.median, 1))}× fewer** clicks by median${sm.noc90.median < 1 ? ' (smart median below one click, counted as one)' : ''}, ${f1(poly.mean / sm.noc90.mean)}× by mean. Start mIoU per image: median ${f2(median(t.test.images.map((i) => i.startIoU)))}.`,
      '',
    );
    L.push('| tool | NoC@85 mean / median | NoC@90 mean / median | 0 clicks | fail at 20 | ms per click |', '| --- | --- | --- | --- | --- | --- |');
    for (const name of TOOL_NAMES) {
      const s = t.test.tools[name];
      if (!s) continue;
      L.push(`| ${name === 'smart' ? `**${TOOL_LABEL[name]}**` : TOOL_LABEL[name]} | ${st(s.noc85)} | ${st(s.noc90)} | ${pct(s.zero)} | ${pct(s.fail)} | ${f1(s.msPerClick)} |`);
    }
    L.push(`| ${TOOL_LABEL.polygon} | — | ${st(poly)} | 0 % | — | — |`, '');
    L.push(...queueLines(t.queue), '');
  }
  if (r.tuning) {
    const tu = r.tuning;
    L.push('## Choices on the tuning split (scene seed 31337; the test split above was not used)', '');
    L.push('Smart-region method (each at its settings in src/masks/smart-region/settings.ts):', '');
    L.push('| method | NoC@90 mean / median | fail at 20 | ms per click |', '| --- | --- | --- | --- |');
    for (const m of tu.methods) L.push(`| ${m.method === r.smart.method ? `**${m.method}**` : m.method} | ${st(m.noc90)} | ${pct(m.fail)} | ${f1(m.msPerClick)} |`);
    L.push('');
    L.push(`Brush dab size (mean NoC@90): ${tu.brush.map((b) => `${b.d} px ${f2(b.noc)}`).join(' · ')} → ${tu.chosen.brush} px.`, '');
    L.push(`Accept CAM region τ: ${tu.accept.map((a) => `${a.t} ${f2(a.noc)}`).join(' · ')} → ${tu.chosen.acceptTau}.`, '');
    L.push(`Threshold brush size × τ: ${tu.threshold.map((a) => `${a.d} px/${a.t} ${f2(a.noc)}`).join(' · ')} → ${tu.chosen.thresholdBrush} px, τ ${tu.chosen.thresholdTau}.`, '');
    L.push('Review queue on the tuning split:', '', ...queueLines(tu.queue), '');
    L.push(
      `Least-squares fit of log(1.02 − mIoU) on these tuning scenes (src/services/fix-evidence.ts holds the fit on 300 + 300 tuning scenes): bias ${f2(tu.fit.bias)}, ${Object.entries(tu.fit.weights)
        .map(([k, v]) => `${k} ${f2(v)}`)
        .join(', ')}.`,
      '',
    );
  }
  L.push('![mIoU against clicks per tool](fixcost-curve.png)', '', '![Examples: image, ground truth, generated mask, after 1, 2, 3 smart-region clicks](fixcost-strip.png)', '');
  if (r.seconds !== undefined) L.push(`Run time ${Math.round(r.seconds)} s.`);
  return L.join('\n');
}

function queueLines(q: QueueReport): string[] {
  const row = (name: string, a: QueueQuality, b: QueueQuality) => `| ${name} | ${f2(a.spearman)} | ${pct(a.firstFifth)} | ${f2(b.spearman)} | ${pct(b.firstFifth)} |`;
  return [
    'Review queue ("least confident first"): Spearman ρ between the queue order and the truth, and the share of the worst fifth the queue\'s first fifth holds (chance 20 %).',
    '',
    '| confidence | ρ vs mask mIoU | first fifth (worst mIoU) | ρ vs fix cost | first fifth (costliest) |',
    '| --- | --- | --- | --- | --- |',
    row("today's: mean CAM margin", q.quality.today, q.cost.today),
    row('**refinement evidence → predicted mIoU**', q.quality.evidence, q.cost.evidence),
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const COLORS: Record<ToolName, Rgb> = {
  smart: [214, 39, 40],
  tools: [31, 119, 180],
  fill: [148, 103, 189],
  brush: [44, 160, 44],
  accept: [255, 127, 14],
  threshold: [140, 86, 75],
  empty: [227, 119, 194],
};

export async function writeCurvePlot(r: FixCostReport, file: string): Promise<void> {
  const tiers = r.tiers.filter((t) => t.tier !== 'all');
  const pw = 520;
  const ph = 330;
  const W = 70 + tiers.length * (pw + 80) + 300;
  const H = ph + 130;
  const c = new Canvas(W, H);
  c.text(20, 24, `Mean mIoU after k robot clicks (test split; ${r.chain.method}@${r.chain.layer} + ${r.chain.refine}, τ_bg ${bgText(r.chain.bg)})`, { size: 14, bold: true });
  tiers.forEach((t, k) => {
    const x0 = 70 + k * (pw + 80);
    const y0 = 60;
    const X = (v: number) => x0 + (v / MAX_CLICKS) * pw;
    const Y = (v: number) => y0 + ph - v * ph;
    for (let v = 0; v <= 1.0001; v += 0.1) {
      c.line(x0, Y(v), x0 + pw, Y(v), [230, 230, 230]);
      c.text(x0 - 8, Y(v) + 4, v.toFixed(1), { anchor: 'end', size: 11 });
    }
    for (let k2 = 0; k2 <= MAX_CLICKS; k2 += 2) {
      c.line(X(k2), y0 + ph, X(k2), y0 + ph + 5, [0, 0, 0]);
      c.text(X(k2), y0 + ph + 18, String(k2), { anchor: 'middle', size: 11 });
    }
    c.line(x0, y0, x0, y0 + ph, [0, 0, 0]);
    c.line(x0, y0 + ph, x0 + pw, y0 + ph, [0, 0, 0]);
    c.line(x0, Y(0.9), x0 + pw, Y(0.9), [120, 120, 120], 1, [6, 4]);
    c.text(x0 + pw - 4, Y(0.9) - 5, 'goal 0.90', { anchor: 'end', size: 10, color: [90, 90, 90] });
    c.text(x0 + pw / 2, y0 - 10, `${t.tier} (${t.test.images.length} images)`, { anchor: 'middle', size: 13, bold: true });
    c.text(x0 + pw / 2, y0 + ph + 38, 'clicks', { anchor: 'middle', size: 12 });
    c.text(x0 - 44, y0 + ph / 2, 'mean mIoU', { anchor: 'middle', size: 12, rotate: true });
    for (const name of TOOL_NAMES) {
      const s = t.test.tools[name];
      if (!s) continue;
      for (let i = 1; i < s.curve.length; i++) c.line(X(i - 1), Y(s.curve[i - 1]), X(i), Y(s.curve[i]), COLORS[name], name === 'smart' ? 3 : 2);
    }
    c.text(x0 + 8, y0 + ph - 10, `polygon drawing: median ${t.test.polygon.median} clicks from scratch`, { size: 11, color: [60, 60, 60] });
  });
  const lx = 70 + tiers.length * (pw + 80);
  TOOL_NAMES.forEach((name, k) => {
    c.rect(lx, 70 + k * 22, 16, 4, COLORS[name]);
    c.text(lx + 24, 76 + k * 22, TOOL_LABEL[name], { size: 11 });
  });
  await c.writePng(file);
}

const PAL = vocPalette();
function labelsRgb(l: Uint8Array): Uint8Array {
  const o = new Uint8Array(l.length * 3);
  for (let i = 0; i < l.length; i++) o.set(PAL.subarray(l[i] * 3, l[i] * 3 + 3), i * 3);
  return o;
}

/**
 * Test images that need clicks, one each of NoC@90 = 1, 2, 3, more, and a failure (the
 * first of each in scene order): image, GT, start, then after 1, 2, 3 smart-region clicks.
 */
export async function writeStrip(t: TierReport, _chain: ChainSpec, smart: SmartRegionSettings, file: string): Promise<void> {
  const all = t.test.images.map((img, i) => ({ img, i, n: img.runs.smart ? img.runs.smart.ious.findIndex((v) => v >= 0.9) : -1 }));
  const kinds: ((n: number) => boolean)[] = [(n) => n === 1, (n) => n === 2, (n) => n === 3, (n) => n > 3, (n) => n < 0];
  const picks = kinds.flatMap((k) => all.filter((a) => k(a.n)).slice(0, 1));
  const S = t.images?.[0]?.width ?? 128;
  const scale = Math.max(1, Math.floor(256 / S));
  const cell = S * scale;
  const gap = 8;
  const top = 56;
  const cols = ['image', 'ground truth', 'generated mask', 'after 1 click', 'after 2 clicks', 'after 3 clicks'];
  const c = new Canvas(cols.length * (cell + gap) + 20, top + picks.length * (cell + 26 + gap) + 30);
  c.text(10, 22, `Smart region (${smart.method}) fixing generated masks, test split (${t.tier}); white squares: the robot's clicks (centre: the class asked for)`, { size: 13, bold: true });
  cols.forEach((name, k) => c.text(10 + k * (cell + gap) + cell / 2, top - 8, name, { anchor: 'middle', size: 12 }));
  picks.forEach(({ img, i }, row) => {
    const bench = t.images![i];
    const run = img.runs.smart!;
    const y = top + row * (cell + 26 + gap);
    const put = (k: number, rgb: Uint8Array) => c.image(10 + k * (cell + gap), y, rgb, bench.width, bench.height, scale);
    put(0, bench.rgb);
    put(1, labelsRgb(bench.gt));
    const tool = makeTool('smart', bench, smart, { brush: 1, acceptTau: 0.5, thresholdBrush: 1, thresholdTau: 0.5 });
    const labels = img.start.slice();
    put(2, labelsRgb(labels));
    c.text(10 + 2 * (cell + gap) + 4, y + cell + 16, `mIoU ${run.ious[0].toFixed(3)}`, { size: 11 });
    for (let k = 0; k < 3 && k < run.clicks.length; k++) {
      const ck = run.clicks[k];
      tool(labels, ck);
      put(3 + k, labelsRgb(labels));
      const mx = 10 + (3 + k) * (cell + gap) + (ck.x + 0.5) * scale;
      const my = y + (ck.y + 0.5) * scale;
      c.marker(mx, my, [255, 255, 255], 9);
      c.marker(mx, my, [PAL[ck.target * 3], PAL[ck.target * 3 + 1], PAL[ck.target * 3 + 2]], 5);
      c.text(10 + (3 + k) * (cell + gap) + 4, y + cell + 16, `mIoU ${run.ious[k + 1].toFixed(3)}${ck.target === 0 ? ' (Shift: background)' : ''}`, { size: 11 });
    }
    c.text(10 + 4, y + cell + 16, `${bench.name} (NoC@90 ${run.ious.findIndex((v) => v >= 0.9) < 0 ? 'fail' : run.ious.findIndex((v) => v >= 0.9)})`, { size: 11 });
  });
  await c.writePng(file);
}

/** 'auto' is the studio's default: τ_bg chosen per image */
function bgText(bg: number | 'auto'): string {
  return bg === 'auto' ? 'chosen per image (the default: Otsu × 1.05 on the refined scores)' : `${bg} (fixed)`;
}
