// docs/quality/refine.md from the refinement benchmark's results: both models side by side
// (the default, the best fixed-τ chain, calibration from fixes), the automatic τ_bg's factor
// chosen on the tuning splits of every model, the τ tables, every detail source × chain.
import { refinedLabels, REFINE_PRESETS, DEFAULT_REFINE_PRESET, DEFAULT_AUTO_BACKGROUND } from '../../../src/masks/refine/index.ts';
import { FIX_FACTORS, FIX_GAIN_COEF } from '../../../src/masks/refine/from-fixes.ts';
import { camsToLabels, type ClassCam } from '../../../src/masks/cam-mask.ts';
import type { BackgroundChoice } from '../../../src/contract/calibration.ts';
import { CHAINS, FIX_COEFS, FIX_DRAWS, FIX_STARTS, REFINE_LAYERS, type RefineBenchResult } from './refine.ts';

const FIX_IMAGES = FIX_DRAWS.images;

const f3 = (v: number) => v.toFixed(3);
const pct = (v: number) => `${Math.round(v * 100)} %`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

export interface StepTiming {
  step: string;
  ms: number;
  cpuMs: number;
}

/** what a result is called in tables: the model's folder and the tier */
export const resultLabel = (r: RefineBenchResult) => `${modelName(r)} · ${r.tier}`;
export const modelName = (r: RefineBenchResult) => (r.model.includes('resnet18') ? `ResNet-18 (${r.size} px)` : `demo net (${r.size} px)`);

/** The automatic rule's factor chosen on the tuning splits: the best mean tuning mIoU of the default chain over every model × tier. */
export function chooseFactor(results: readonly RefineBenchResult[]): { factor: number; meanTuning: number; perFactor: { factor: number; mean: number }[] } {
  const perFactor = FIX_FACTORS.map((factor) => ({
    factor,
    mean: mean(results.map((r) => r.taus.find((t) => t.chain === DEFAULT_REFINE_PRESET)!.factors.find((f) => f.factor === factor)!.tuning)),
  }));
  const best = perFactor.reduce((a, b) => (b.mean > a.mean ? b : a));
  return { factor: best.factor, meanTuning: best.mean, perFactor };
}

const recipe = (r: { refine: string; background: BackgroundChoice }) =>
  `${r.refine === 'none' ? 'raw' : r.refine}, ${r.background.kind === 'auto' ? `auto ×${r.background.factor.toFixed(2)}` : `τ ${r.background.bg.toFixed(2)}`}`;

/** the headline numbers of one result */
export function headline(r: RefineBenchResult) {
  const def = r.taus.find((t) => t.chain === DEFAULT_REFINE_PRESET)!;
  const cells = r.taus.flatMap((t) => t.miou.map((m, k) => ({ chain: t.chain, tau: t.taus[k], miou: m, good: t.good[k] })));
  const bestCell = cells.reduce((a, b) => (b.miou > a.miou ? b : a));
  const old = def.miou[def.taus.indexOf(0.4)];
  /** per start (FIX_STARTS): the rest's mIoU after calibration (mean, worst), the job's own, the best fixed-τ chain's and the best fixed-τ cell's (means) */
  const fixes = (start: string) => {
    const ds = (r.fixes?.draws ?? []).filter((d) => d.start === start);
    const after = ds.map((d) => d.rest.calibrated);
    return {
      mean: ds.length ? mean(after) : NaN,
      worst: ds.length ? Math.min(...after) : NaN,
      own: ds.length ? mean(ds.map((d) => d.rest.start)) : NaN,
      tunedFixed: ds.length ? mean(ds.map((d) => d.rest.tunedFixed)) : NaN,
      bestFixed: ds.length ? mean(ds.map((d) => d.rest.bestFixedOnRest)) : NaN,
      recommended: ds.filter((d) => d.recommended).length,
      draws: ds.length,
    };
  };
  return {
    raw: r.scores.find((s) => s.method === 'rcam' && s.layer === 'layer2' && s.chain === 'raw')!,
    auto: def.auto,
    oldDefault: { miou: old, good: def.good[def.taus.indexOf(0.4)] },
    bestCell,
    tunedFixed: r.tunedFixed,
    fixes,
  };
}

