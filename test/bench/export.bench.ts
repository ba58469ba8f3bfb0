// `npm run bench -- export [--count N] [--size WxH]`: builds a synthetic project in a temp
// dir (N small JPEGs in cat/ and dog/ folders, imported without thumbnails, each with a
// saved mask: two rectangles, a diagonal blob and an ignore border), then times VOC, COCO
// and YOLO exports of all N masks and prints time and files/s. Nothing is kept.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { exportProject, type ExportFormat } from '../../src/export/index.ts';
import { encodeLabelPng } from '../../src/project/png.ts';
import { createProject } from '../../src/project/index.ts';
import { rgbPixels, uniqueJpeg } from '../helpers/images.ts';

function maskFor(i: number, w: number, h: number, cls: number): Uint8Array {
  const m = new Uint8Array(w * h);
  const x0 = i % (w >> 2);
  const y0 = (i >> 3) % (h >> 2);
  for (let y = y0; y < y0 + (h >> 2); y++) for (let x = x0; x < x0 + (w >> 2); x++) m[y * w + x] = cls;
  for (let y = h >> 1; y < h - 2; y++) for (let x = w >> 1; x < w - 2 - (i % 5); x++) m[y * w + x] = 3 - cls;
  for (let k = 0; k < Math.min(w, h) >> 2; k++) m[(k + 2) * w + (w >> 1) + k] = cls;
  for (let x = 0; x < w; x++) m[x] = 255;
  return m;
}

export async function run(args: string[]): Promise<void> {
  const ci = args.indexOf('--count');
  const count = ci >= 0 ? Number(args[ci + 1]) : 10_000;
  const si = args.indexOf('--size');
  const [W, H] = si >= 0 ? args[si + 1].split('x').map(Number) : [64, 48];
  const root = mkdtempSync(join(tmpdir(), 'studio-export-bench-'));
  try {
    const data = join(root, 'data');
    const bases = await Promise.all(
      [0, 1, 2, 3].map((s) => sharp(rgbPixels(W, H, s), { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 80 }).toBuffer()),
    );
    for (const c of ['cat', 'dog']) mkdirSync(join(data, c), { recursive: true });
    for (let i = 0; i < count; i++) writeFileSync(join(data, i % 2 ? 'dog' : 'cat', `img_${String(i).padStart(6, '0')}.jpg`), uniqueJpeg(bases[i % 4], i));
    const p = createProject(join(root, 'proj'));
    const t0 = performance.now();
    const rep = await p.importDataset(data, { layout: 'folders', thumbnails: false });
    const tImport = performance.now() - t0;
    const items = p.listImages({ offset: 0, limit: 1, sort: 'id' }).total;
    const t1 = performance.now();
    let saved = 0;
    p.db.transaction(() => {
      for (let off = 0; off < items; off += 1000) {
        for (const img of p.listImages({ offset: off, limit: 1000, sort: 'id' }).items) {
          const cls = img.name.startsWith('cat/') ? 1 : 2;
          p.saveMask(img.id, encodeLabelPng(maskFor(img.id, W, H, cls), W, H), { source: 'edited' });
          saved++;
        }
      }
    })();
    const tMasks = performance.now() - t1;
    console.log(`synthetic project: ${rep.added} images ${W}×${H} (import ${(tImport / 1000).toFixed(1)} s), ${saved} masks saved in ${(tMasks / 1000).toFixed(1)} s; Node ${process.version}\n`);
    console.log('| format | images | files | time s | files/s | masks/s |');
    console.log('|---|---|---|---|---|---|');
    for (const format of ['voc', 'coco', 'yolo'] as ExportFormat[]) {
      const out = join(root, `out-${format}`);
      const t = performance.now();
      const r = await exportProject(p, { format, out, split: { val: 0.1, seed: 1 } });
      const s = (performance.now() - t) / 1000;
      console.log(`| ${format} | ${r.images} | ${r.files} | ${s.toFixed(2)} | ${(r.files / s).toFixed(0)} | ${(r.images / s).toFixed(0)} |`);
      if (r.skipped.length) console.log(`(${r.skipped.length} skipped, e.g. ${r.skipped[0].image}: ${r.skipped[0].reason})`);
    }
    p.close();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
