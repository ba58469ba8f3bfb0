// The fix-cost bench's parts (test/bench/fixcost): the robot's click choice and distance
// transform against brute force, the polygon baseline on shapes whose vertex counts are
// known, the queue metrics on hand-worked orders, and the any-dataset path end to end —
// a tiny folder of PNGs with a tag list and ground truth written here, scored with the
// committed demo classifier, its --json in the shape, and the one-line errors.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { fillPolygonsEvenOdd } from '../../../src/masks/polygon-fill.ts';
import { run } from '../../bench/fixcost.bench.ts';
import { crackOutline, polygonClicks } from '../../bench/fixcost/polygon.ts';
import { queueQuality, ranks, spearman } from '../../bench/fixcost/queue.ts';
import { distanceInside, nextClick, noc, runRobot } from '../../bench/fixcost/robot.ts';
import { tempDir } from '../../helpers/images.ts';

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('robot annotator', () => {
  it('distance transform: squared distance to the nearest pixel outside the region (or the image)', () => {
    const r = rng(3);
    const w = 13;
    const h = 9;
    const region = Int32Array.from({ length: w * h }, () => (r() < 0.7 ? 1 : 0));
    const d = distanceInside(region, 1, w, h);
    for (let p = 0; p < w * h; p++) {
      if (region[p] !== 1) continue;
      const x = p % w;
      const y = Math.floor(p / w);
      let best = Infinity;
      // outside pixels, and the ring of pixels just beyond the image border
      for (let yy = -1; yy <= h; yy++) {
        for (let xx = -1; xx <= w; xx++) {
          const out = xx < 0 || yy < 0 || xx >= w || yy >= h || region[yy * w + xx] !== 1;
          if (out) best = Math.min(best, (xx - x) ** 2 + (yy - y) ** 2);
        }
      }
      expect(d[p]).toBe(best);
    }
  });

  it('clicks the interior of the largest error region and asks for its true label', () => {
    const w = 20;
    const h = 10;
    const gt = new Uint8Array(w * h);
    const pred = new Uint8Array(w * h);
    // a 3×3 false positive and a 7×7 missed block of class 2 (the larger: its centre is clicked)
    for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) pred[y * w + x] = 1;
    for (let y = 1; y < 8; y++) for (let x = 10; x < 17; x++) gt[y * w + x] = 2;
    expect(nextClick(pred, gt, w, h)).toEqual({ x: 13, y: 4, target: 2 });
    // nothing wrong: no click
    expect(nextClick(gt, gt, w, h)).toBeNull();
  });

  it('stops at the goal; NoC counts clicks, the maximum when never reached', () => {
    const w = 8;
    const h = 8;
    const gt = new Uint8Array(w * h);
    for (let p = 0; p < 32; p++) gt[p] = 1;
    // a tool that fills the whole error region each click: one click fixes everything
    const perfect = (labels: Uint8Array) => labels.set(gt);
    const r = runRobot(new Uint8Array(w * h), gt, w, h, perfect);
    expect(r.clicks.length).toBe(1);
    expect(r.ious).toEqual([expect.closeTo(0.5 * (32 / 64), 9), 1]);
    expect(noc(r, 0.9)).toBe(1);
    const useless = runRobot(new Uint8Array(w * h), gt, w, h, () => undefined, 0.9, 5);
    expect(useless.clicks.length).toBe(5);
    expect(noc(useless, 0.9, 5)).toBe(5);
  });
});

describe('polygon drawing baseline', () => {
  it('outlines reproduce the region when filled by pixel centres (8-connected diagonals included)', () => {
    const r = rng(9);
    const w = 12;
    const h = 10;
    const mask = new Uint8Array(w * h);
    // a blob plus a diagonal neighbour, inside a one-pixel margin
    for (let y = 2; y < 7; y++) for (let x = 2; x < 8; x++) if (r() < 0.85 || (x === 4 && y === 4)) mask[y * w + x] = 1;
    mask[7 * w + 8] = 1;
    mask[6 * w + 7] = 1;
    // keep only the component of (4, 4), filled (the outline drops holes)
    const outline = crackOutline(mask, w, h);
    const filled = fillPolygonsEvenOdd([outline], w, h);
    for (let p = 0; p < w * h; p++) if (mask[p]) expect(filled[p]).toBe(1);
  });

  it('counts the vertices of the simplest polygon reaching 0.90 IoU per region; specks are skipped', () => {
    const w = 40;
    const h = 30;
    const gt = new Uint8Array(w * h);
    for (let y = 3; y < 15; y++) for (let x = 4; x < 24; x++) gt[y * w + x] = 1; // a rectangle: 4
    for (let y = 18; y < 28; y++) for (let x = 2; x < 12; x++) if (x < 6 || y >= 24) gt[y * w + x] = 3; // an L: 6
    gt[1 * w + 38] = 2; // a 1-px speck
    expect(polygonClicks(gt, w, h)).toEqual({ clicks: 4 + 6, regions: 2, short: 0 });
  });
});

