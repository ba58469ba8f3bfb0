// `npm run bench -- import [--count N] [--no-thumbnails] [--grid-rows N]`: generates a synthetic
// VOC-style folder (small JPEGs, annotations, splits, ~10% ground-truth masks) in a temp
// dir, imports it into a fresh project with progress, and prints time, images/s and the
// peak RSS sampled during the import; then times the grid's query on a project of
// --grid-rows synthetic images (default 100 000, 0 to skip). Nothing is committed or kept.
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeLabelPng } from '../../src/project/png.ts';
import { createProject } from '../../src/project/index.ts';
import { VOC_CLASSES, vocPalette } from '../../src/masks/palette.ts';
import { rgbPixels, uniqueJpeg, vocXml } from '../helpers/images.ts';

const W = 64;
const H = 48;

/** A synthetic VOC folder of `count` small JPEGs (annotations, splits, ~10% masks); also used by import-ui. */
export async function generate(dir: string, count: number): Promise<void> {
  for (const sub of ['JPEGImages', 'Annotations', 'ImageSets/Main', 'SegmentationClass']) mkdirSync(join(dir, sub), { recursive: true });
  const bases = await Promise.all(
    Array.from({ length: 16 }, (_, s) => sharp(rgbPixels(W, H, s), { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 80 }).toBuffer()),
  );
  const palette = vocPalette();
  const train: string[] = [];
  const val: string[] = [];
  for (let i = 0; i < count; i++) {
    const stem = `2026_${String(i).padStart(6, '0')}`;
    const objects = [VOC_CLASSES[i % 20], ...(i % 3 === 0 ? [VOC_CLASSES[(i * 7) % 20]] : [])];
    writeFileSync(join(dir, 'JPEGImages', `${stem}.jpg`), uniqueJpeg(bases[i % 16], i));
    writeFileSync(join(dir, 'Annotations', `${stem}.xml`), vocXml({ stem, width: W, height: H, objects }));
    (i % 5 === 0 ? val : train).push(stem);
    if (i % 10 === 0) {
      const m = new Uint8Array(W * H);
      for (let p = 0; p < m.length; p++) m[p] = p % W < W / 2 ? 1 + (i % 20) : 0;
      writeFileSync(join(dir, 'SegmentationClass', `${stem}.png`), encodeLabelPng(m, W, H, palette));
    }
  }
  writeFileSync(join(dir, 'ImageSets/Main/train.txt'), train.join('\n') + '\n');
  writeFileSync(join(dir, 'ImageSets/Main/val.txt'), val.join('\n') + '\n');
}

/** The grid's query at scale: synthetic rows (no files), median of 7 runs per query. */
function gridTimings(dir: string, rows: number): [string, string][] {
  const p = createProject(dir);
  for (const n of VOC_CLASSES) p.addClass(n);
  const statuses = ['unreviewed', 'generated', 'edited', 'approved', 'rejected'] as const;
  p.db.transaction(() => {
    for (let i = 0; i < rows; i++) {
      const id = p.images.insert(
        { name: `img/${String((i * 7919) % rows).padStart(7, '0')}.jpg`, path: `/synthetic/${i}.jpg`, hash: `h${i}`, size: 1, width: 64, height: 48, orientation: 1, format: 'jpeg', split: null },
        'now',
      );
      p.images.addTags(id, [1 + (i % 20), 1 + ((i * 7) % 20)]);
      if (i % 2) p.images.setStatus(id, statuses[i % 5]);
    }
  })();
  const median = (q: Parameters<typeof p.listImages>[0]) => {
    const ts: number[] = [];
    for (let k = 0; k < 7; k++) {
      const t = performance.now();
      p.listImages(q);
      ts.push(performance.now() - t);
    }
    return ts.sort((a, b) => a - b)[3].toFixed(1);
  };
  const out: [string, string][] = [
    [`grid @${rows}: first page by name (ms)`, median({ offset: 0, limit: 200 })],
    [`grid @${rows}: page at 90% by name (ms)`, median({ offset: Math.floor(rows * 0.9), limit: 200 })],
    [`grid @${rows}: class filter, middle page (ms)`, median({ classIndex: 3, offset: Math.floor(rows / 20), limit: 200 })],
    [`grid @${rows}: class+status, middle page (ms)`, median({ classIndex: 3, status: 'unreviewed', offset: Math.floor(rows / 40), limit: 200 })],
    [`grid @${rows}: status sort, page at 50% (ms)`, median({ sort: 'status', offset: Math.floor(rows / 2), limit: 200 })],
    [`grid @${rows}: name search (ms)`, median({ search: '00123', offset: 0, limit: 200 })],
  ];
  p.close();
  return out;
}