function sideBySide(results: readonly RefineBenchResult[]): string[] {
  const rows: [string, (r: RefineBenchResult) => string][] = [
    ['raw R-CAM@layer2 (τ from the tuning split)', (r) => { const h = headline(r); return `${f3(h.raw.test)} (τ ${h.raw.tau.toFixed(2)})`; }],
    [`before: \`${DEFAULT_REFINE_PRESET}\`, τ_bg 0.4 (the old default)`, (r) => { const h = headline(r); return `${f3(h.oldDefault.miou)} · ${pct(h.oldDefault.good)}`; }],
    [`**default, no flags**: \`${DEFAULT_REFINE_PRESET}\`, τ_bg per image (Otsu ×${DEFAULT_AUTO_BACKGROUND.factor})`, (r) => { const h = headline(r); return `**${f3(h.auto.miou)}** · ${pct(h.auto.good)} (mean τ ${h.auto.meanTau.toFixed(2)})`; }],
    ['best fixed-τ chain, chosen on the tuning split', (r) => (r.tunedFixed ? `${f3(r.tunedFixed.test)} (\`${r.tunedFixed.chain}\`, τ ${r.tunedFixed.tau.toFixed(2)})` : '—')],
    ['best fixed-τ cell of the test split itself', (r) => { const h = headline(r); return `${f3(h.bestCell.miou)} · ${pct(h.bestCell.good)} (\`${h.bestCell.chain}\`, τ ${h.bestCell.tau.toFixed(2)})`; }],
    ['default − best fixed-τ cell', (r) => { const h = headline(r); const d = h.auto.miou - h.bestCell.miou; return `${d >= 0 ? '+' : ''}${f3(d)}`; }],
    ...FIX_STARTS.map((s): [string, (r: RefineBenchResult) => string] => [
      `calibrated from ${FIX_IMAGES} fixed images of a job that ran the ${s.name}: the rest of the split (mean · worst of the draws; the job's own; changed in how many draws)`,
      (r) => {
        const x = headline(r).fixes(s.name);
        return `${f3(x.mean)} · ${f3(x.worst)} (own ${f3(x.own)}; ${x.recommended}/${x.draws})`;
      },
    ]),
    ['best fixed-τ chain (tuning split) / best fixed-τ cell of each rest, on the same rests (means)', (r) => { const x = headline(r).fixes(FIX_STARTS[0].name); return `${f3(x.tunedFixed)} / ${f3(x.bestFixed)}`; }],
  ];
  const out = [`| test split (R-CAM@layer2; mIoU · share of images with their own mIoU ≥ 0.8) | ${results.map(resultLabel).join(' | ')} |`, `| --- | ${results.map(() => '---').join(' | ')} |`];
  for (const [name, cell] of rows) out.push(`| ${name} | ${results.map(cell).join(' | ')} |`);
  return out;
}

function factorTable(results: readonly RefineBenchResult[]): string[] {
  const choice = chooseFactor(results);
  const out = [`| tuning split, \`${DEFAULT_REFINE_PRESET}\` chain | ${FIX_FACTORS.map((f) => `×${f.toFixed(2)}`).join(' | ')} | best fixed τ |`, `| --- | ${FIX_FACTORS.map(() => '---').join(' | ')} | --- |`];
  for (const r of results) {
    const t = r.taus.find((x) => x.chain === DEFAULT_REFINE_PRESET)!;
    const fixed = r.scores.find((s) => s.method === 'rcam' && s.layer === 'layer2' && s.chain === DEFAULT_REFINE_PRESET)!;
    out.push(`| ${resultLabel(r)} | ${t.factors.map((f) => (f.factor === choice.factor ? `**${f3(f.tuning)}**` : f3(f.tuning))).join(' | ')} | ${f3(fixed.tuning)} (τ ${fixed.tau.toFixed(2)}) |`);
  }
  out.push(`| mean | ${choice.perFactor.map((p) => (p.factor === choice.factor ? `**${f3(p.mean)}**` : f3(p.mean))).join(' | ')} | |`);
  out.push('', `Chosen on the tuning splits: **×${choice.factor.toFixed(2)}** (mean ${f3(choice.meanTuning)}); the studio's rule (src/masks/refine/calibrate.ts DEFAULT_AUTO_BACKGROUND) uses ×${DEFAULT_AUTO_BACKGROUND.factor.toFixed(2)}${choice.factor === DEFAULT_AUTO_BACKGROUND.factor ? '.' : ' — **they differ: update the constant**.'}`);
  return out;
}

function tauTable(r: RefineBenchResult): string[] {
  const taus = r.taus[0].taus;
  const out = [`| chain | ${taus.map((t) => `τ ${t.toFixed(2)}`).join(' | ')} | **auto** (mean τ) |`, `| --- | ${taus.map(() => '---').join(' | ')} | --- |`];
  for (const t of r.taus) {
    const best = Math.max(...t.miou);
    const cells = t.miou.map((m, k) => `${m === best ? `**${f3(m)}**` : f3(m)} · ${pct(t.good[k])}`);
    out.push(`| \`${t.chain}\` | ${cells.join(' | ')} | **${f3(t.auto.miou)}** · ${pct(t.auto.good)} (${t.auto.meanTau.toFixed(2)}) |`);
  }
  return out;
}