describe('queue metrics', () => {
  it('ranks share ties; Spearman ρ is the Pearson correlation of the ranks', () => {
    expect(ranks([10, 30, 20, 20])).toEqual([1, 4, 2.5, 2.5]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    // ranks 1..5 vs 2,1,4,3,5: Σd² = 4, ρ = 1 − 6·4 / (5·24) = 0.8
    expect(spearman([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])).toBeCloseTo(0.8, 12);
  });

  it('first fifth: the share of the costliest fifth among the first fifth of the queue', () => {
    // 10 images: the costliest two are 7 and 2 (cost 9, 8); the queue puts 7 and 5 first
    const cost = [0, 1, 8, 2, 3, 4, 0, 9, 1, 2];
    const need = [0, 0, 1, 0, 0, 5, 0, 6, 0, 0];
    expect(queueQuality(need, cost, cost.map(() => 0)).firstFifth).toBe(0.5);
    // equal costs are ordered by the tie-break (higher = worse)
    expect(queueQuality([0, 1, 0, 0, 0], [5, 5, 0, 0, 0], [0, 1, 0, 0, 0]).firstFifth).toBe(1);
  });
});

describe('npm run bench -- fixcost on a folder (--images --tags --gt --model --json)', () => {
  const tmp = tempDir('studio-fixcost-');
  afterAll(() => tmp.cleanup());
  const W = 64;
  const H = 48;
  const images = join(tmp.dir, 'images');
  const gtDir = join(tmp.dir, 'gt');
  const tags = join(tmp.dir, 'tags.csv');
  // the demo model's classes: label k + 1 = class k (Trouser = 2, Bag = 9)
  const items = [
    { name: 'a.png', tag: 'Trouser', label: 2, box: [8, 6, 28, 40] },
    { name: 'b.png', tag: 'Bag', label: 9, box: [30, 10, 58, 36] },
  ];

  async function writeDataset(): Promise<void> {
    mkdirSync(images, { recursive: true });
    mkdirSync(gtDir, { recursive: true });
    for (const it of items) {
      const [x0, y0, x1, y1] = it.box;
      const rgb = Buffer.alloc(W * H * 3);
      const gt = new Uint8Array(W * H);
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inside = x >= x0 && x < x1 && y >= y0 && y < y1;
          rgb.set(inside ? [200, 190, 170] : [40, 60, 90], (y * W + x) * 3);
          if (inside) gt[y * W + x] = it.label;
        }
      }
      await sharp(rgb, { raw: { width: W, height: H, channels: 3 } }).png().toFile(join(images, it.name));
      writeFileSync(join(gtDir, it.name), encodeLabelPng(gt, W, H));
    }
    writeFileSync(tags, ['image,tags', ...items.map((i) => `${i.name},${i.tag}`)].join('\n') + '\n');
  }

  const args = (json: string) => ['--images', images, '--tags', tags, '--gt', gtDir, '--model', 'demo/model/classifier.onnx', '--cache', 'none', '--json', json];

  it('writes the issue\'s JSON shape: clicks, shares in 0..1, the polygon baseline at 4 clicks per box', async () => {
    await writeDataset();
    const out = join(tmp.dir, 'out.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await run(args(out));
      expect(log.mock.calls.map((c) => String(c[0])).join('\n')).toContain('| **smart region** |');
    } finally {
      log.mockRestore();
    }
    const j = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(j).sort()).toEqual(['baselines', 'fail', 'noc85', 'noc90', 'zero']);
    expect(Object.keys(j.baselines).sort()).toEqual(['empty', 'polygon', 'tools']);
    const stat = expect.objectContaining({ mean: expect.any(Number), median: expect.any(Number) });
    for (const s of [j.noc85, j.noc90, j.baselines.tools.noc90, j.baselines.empty.noc90]) {
      expect(s).toEqual(stat);
      expect(Object.keys(s).sort()).toEqual(['mean', 'median']);
      expect(s.mean).toBeGreaterThanOrEqual(0);
      expect(s.mean).toBeLessThanOrEqual(20);
    }
    expect(j.baselines.polygon.noc90).toEqual({ mean: 4, median: 4 });
    for (const share of [j.zero, j.fail]) {
      expect(share).toBeGreaterThanOrEqual(0);
      expect(share).toBeLessThanOrEqual(1);
    }
    // NoC@85 never exceeds NoC@90 image by image, so neither does its mean
    expect(j.noc85.mean).toBeLessThanOrEqual(j.noc90.mean);
  }, 180_000);

  it('bad input fails with one line naming the file and the problem', async () => {
    await writeDataset();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      writeFileSync(join(gtDir, 'b.png'), encodeLabelPng(new Uint8Array(10 * 10), 10, 10));
      await expect(run(args(join(tmp.dir, 'x.json')))).rejects.toThrow(`${join(gtDir, 'b.png')}: 10x10, the image b.png is 64x48`);
      writeFileSync(tags, 'image,tags\na.png,Trouser\nb.png,Unicorn\n');
      await expect(run(args(join(tmp.dir, 'x.json')))).rejects.toThrow(`${tags}: b.png is tagged 'Unicorn', which is not a class of the model`);
      await expect(run(['--images', images, '--tags', tags, '--model', 'demo/model/classifier.onnx'])).rejects.toThrow('bench fixcost: --images needs --tags FILE, --gt DIR and --model FILE');
    } finally {
      log.mockRestore();
    }
  }, 180_000);
});
