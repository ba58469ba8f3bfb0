// docs/quality/refine.md and refine-examples.png from the refinement benchmark's results.
import { vocPalette } from '../../../src/masks/palette.ts';
import { refinedLabels, REFINE_PRESETS, DEFAULT_REFINE_PRESET } from '../../../src/masks/refine/index.ts';
import { camsToLabels, type ClassCam } from '../../../src/masks/cam-mask.ts';
import { Canvas } from './raster.ts';
import { CHAINS, REFINE_LAYERS, type ChainScore, type RefineBenchResult } from './refine.ts';

const f3 = (v: number) => v.toFixed(3);

export interface StepTiming {
  step: string;
  ms: number;
  cpuMs: number;
}

function table(r: RefineBenchResult): string[] {
  const methods = [...new Set(r.scores.map((s) => s.method))];
  const chains = CHAINS.map((c) => c.name).filter((c) => r.scores.some((s) => s.chain === c));
  const out = [`| detail source | ${chains.join(' | ')} |`, `| --- | ${chains.map(() => '---').join(' | ')} |`];
  for (const m of methods) {
    for (const l of REFINE_LAYERS) {
      const cells = chains.map((c) => {
        const s = r.scores.find((x) => x.method === m && x.layer === l && x.chain === c);
        return s ? `${f3(s.test)} (${f3(s.tuning)}, τ ${s.tau.toFixed(2)})` : '—';
      });
      out.push(`| ${m}@${l} | ${cells.join(' | ')} |`);
    }
  }
  return out;
}

export function verdictLines(r: RefineBenchResult): string[] {
  const get = (m: string, l: string, c: string) => r.scores.find((s) => s.method === m && s.layer === l && s.chain === c);
  const raw = r.scores.filter((s) => s.chain === 'raw').sort((a, b) => b.test - a.test);
  const chained = r.scores.filter((s) => s.chain !== 'raw').sort((a, b) => b.test - a.test);
  const r2 = r.scores.filter((s) => s.method === 'rcam' && s.layer === 'layer2' && s.chain !== 'raw').sort((a, b) => b.test - a.test);
  const def = get('rcam', 'layer2', DEFAULT_REFINE_PRESET)!;
  const lines = [
    `- Raw R-CAM@layer2: **${f3(get('rcam', 'layer2', 'raw')!.test)}**; best raw method × layer: ${raw[0].method}@${raw[0].layer} ${f3(raw[0].test)}.`,
    `- The default chain (\`${DEFAULT_REFINE_PRESET}\`) on R-CAM@layer2: **${f3(def.test)}** (τ_bg ${def.tau.toFixed(2)} from the tuning split) — ${def.test > raw[0].test ? 'above' : 'not above'} every raw method × layer.`,
    `- Best chain with R-CAM@layer2 as the detail source: \`${r2[0].chain}\` ${f3(r2[0].test)}.`,
    `- Best of everything: ${chained[0].method}@${chained[0].layer} + \`${chained[0].chain}\` ${f3(chained[0].test)}.`,
  ];
  return lines;
}