function sourceTable(r: RefineBenchResult): string[] {
  const methods = [...new Set(r.scores.map((s) => s.method))];
  const chains = CHAINS.map((c) => c.name).filter((c) => r.scores.some((s) => s.chain === c));
  const out = [`| detail source | ${chains.join(' | ')} |`, `| --- | ${chains.map(() => '---').join(' | ')} |`];
  for (const m of methods) {
    for (const l of REFINE_LAYERS) {
      const cells = chains.map((c) => {
        const s = r.scores.find((x) => x.method === m && x.layer === l && x.chain === c);
        return s ? `${f3(s.test)} (${f3(s.tuning)}, τ ${s.tau.toFixed(2)}) · auto ${f3(s.autoTest)}` : '—';
      });
      const n = r.scores.find((x) => x.method === m)!.scenes;
      out.push(`| ${m}@${l}${n !== r.scenes ? ` (${n} scenes)` : ''} | ${cells.join(' | ')} |`);
    }
  }
  return out;
}

function fixesTable(r: RefineBenchResult): string[] {
  const out = ['| the job ran | fixed images | recommended | after calibration (rest) | the job\'s own (rest) | best fixed-τ chain, tuning split (rest) | best fixed-τ cell of the rest |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const d of r.fixes?.draws ?? []) {
    out.push(`| ${d.start} | ${d.fixed[0]}–${d.fixed[1] - 1} | ${d.recommended ? recipe(d.proposed) : '— (keeps its own)'} | **${f3(d.rest.calibrated)}** | ${f3(d.rest.start)} | ${f3(d.rest.tunedFixed)} | ${f3(d.rest.bestFixedOnRest)} |`);
  }
  return out;
}

/** The evidence margin of calibration from fixes (coef/√n), chosen on the tuning splits: the rest's mean mIoU per model × tier × start. */
function marginTable(results: readonly RefineBenchResult[]): string[] {
  const out = [`| tuning split: the rest's mean mIoU after ${FIX_IMAGES} fixes | ${FIX_COEFS.map((c) => `${c}/√n`).join(' | ')} | the job's own |`, `| --- | ${FIX_COEFS.map(() => '---').join(' | ')} | --- |`];
  const sums = FIX_COEFS.map(() => 0);
  let rows = 0;
  for (const r of results) {
    for (const s of FIX_STARTS) {
      const ms = (r.fixes?.margins ?? []).filter((m) => m.start === s.name);
      if (!ms.length) continue;
      rows++;
      FIX_COEFS.forEach((c, k) => (sums[k] += ms.find((m) => m.coef === c)!.mean));
      out.push(`| ${resultLabel(r)}, the job ran the ${s.name} | ${FIX_COEFS.map((c) => f3(ms.find((m) => m.coef === c)!.mean)).join(' | ')} | ${f3(ms[0].startMean)} |`);
    }
  }
  const means = sums.map((v) => v / rows);
  const best = FIX_COEFS[means.indexOf(Math.max(...means))];
  out.push(`| mean | ${means.map((v, k) => (FIX_COEFS[k] === best ? `**${f3(v)}**` : f3(v))).join(' | ')} | |`);
  out.push('', `Best on the tuning splits: **${best}/√n**; the studio's rule (src/masks/refine/from-fixes.ts requiredGain) uses ${FIX_GAIN_COEF}/√n${best === FIX_GAIN_COEF ? '.' : ' — **they differ**.'}`);
  return out;
}

