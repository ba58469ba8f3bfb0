// The faithfulness report (stdout and docs/quality/faithfulness.md): per model, every method ×
// layer with both Average Drop / Increase definitions, deletion / insertion AUC and the
// localisation IoU in both readings; the paper's supplementary Table 2 beside ours with the
// ratios R-CAM / Grad-CAM and R-CAM / CLRP; and which method each measure favours, computed
// from the numbers (never written by hand).
import { INPUT_LAYER } from '../../../src/engine/layer-names.ts';
import { rowKey, type FaithResult, type FaithRow } from './evaluate.ts';

export interface FaithModelSummary extends FaithResult {
  label: string;
  command: string;
}

export interface FaithSummary {
  models: FaithModelSummary[];
}

const f = (v: number | null | undefined, digits: number) => (v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(digits));
const f1 = (v: number | null | undefined) => f(v, 1);
const f3 = (v: number | null | undefined) => f(v, 3);
const ratio = (a: number, b: number) => (!(b > 0) || Number.isNaN(a) ? '—' : (a / b).toFixed(2));

function table(head: string[], rows: string[][]): string[] {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** supplementary Table 2 of the paper : localisation IoU at "25 %" and "75 %" */
export const PAPER_TABLE2 = [
  { model: 'ResNet152 (maxpool3)', threshold: '25%', gradcam: 0.28, rcam: 0.42, clrp: 0.39 },
  { model: 'ResNet152 (maxpool3)', threshold: '75%', gradcam: 0.44, rcam: 0.52, clrp: 0.49 },
  { model: 'GoogleNet (maxpool3)', threshold: '25%', gradcam: 0.26, rcam: 0.38, clrp: 0.37 },
  { model: 'GoogleNet (maxpool3)', threshold: '75%', gradcam: 0.47, rcam: 0.51, clrp: 0.47 },
];

export const METHOD_LABEL: Record<string, string> = {
  rcam: 'R-CAM',
  clrp: 'CLRP',
  gradcam: 'Grad-CAM',
  gradcampp: 'Grad-CAM++',
  layercam: 'Layer-CAM',
  scorecam: 'Score-CAM',
};

/** the measures, which way is better, and how they print */
export const MEASURES: { key: keyof FaithRow; label: string; better: 'low' | 'high'; fmt: (v: number) => string }[] = [
  { key: 'averageDrop', label: 'Average Drop, authors (%)', better: 'low', fmt: f1 },
  { key: 'increase', label: 'Increase, authors (%)', better: 'high', fmt: f1 },
  { key: 'averageDropStd', label: 'Average Drop, standard (%)', better: 'low', fmt: f1 },
  { key: 'increaseStd', label: 'Increase, standard (%)', better: 'high', fmt: f1 },
  { key: 'deletionAuc', label: 'deletion AUC', better: 'low', fmt: f3 },
  { key: 'insertionAuc', label: 'insertion AUC', better: 'high', fmt: f3 },
  { key: 'locIoU25', label: 'IoU ≥ 25 % of max', better: 'high', fmt: f3 },
  { key: 'locIoU75', label: 'IoU ≥ 75 % of max', better: 'high', fmt: f3 },
  { key: 'locIoU25TopK', label: 'IoU top 25 % px', better: 'high', fmt: f3 },
  { key: 'locIoU75TopK', label: 'IoU top 75 % px', better: 'high', fmt: f3 },
];

const find = (r: FaithResult, method: string, layer: string) => r.rows.find((x) => x.method === method && x.layer === layer);
/** a measure of a row, NaN where it is undefined (absent, or null as read back from JSON) */
const val = (x: FaithRow | undefined, key: keyof FaithRow): number => {
  const v = x?.[key];
  return typeof v === 'number' ? v : NaN;
};
const layersOf = (r: FaithResult) => [...new Set(r.rows.map((x) => x.layer))].filter((l) => l !== INPUT_LAYER);
const methodsOf = (r: FaithResult) => [...new Set(r.rows.map((x) => x.method))];

const rowLabel = (x: FaithRow) => `${METHOD_LABEL[x.method] ?? x.method}${x.method === 'scorecam' ? ' †' : ''}`;

export function renderModel(m: FaithModelSummary): string[] {
  const out: string[] = [];
  out.push(`## ${m.label}`, '');
  out.push(
    `${m.model}, input ${m.inputSize.join('×')}, class scores through ${m.output}; ${m.dataset}; every tagged class of every image is one explained pair. ` +
      `Deletion / insertion in ${m.steps} steps on the first ${m.curveImages} images; Score-CAM (†) on the first ${m.scorecamImages}. Executor ${m.executor}; ${(m.seconds / 60).toFixed(1)} min.`,
    '',
    `\`${m.command}\``,
    '',
  );
  const head = ['method', 'layer', 'AD authors ↓', 'Inc authors ↑', 'AD std ↓', 'Inc std ↑', 'deletion ↓', 'insertion ↑', 'IoU 25 % max', 'IoU 75 % max', 'IoU top 25 %', 'IoU top 75 %', 'pairs'];
  out.push(
    ...table(
      head,
      m.rows.map((x) => [rowLabel(x), x.layer, ...MEASURES.map((ms) => ms.fmt(val(x, ms.key))), String(m.extra[rowKey(x.method, x.layer)]?.pairs ?? 0)]),
    ),
    '',
  );
  out.push(...substrates(m), '');
  out.push(...paperComparison(m), '');
  out.push(...winners(m), '');
  return out;
}

/** what the curves start and end at: the class score on the image, on the black image, on the blurred one (the same for every method) */
function substrates(m: FaithResult): string[] {
  const e = Object.values(m.extra).find((x) => x.curves > 0);
  if (!e) return [];
  const s = m.steps;
  return [
    `Curve end points (the same for every method, over the ${e.curves} pairs with curves): mean class score ${f3(e.deletionCurve[0])} on the image, ${f3(e.deletionCurve[s])} on the black image (deletion's end), ` +
      `${f3(e.insertionCurve[0])} on the blurred image (insertion's start). Insertion can only separate the methods inside that last gap.`,
  ];
}

/** our localisation IoU beside the paper's Table 2, with the two ratios the paper's claim rests on */
function paperComparison(m: FaithResult): string[] {
  const out: string[] = ['**Beside the paper\'s Table 2** (localisation IoU; the paper does not say which reading its "25 %" / "75 %" means, so both are given):', ''];
  const rows: string[][] = PAPER_TABLE2.map((p) => [`paper: ${p.model}`, p.threshold, p.gradcam.toFixed(2), p.rcam.toFixed(2), p.clrp.toFixed(2), '—', ratio(p.rcam, p.gradcam), ratio(p.rcam, p.clrp), '—']);
  const readings = [
    { key25: 'locIoU25', key75: 'locIoU75', name: '≥ % of max' },
    { key25: 'locIoU25TopK', key75: 'locIoU75TopK', name: 'top % of pixels' },
  ] as const;
  const input = find(m, 'clrp', INPUT_LAYER);
  for (const layer of layersOf(m)) {
    const g = find(m, 'gradcam', layer);
    const r = find(m, 'rcam', layer);
    const c = find(m, 'clrp', layer);
    for (const rd of readings) {
      for (const [th, key] of [['25%', rd.key25], ['75%', rd.key75]] as const) {
        const [gv, rv, cv, iv] = [val(g, key), val(r, key), val(c, key), val(input, key)];
        rows.push([`ours: ${layer}, ${rd.name}`, th, f3(gv), f3(rv), f3(cv), f3(iv), ratio(rv, gv), ratio(rv, cv), ratio(rv, iv)]);
      }
    }
  }
  out.push(...table(['model (layer), reading', 'threshold', 'Grad-CAM', 'R-CAM', 'CLRP', 'CLRP at the input', 'R-CAM / Grad-CAM', 'R-CAM / CLRP', 'R-CAM / CLRP input'], rows));
  // the paper's claim: R-CAM localises better than both Grad-CAM and CLRP
  let cells = 0;
  let beatsGrad = 0;
  let beatsClrp = 0;
  for (const layer of layersOf(m)) {
    for (const key of ['locIoU25', 'locIoU75', 'locIoU25TopK', 'locIoU75TopK'] as const) {
      const r = val(find(m, 'rcam', layer), key);
      const g = val(find(m, 'gradcam', layer), key);
      const c = val(find(m, 'clrp', layer), key);
      if ([r, g, c].some(Number.isNaN)) continue;
      cells++;
      if (r > g) beatsGrad++;
      if (r > c) beatsClrp++;
    }
  }
  if (cells > 0) {
    out.push('', `The paper's claim (R-CAM above Grad-CAM and above CLRP at both thresholds): here R-CAM is above Grad-CAM in ${beatsGrad} of ${cells} (layer, reading, threshold) cells and above CLRP at the same layer in ${beatsClrp} of ${cells}.`);
  }
  return out;
}

/** per layer and measure, the best method (ties: all of them) */
function winners(m: FaithResult): string[] {
  const layers = [...layersOf(m)];
  const pairs = (method: string, layer: string) => m.extra[rowKey(method, layer)]?.pairs ?? 0;
  // only methods measured on every pair at that layer compete (Score-CAM ran on a subset)
  const full = (layer: string) => methodsOf(m).filter((method) => pairs(method, layer) > 0 && pairs(method, layer) === Math.max(...methodsOf(m).map((x) => pairs(x, layer))));
  const left = [...new Set(layers.flatMap((layer) => methodsOf(m).filter((x) => pairs(x, layer) > 0 && !full(layer).includes(x))))];
  const rows = MEASURES.map((ms) => [
    `${ms.label} (${ms.better === 'low' ? 'lower' : 'higher'} is better)`,
    ...layers.map((layer) => {
      const cands = full(layer)
        .map((method) => ({ method, v: val(find(m, method, layer), ms.key) }))
        .filter((c) => !Number.isNaN(c.v));
      if (cands.length === 0) return '—';
      const best = ms.better === 'low' ? Math.min(...cands.map((c) => c.v)) : Math.max(...cands.map((c) => c.v));
      const rcam = cands.find((c) => c.method === 'rcam');
      const rank = rcam ? 1 + cands.filter((c) => (ms.better === 'low' ? c.v < rcam.v : c.v > rcam.v)).length : null;
      const names = cands.filter((c) => c.v === best).map((c) => METHOD_LABEL[c.method] ?? c.method).join(', ');
      return `${names}${rank !== null ? ` (R-CAM ${rank}/${cands.length})` : ''}`;
    }),
  ]);
  const note = left.length ? ` ${left.map((x) => METHOD_LABEL[x] ?? x).join(', ')} ran on a subset of the images and is left out here; its rows above are on that subset only.` : '';
  return [`**Which method each measure favours** (best method per layer; R-CAM's rank among the methods measured on every pair).${note}`, '', ...table(['measure', ...layers], rows)];
}

export function renderReport(s: FaithSummary): string {
  const out: string[] = [
    '# Faithfulness and localisation: the Relevance-CAM paper\'s own measures',
    '',
    'Written by `npm run bench -- faithfulness` (test/bench/faithfulness.bench.ts); the definitions are in test/bench/metrics/faithfulness.ts.',
    '',
    '- **AD / Inc authors**: Average Drop and Increase by the authors\' protocol (their code): the map\'s top 50 % kept as a *soft* mask (its values), the [0, 1] image multiplied by it (removed pixels black), AD = mean relative drop over the pairs whose score **dropped** (their denominator), Inc = 100 · share of pairs whose score did not drop.',
    '- **AD / Inc std**: the standard definition (Grad-CAM++; TorchCAM\'s `ClassificationMetric`): the whole [0, 1] map times the preprocessed input, AD = (100/N) Σ max(0, Y − O)/Y over all N pairs, Inc = 100 · share with Y < O. (In `--json`, `averageDropStd` / `increaseStd` mean this *standard definition*, not a standard deviation.)',
    '- **deletion / insertion**: RISE\'s curves — pixels ranked by the map, removed (set black) or inserted into a blurred copy (Gaussian σ = 5 px at 224 px) in equal steps; the area under the class-score curve (deletion lower is better, insertion higher).',
    '- **IoU**: the [0, 1] display map thresholded at "25 %" / "75 %" against the box of the class\'s ground-truth pixels (one item per class in these scenes), in both readings: pixels ≥ 25 % / 75 % of the map\'s maximum, and the top 25 % / 75 % of pixels (note the directions: 75 % of max is the *smaller* region, the top 75 % of pixels the *larger*).',
    '- Scores are the model\'s own output activation (sigmoid: the demo nets are multi-label), so Y is each tagged class\'s probability, not a softmax share.',
    '',
  ];
  for (const m of s.models) out.push(...renderModel(m), `![${m.label}](${plotName(m.label)})`, '');
  return out.join('\n');
}

/** the plot file of one model, beside the report */
export function plotName(label: string): string {
  return `faithfulness-${label.replace(/[^\w-]+/g, '-')}.png`;
}