export function renderRefineReport(results: RefineBenchResult[], timings: StepTiming[], command: string): string {
  const lines = [
    '# Refinement benchmark: CAMs → masks worth fixing',
    '',
    `Command: \`${command}\``,
    '',
    '- Each cell: **test-split mIoU** at the τ_bg chosen on the tuning split (the tuning split\'s own mIoU, the chosen τ_bg). Tuning split: scene seed 31337; test split: the held-out scenes of results.md (seed 90210); both use Fashion-MNIST t10k items only, which no classifier saw in training.',
    '- Masks as the batch pipeline makes them: float16-stored maps → `src/masks/refine` (normalise at feature resolution → working size → gate → PAR → image size) → argmax over the tags vs τ_bg → clean-ups. `raw` is today\'s pipeline without a chain.',
    `- Chains: \`gate\` = cross-layer gating only (R^a · deep^(1−a), deep = the deeper of layer3/layer4 the detail layer has); \`PAR\` = PAR only; \`fast\` / \`best\` = the presets (gate + PAR); \`+ fill + clean\` adds hole filling and removal of regions < 32 px; \`+ ignore band\` sends |s − τ| ≤ 0.05 to 255 (counted as a miss for the pixel's class). Preset values: \`fast\` ${JSON.stringify(REFINE_PRESETS.fast)}; \`best\` ${JSON.stringify(REFINE_PRESETS.best)}.`,
    '',
  ];
  for (const r of results) {
    lines.push(`## ${r.model} — ${r.tier} scenes at ${r.size}×${r.size} (${r.scenes} per split, ${r.executor}, ${r.seconds.toFixed(0)} s)`, '');
    lines.push(...verdictLines(r), '');
    lines.push(...table(r), '');
    const ms = Object.entries(r.msPerScene).map(([k, v]) => `${k} ${v.toFixed(1)} ms`);
    lines.push(`Labels per scene (R-CAM@layer2, ${r.size}×${r.size}, this run, loaded machine): ${ms.join(' · ')}.`, '');
  }
  if (timings.length) {
    const base = timings[0];
    lines.push('## Time per step at 512×512, 2 classes (one core; wall and CPU ms per image, ratio against raw labels measured in the same run)', '');
    lines.push('| step | ms | CPU ms | × raw |', '| --- | --- | --- | --- |');
    for (const t of timings) lines.push(`| ${t.step} | ${t.ms.toFixed(1)} | ${t.cpuMs.toFixed(1)} | ${(t.cpuMs / base.cpuMs).toFixed(2)} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Per step at 512×512 with 2 classes: wall and CPU time per image (`reps` runs after a warm-up). */
export function timeSteps(rgb: Uint8Array, size: number, cams: ClassCam[], deep: Record<string, ClassCam[]>, reps = 20): StepTiming[] {
  const input = { width: size, height: size, rgb, cams, deep };
  const fast = REFINE_PRESETS.fast!;
  const best = REFINE_PRESETS.best!;
  const steps: [string, () => unknown][] = [
    ['raw labels (no chain)', () => camsToLabels(cams, size, size, { bg: 0.4 })],
    ['gate only (best)', () => refinedLabels(input, { ...best, par: null }, { bg: 0.4 })],
    ['PAR only (fast)', () => refinedLabels(input, { ...fast, gate: null }, { bg: 0.4 })],
    ['PAR only (best)', () => refinedLabels(input, { ...best, gate: null }, { bg: 0.4 })],
    ['fast chain', () => refinedLabels(input, fast, { bg: 0.4 })],
    ['best chain', () => refinedLabels(input, best, { bg: 0.4 })],
    ['best chain + fill + clean', () => refinedLabels(input, best, { bg: 0.4, fillHoles: true, minArea: 32, smallTo: 'background' })],
  ];
  return steps.map(([step, f]) => {
    for (let i = 0; i < 3; i++) f();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) f();
    const wall = (performance.now() - t0) / reps;
    const c = process.cpuUsage(c0);
    return { step, ms: wall, cpuMs: (c.user + c.system) / 1000 / reps };
  });
}

const PAL = vocPalette();
const labelsRgb = (l: Uint8Array) => {
  const out = new Uint8Array(l.length * 3);
  for (let i = 0; i < l.length; i++) out.set(l[i] === 255 ? [255, 255, 255] : PAL.subarray(l[i] * 3, l[i] * 3 + 3), i * 3);
  return out;
};

/** image | ground truth | raw R-CAM@layer2 | refined (best chain), per example scene and model */
export async function writeRefineGrid(results: RefineBenchResult[], file: string): Promise<void> {
  const cell = 160;
  const gap = 6;
  const top = 70;
  const blockW = 4 * (cell + gap) + 24;
  const rows = Math.max(...results.map((r) => r.examples.length));
  const c = new Canvas(10 + results.length * blockW, top + rows * (cell + gap) + 20);
  c.text(10, 20, 'R-CAM@layer2 pseudo-masks, raw vs the best refinement chain (test split; τ_bg from the tuning split)', { size: 14, bold: true });
  results.forEach((r, b) => {
    const x0 = 10 + b * blockW;
    c.text(x0, 42, `${r.model.split('/').slice(-2).join('/')} · ${r.tier} · ${r.size} px`, { size: 12, bold: true });
    ['image', 'ground truth', `raw (τ ${r.examples[0]?.tauRaw.toFixed(2)})`, `refined (τ ${r.examples[0]?.tauRefined.toFixed(2)})`].forEach((t, k) =>
      c.text(x0 + k * (cell + gap) + cell / 2, top - 8, t, { anchor: 'middle', size: 12 }),
    );
    r.examples.forEach((ex, i) => {
      const y = top + i * (cell + gap);
      const S = ex.scene.size;
      const sc = cell / S;
      c.image(x0, y, ex.scene.rgb, S, S, sc);
      c.image(x0 + (cell + gap), y, labelsRgb(ex.scene.labelMap), S, S, sc);
      c.image(x0 + 2 * (cell + gap), y, labelsRgb(ex.raw), S, S, sc);
      c.image(x0 + 3 * (cell + gap), y, labelsRgb(ex.refined), S, S, sc);
    });
  });
  await c.writePng(file);
}

export type { ChainScore };

const CHAIN_COLOURS: Record<string, readonly [number, number, number]> = {
  raw: [150, 150, 150],
  gate: [230, 159, 0],
  PAR: [86, 180, 233],
  fast: [0, 158, 115],
  best: [0, 114, 178],
  'best + fill + clean': [204, 121, 167],
  'best + ignore band': [213, 94, 0],
};

/** docs/quality/refine.png: test-split mIoU per detail source (rcam and layercam, layers 2–4), one bar per chain, one panel per model × tier */
export async function writeRefinePlot(results: RefineBenchResult[], file: string): Promise<void> {
  const panelW = 430;
  const panelH = 300;
  const W = 40 + results.length * (panelW + 30) + 170;
  const H = panelH + 140;
  const c = new Canvas(W, H);
  c.text(20, 24, 'Test-split mIoU by detail source and refinement chain (τ_bg tuned on the tuning split)', { size: 14, bold: true });
  const chains = CHAINS.map((x) => x.name);
  results.forEach((r, p) => {
    const x0 = 60 + p * (panelW + 30);
    const y0 = 60;
    const sources = ['rcam', 'layercam'].flatMap((m) => REFINE_LAYERS.map((l) => [m, l] as const)).filter(([m, l]) => r.scores.some((s) => s.method === m && s.layer === l));
    c.text(x0, y0 - 8, `${r.model.split('/').slice(-2).join('/')} · ${r.tier} · ${r.size} px`, { size: 12, bold: true });
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
        c.rect(x0 + g * groupW + 5 + k * bw, y0 + panelH - h, Math.max(1, bw - 1), h, CHAIN_COLOURS[ch] ?? [0, 0, 0]);
      });
      c.text(x0 + g * groupW + groupW / 2, y0 + panelH + 16, `${m === 'rcam' ? 'R-CAM' : 'Layer-CAM'}`, { anchor: 'middle', size: 10 });
      c.text(x0 + g * groupW + groupW / 2, y0 + panelH + 30, l, { anchor: 'middle', size: 10 });
    });
  });
  let ly = 70;
  const lx = W - 160;
  for (const ch of chains) {
    c.rect(lx, ly - 10, 14, 14, CHAIN_COLOURS[ch]);
    c.text(lx + 20, ly + 2, ch, { size: 11 });
    ly += 20;
  }
  c.text(20, H - 20, 'mIoU over 11 classes incl. background; masks as the batch pipeline makes them (float16 maps, src/masks/refine).', { size: 11, color: [60, 60, 60] });
  await c.writePng(file);
}