export function renderRefineReport(all: readonly RefineBenchResult[], timings: StepTiming[], command: string): string {
  // the comparisons below are R-CAM@layer2's: results without it (a Score-CAM-only run) have only their rows
  const results = all.filter((r) => r.taus.length > 0);
  const lines = [
    '# Refinement benchmark: CAMs → masks worth fixing, on two classifiers',
    '',
    `Command: \`${command}\``,
    '',
    '- Models: the 128-px demo net (layer2 16×16×32) and a torchvision ResNet-18 at 224 px (layer2 28×28×128) trained by the same `demo/tools/train.py` (see docs/quality/README.md for where it lives). Scenes: tuning split seed 31337, test split seed 90210 (the raw part\'s held-out scenes), Fashion-MNIST t10k items only, which no classifier saw in training; at each model\'s input size.',
    '- A fixed τ_bg is chosen on the tuning split and reported on the test split; **auto** is the studio\'s per-image τ_bg (Otsu\'s threshold of the image\'s own refined score map × a factor, src/masks/refine/calibrate.ts): no ground truth, nothing tuned per model; its one factor was chosen on the tuning splits of both models (table below).',
    '- Masks as the batch pipeline makes them: float16 maps → `src/masks/refine` (normalise at feature resolution → working size → gate → PAR → image size) → argmax over the tags vs τ_bg → clean-ups. Maps are cached per model × method × split (test/bench/quality/map-cache.ts), so every sweep below re-uses one model run.',
    `- Chains: \`gate\` = the default chain's gate alone (R^a · deep^(1−a)); \`PAR\` = its PAR alone; \`fast\` / \`best\` = the presets; \`+ fill + clean\` adds hole filling and removal of regions < 32 px; \`+ ignore band\` sends |s − τ| ≤ 0.05 to 255 (a miss); \`fast, work 4×grid\` is the default chain at a working size relative to the layer2 grid (4 px per cell: 64 px on the demo net, where it is \`fast\`, 112 px on the ResNet-18) instead of 64 px. Preset values: \`fast\` ${JSON.stringify(REFINE_PRESETS.fast)}; \`best\` ${JSON.stringify(REFINE_PRESETS.best)}.`,
    '- Calibration from fixes: the test split\'s images k·10 … k·10+9 (k = 0…9) stand in for a person\'s first fixed masks (their ground truth) of a job that ran the default or the old default (τ 0.4); the studio ranks every preset chain × automatic factor 0.8–1.3 or fixed τ 0.1–0.7 on those 10 images (src/masks/refine/from-fixes.ts) and recommends the top one only when it beats the job\'s own by the evidence margin; the recipe it ends with is scored on the other 190 images.',
    '',
    '## Both models side by side',
    '',
    ...sideBySide(results),
    '',
    '## The automatic τ_bg\'s factor, chosen on the tuning splits',
    '',
    ...factorTable(results),
    '',
    '## How much evidence calibration from fixes asks for, chosen on the tuning splits',
    '',
    `A recipe is recommended only when it beats the job's own on the fixed images by coef/√n (n fixed images). Draws: images k·${FIX_IMAGES} … k·${FIX_IMAGES}+${FIX_IMAGES - 1} of the tuning split, k = 0…9.`,
    '',
    ...marginTable(results),
    '',
  ];
  for (const r of all) {
    lines.push(`## ${resultLabel(r)} — ${r.scenes} scenes per split (${r.executor}, ${r.seconds.toFixed(0)} s)`, '');
    if (!r.taus.length) {
      lines.push(...sourceTable(r), '');
      continue;
    }
    lines.push('R-CAM@layer2 on the test split, mIoU · share of images with their own mIoU ≥ 0.8, per fixed τ_bg and with the automatic τ_bg:', '');
    lines.push(...tauTable(r), '');
    lines.push('Calibration from 10 fixed images (their ground truth standing in for the person), scored on the rest of the test split:', '');
    lines.push(...fixesTable(r), '');
    lines.push('Every detail source × chain: test mIoU at the τ_bg tuned on the tuning split (tuning mIoU, τ) · test mIoU with the automatic τ_bg:', '');
    lines.push(...sourceTable(r), '');
    const ms = Object.entries(r.msPerScene).map(([k, v]) => `${k} ${v.toFixed(1)} ms`);
    lines.push(`Maps → scores per scene (R-CAM@layer2, ${r.size}×${r.size}, this run, loaded machine): ${ms.join(' · ')}.`, '');
  }
  if (timings.length) {
    const base = timings[0];
    lines.push('## Time per step at 512×512, 2 classes (demo net\'s maps; one core; wall and CPU ms per image, ratio against raw labels measured in the same run)', '');
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
  const auto = { bgAuto: { ...DEFAULT_AUTO_BACKGROUND } };
  const steps: [string, () => unknown][] = [
    ['raw labels (no chain)', () => camsToLabels(cams, size, size, { bg: 0.4 })],
    ['raw labels, automatic τ_bg', () => camsToLabels(cams, size, size, auto)],
    ['gate only (fast)', () => refinedLabels(input, { ...fast, par: null }, { bg: 0.4 })],
    ['PAR only (fast)', () => refinedLabels(input, { ...fast, gate: null }, { bg: 0.4 })],
    ['fast chain', () => refinedLabels(input, fast, { bg: 0.4 })],
    ['fast chain, automatic τ_bg (the default)', () => refinedLabels(input, fast, auto)],
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
