// docs/quality/examples.png: one row per example scene — image, ground truth, then for each
// method at the chosen layer its map (per pixel the highest of the tags' relu-max
// normalised, upsampled maps) and its mask (camsToLabels at that method's best τ_bg).
import { argmaxMaps, camsToLabels, upsampleCams } from '../../../src/masks/cam-mask.ts';
import { vocPalette } from '../../../src/masks/palette.ts';
import { FASHION_CLASSES } from '../../../demo/scenes/classes.ts';
import { Canvas, heat } from './raster.ts';
import type { ExampleScene, Variant } from './evaluate.ts';
import type { QualitySummary } from './summary.ts';
import { LABEL, best } from './report.ts';

const PAL = vocPalette();

function labelsToRgb(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length * 3);
  for (let i = 0; i < labels.length; i++) out.set(PAL.subarray(labels[i] * 3, labels[i] * 3 + 3), i * 3);
  return out;
}

function heatRgb(map: Float32Array): Uint8Array {
  const out = new Uint8Array(map.length * 3);
  for (let i = 0; i < map.length; i++) out.set(heat(map[i]), i * 3);
  return out;
}

export async function writeGrid(s: QualitySummary, examples: ExampleScene[], file: string, layer = 'layer2', variants: Variant[] = ['rcam', 'gradcam', 'gradcampp', 'layercam', 'scorecam']): Promise<void> {
  const cell = 128;
  const gap = 6;
  const left = 150;
  const top = 80;
  const cols = 2 + variants.length * 2;
  const W = left + cols * (cell + gap) + 10;
  const H = top + examples.length * (cell + gap) + 70;
  const c = new Canvas(W, H);
  const colX = (k: number) => left + k * (cell + gap);
  c.text(10, 20, `Example held-out scenes (${s.meta.tier}); maps and masks at ${layer}, each method's mask at its best τ_bg (relu-max, float16 maps, camsToLabels)`, { size: 13, bold: true });
  c.text(colX(0) + cell / 2, top - 10, 'image', { anchor: 'middle', size: 12 });
  c.text(colX(1) + cell / 2, top - 10, 'ground truth', { anchor: 'middle', size: 12 });
  variants.forEach((v, j) => {
    const b = best(s, v, layer);
    c.text(colX(2 + 2 * j) + cell / 2, top - 26, LABEL[v], { anchor: 'middle', size: 12, bold: true });
    c.text(colX(2 + 2 * j) + cell / 2, top - 10, 'map', { anchor: 'middle', size: 11 });
    c.text(colX(3 + 2 * j) + cell / 2, top - 10, `mask τ=${b ? b.tau.toFixed(2) : '?'}`, { anchor: 'middle', size: 11 });
  });
  examples.forEach((ex, r) => {
    const y = top + r * (cell + gap);
    const S = ex.scene.size;
    const names = ex.scene.tags.map((t) => FASHION_CLASSES[t]);
    c.text(10, y + 20, `scene ${ex.scene.index}`, { size: 12, bold: true });
    names.forEach((n, k) => c.text(10, y + 40 + k * 16, n, { size: 11, color: [PAL[(ex.scene.tags[k] + 1) * 3], PAL[(ex.scene.tags[k] + 1) * 3 + 1], PAL[(ex.scene.tags[k] + 1) * 3 + 2]] }));
    c.image(colX(0), y, ex.scene.rgb, S, S, cell / S);
    c.image(colX(1), y, labelsToRgb(ex.scene.labelMap), S, S, cell / S);
    variants.forEach((v, j) => {
      const cams = ex.cams.get(`${v}@${layer}`);
      if (!cams) return;
      const { score } = argmaxMaps(upsampleCams(cams, S, S, 'relu-max'), S * S);
      c.image(colX(2 + 2 * j), y, heatRgb(score), S, S, cell / S);
      const tau = best(s, v, layer)?.tau ?? 0.2;
      c.image(colX(3 + 2 * j), y, labelsToRgb(camsToLabels(cams, S, S, { bg: tau })), S, S, cell / S);
    });
  });
  // class colour legend
  const ly = top + examples.length * (cell + gap) + 20;
  FASHION_CLASSES.forEach((n, k) => {
    const x = 10 + k * 150;
    c.rect(x, ly, 14, 14, [PAL[(k + 1) * 3], PAL[(k + 1) * 3 + 1], PAL[(k + 1) * 3 + 2]]);
    c.text(x + 20, ly + 12, n, { size: 11 });
  });
  c.text(10, ly + 40, 'map colours: 0 (dark violet) … 1 (yellow); masks and ground truth in the VOC palette (black = background)', { size: 11, color: [60, 60, 60] });
  await c.writePng(file);
}
