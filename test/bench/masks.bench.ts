// `npm run bench -- masks [--reps N]`: re-thresholding speed — one 512×512 label map from
// two stored 64×64 float16 CAMs (decode + normalise + bilinear upsample + argmax), the
// path a live threshold slider drives; plus the optional ignore band / clean-up, and the
// encode of the result as the stored PNG. Prints median and min per variant.
import { camFromFloat16, camsToLabels, type MaskSettings } from '../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../src/masks/float16.ts';
import { encodeLabelPng } from '../../src/project/png.ts';

function camBlob(seed: number): Uint8Array {
  const v = new Float32Array(64 * 64);
  for (let y = 0; y < 64; y++) {
    for (let x = 0; x < 64; x++) {
      const dx = x - 20 - seed * 20;
      const dy = y - 32;
      v[y * 64 + x] = Math.exp(-(dx * dx + dy * dy) / 200) + 0.05 * Math.sin(x * 0.7 + y * 0.3 + seed);
    }
  }
  return encodeFloat16(v);
}

function time(reps: number, fn: () => void): { median: number; min: number } {
  for (let i = 0; i < 3; i++) fn(); // warm-up (JIT)
  const t: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0] };
}

export async function run(args: string[]): Promise<void> {
  const i = args.indexOf('--reps');
  const reps = i >= 0 ? Number(args[i + 1]) : 50;
  const blobs = [camBlob(0), camBlob(1)];
  const W = 512;
  const H = 512;
  const variants: [string, Partial<MaskSettings>, boolean][] = [
    ['τ_bg only (relu-max)', { bg: 0.2 }, false],
    ['τ_bg only (minmax)', { bg: 0.2, normalisation: 'minmax' }, false],
    ['+ ignore band δ=0.05', { bg: 0.2, ignoreBand: 0.05 }, false],
    ['+ band + clean-up (minArea 64, fill holes)', { bg: 0.2, ignoreBand: 0.05, minArea: 64, fillHoles: true }, false],
    ['τ_bg only + PNG encode', { bg: 0.2 }, true],
  ];
  const rows: string[][] = [];
  for (const [name, settings, png] of variants) {
    const r = time(reps, () => {
      const cams = blobs.map((b, k) => camFromFloat16(k + 1, 64, 64, b));
      const labels = camsToLabels(cams, W, H, settings);
      if (png) encodeLabelPng(labels, W, H);
    });
    rows.push([name, r.median.toFixed(2), r.min.toFixed(2)]);
  }
  console.log(`512×512 label map from 2 classes × 64×64 float16 CAMs, ${reps} reps, Node ${process.version}\n`);
  console.log('| variant | median ms | min ms |');
  console.log('|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  console.log('\ntarget: < 20 ms per re-threshold');
}