const mb = (b: number) => (b / 2 ** 20).toFixed(0);

export async function run(args: string[]): Promise<void> {
  const countAt = args.indexOf('--count');
  const count = countAt >= 0 ? Number(args[countAt + 1]) : 10_000;
  const thumbnails = !args.includes('--no-thumbnails');
  const gridAt = args.indexOf('--grid-rows');
  const gridRows = gridAt >= 0 ? Number(args[gridAt + 1]) : 100_000;
  const root = mkdtempSync(join(tmpdir(), 'bench-import-'));
  try {
    const data = join(root, 'VOC');
    let t0 = performance.now();
    await generate(data, count);
    const genS = (performance.now() - t0) / 1000;

    const project = createProject(join(root, 'project'));
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sample = () => {
      peak = Math.max(peak, process.memoryUsage().rss);
    };
    const timer = setInterval(sample, 20);
    let lastPct = -1;
    t0 = performance.now();
    const report = await project.importDataset(data, {
      thumbnails,
      onProgress: ({ done, total }) => {
        const pct = Math.floor((done / total) * 10);
        if (pct !== lastPct) {
          lastPct = pct;
          sample();
          process.stderr.write(`  import ${pct * 10}% (${done}/${total})\n`);
        }
      },
    });
    const importS = (performance.now() - t0) / 1000;
    clearInterval(timer);
    sample();

    t0 = performance.now();
    const page = project.listImages({ classIndex: 15, status: 'unreviewed', sort: 'name', offset: Math.floor(count / 40), limit: 200 });
    const pageMs = performance.now() - t0;
    const info = project.info();
    project.close();
    const dbBytes = statSync(join(root, 'project', 'project.sqlite')).size;

    const rows: [string, string][] = [
      ['images in dataset', String(count)],
      ['generate dataset (s)', genS.toFixed(1)],
      ['thumbnails', thumbnails ? 'yes (256 px JPEG)' : 'no (headers only)'],
      ['added / skipped / errors', `${report.added} / ${report.skipped} / ${report.errors.length}`],
      ['ground-truth masks', String(report.masks)],
      ['import time (s)', importS.toFixed(2)],
      ['images/s', (count / importS).toFixed(0)],
      ['RSS before import (MiB)', mb(rssBefore)],
      ['peak RSS during import (MiB)', mb(peak)],
      ['project.sqlite (MiB)', (dbBytes / 2 ** 20).toFixed(1)],
      ['grid page (class+status, 200 rows) ms', pageMs.toFixed(1)],
      ['info: images / tagged / masks', `${info.images} / ${info.tagged} / ${info.masks}`],
      ...(gridRows > 0 ? gridTimings(join(root, 'grid'), gridRows) : []),
    ];
    const w = Math.max(...rows.map((r) => r[0].length));
    console.log(`| ${'metric'.padEnd(w)} | value |`);
    console.log(`|${'-'.repeat(w + 2)}|-------|`);
    for (const [k, v] of rows) console.log(`| ${k.padEnd(w)} | ${v} |`);
    if (page.items.length === 0) console.log('(warning: the sample grid page was empty)');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
