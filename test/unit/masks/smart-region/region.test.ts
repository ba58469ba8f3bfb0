// The click problem against its definition (domain, pair weights, outside pulls, colour
// prior), and the whole smart region on synthetic scenes: every method finds a disc from
// one click, Shift-click removes a spill, a click never leaves the clicked label's region,
// results are deterministic, and a 4096² image computed at a 256 working size snaps back
// to the disc's real edge.
import { describe, expect, it } from 'vitest';
import { applyRegion, SMART_METHODS, SmartRegionImage, smartRegionSettings } from '../../../../src/masks/smart-region/index.ts';
import { clickProblem } from '../../../../src/masks/smart-region/problem.ts';
import { labelsAtWork, prepareWorkImage } from '../../../../src/masks/smart-region/work-image.ts';
import { disc, iou, maskOf, rng, twoTone } from './fixtures.ts';

describe('the click problem', () => {
  it('is the 4-connected region of the clicked label, with pair weights exp(−β‖Δrgb‖²) and outside pulls', () => {
    const w = 12;
    const h = 10;
    const r = rng(5);
    const rgb = Uint8Array.from({ length: w * h * 3 }, () => Math.floor(r() * 256));
    // label 2 in a column and a diagonal-only neighbour that must stay out; label 1 beside
    const labels = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) labels[y * w + 3] = 2;
    labels[0 * w + 4] = 0;
    labels[5 * w + 5] = 2; // touches the column only diagonally? (4,5) is 0, so (5,5) is apart
    for (let y = 0; y < h; y++) labels[y * w + 2] = 1;
    const img = prepareWorkImage(rgb, w, h, 64);
    const ev = { seedRadius: 0, sampleRadius: 2, colour: 1, cam: 0, camCentre: 0.4, outside: 0.5, distance: 0 };
    const pb = clickProblem(img, labels, () => null, 3, 4, 1, ev);
    expect(pb.from).toBe(2);
    expect([...pb.pixel].sort((a, b) => a - b)).toEqual(Array.from({ length: h }, (_, y) => y * w + 3));
    // β from its definition: 1 / (2 · mean squared colour distance of 4-neighbour pairs)
    const d2 = (p: number, q: number) => [0, 1, 2].reduce((t, k) => t + ((rgb[3 * p + k] - rgb[3 * q + k]) / 255) ** 2, 0);
    let sum = 0;
    let cnt = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (x + 1 < w) (sum += d2(y * w + x, y * w + x + 1)), cnt++;
        if (y + 1 < h) (sum += d2(y * w + x, (y + 1) * w + x)), cnt++;
      }
    }
    const beta = cnt / (2 * sum);
    const weight = (p: number, q: number) => Math.exp(-beta * d2(p, q)) * (p % w !== q % w && Math.floor(p / w) !== Math.floor(q / w) ? Math.SQRT1_2 : 1);
    for (let i = 0; i < pb.pixel.length; i++) {
      const p = pb.pixel[i];
      const x = p % w;
      const y = Math.floor(p / w);
      let fg = 0;
      let keep = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          const yy = y + dy;
          if ((!dx && !dy) || xx < 0 || yy < 0 || xx >= w || yy >= h || labels[yy * w + xx] === 2) continue;
          if (labels[yy * w + xx] === 1) fg += 0.5 * weight(p, yy * w + xx);
          else keep += 0.5 * weight(p, yy * w + xx);
        }
      }
      expect(pb.toFg[i]).toBeCloseTo(fg, 5);
      expect(pb.toKeep[i]).toBeCloseTo(keep, 5);
      // inside neighbours: the column above and below
      const nb = Array.from(pb.nbr.subarray(pb.start[i], pb.start[i + 1]), (k) => pb.pixel[k]).sort((a, b) => a - b);
      expect(nb).toEqual([p - w, p + w].filter((q) => q >= 0 && q < w * h));
      for (let e = pb.start[i]; e < pb.start[i + 1]; e++) expect(pb.wt[e]).toBeCloseTo(weight(p, pb.pixel[pb.nbr[e]]), 5);
    }
    expect(pb.seed[0]).toBe(1);
  });

  it('priors favour the clicked colour and a CAM of the new class, and disfavour the old class\'s CAM', () => {
    const w = 40;
    const h = 40;
    const rgb = twoTone(w, h, disc(20, 20, 8), [200, 40, 40], [40, 40, 200], 10);
    const labels = new Uint8Array(w * h);
    const img = prepareWorkImage(rgb, w, h, 64);
    const ev = { seedRadius: 1.5, sampleRadius: 4, colour: 1, cam: 0, camCentre: 0.4, outside: 0.5, distance: 0 };
    const pb = clickProblem(img, labels, () => null, 20, 20, 1, ev);
    const at = (x: number, y: number) => pb.prior[pb.node[y * w + x]];
    expect(at(22, 18)).toBeGreaterThan(0.5);
    expect(at(2, 2)).toBeLessThan(0.5);
    // a CAM high at the corner lifts the corner's prior for its class…
    const cam = Float32Array.from({ length: w * h }, (_, p) => (p % w < 10 && p < 10 * w ? 1 : 0));
    const withCam = clickProblem(img, labels, (k) => (k === 1 ? cam : null), 20, 20, 1, { ...ev, cam: 4 });
    expect(withCam.prior[withCam.node[2 * w + 2]]).toBeGreaterThan(at(2, 2));
    // …and lowers it when it is the CAM of the label being removed
    const l2 = labels.slice().fill(1);
    const away = clickProblem(img, l2, (k) => (k === 1 ? cam : null), 20, 20, 0, { ...ev, cam: 4 });
    const plain = clickProblem(img, l2, () => null, 20, 20, 0, ev);
    expect(away.prior[away.node[2 * w + 2]]).toBeLessThan(plain.prior[plain.node[2 * w + 2]]);
  });
});

describe('the smart region', () => {
  const W = 64;
  const H = 64;
  const inDisc = disc(30, 34, 12);
  const rgb = twoTone(W, H, inDisc, [210, 60, 50], [60, 110, 190], 24, 3);
  const truth = maskOf(W, H, inDisc);

  it.each(SMART_METHODS)('%s: one click inside an unlabelled object finds it', (method) => {
    const s = smartRegionSettings({ method });
    const img = new SmartRegionImage(rgb, W, H, () => null, s.workSide);
    const labels = new Uint8Array(W * H);
    const r = img.region(labels, { x: 30, y: 34, target: 3 }, s)!;
    expect(r.from).toBe(0);
    applyRegion(labels, W, r);
    expect(iou(labels.map((v) => (v === 3 ? 1 : 0)), truth)).toBeGreaterThan(0.9);
  });

  it.each(SMART_METHODS)('%s: Shift-click on a spill takes it back to background and keeps the object', (method) => {
    const s = smartRegionSettings({ method });
    const img = new SmartRegionImage(rgb, W, H, () => null, s.workSide);
    // the object labelled, with a spill into the background to its right
    const labels = maskOf(W, H, (x, y) => inDisc(x, y) || (x >= 38 && x < 58 && y >= 28 && y < 40), 3);
    const r = img.region(labels, { x: 52, y: 34, target: 0 }, s)!;
    applyRegion(labels, W, r);
    expect(iou(labels.map((v) => (v === 3 ? 1 : 0)), truth)).toBeGreaterThan(0.9);
  });

  it('changes only pixels of the clicked label, connected to the click', () => {
    const s = smartRegionSettings();
    const img = new SmartRegionImage(rgb, W, H, () => null, s.workSide);
    // a band of class 5 through the disc: the click on background must not relabel it
    const labels = maskOf(W, H, (x) => x >= 28 && x < 32, 5);
    const before = labels.slice();
    const r = img.region(labels, { x: 24, y: 34, target: 3 }, s)!;
    applyRegion(labels, W, r);
    for (let p = 0; p < W * H; p++) if (labels[p] !== before[p]) expect(before[p]).toBe(0);
    for (let p = 0; p < W * H; p++) if (before[p] === 5) expect(labels[p]).toBe(5);
    // the part of the disc beyond the band is a different background region: untouched
    expect(labels[34 * W + 38]).toBe(0);
    expect(labels[34 * W + 22]).toBe(3);
  });

  it('is deterministic and refuses clicks outside or on the target label', () => {
    const s = smartRegionSettings();
    const a = new SmartRegionImage(rgb, W, H, () => null, s.workSide).region(new Uint8Array(W * H), { x: 30, y: 34, target: 3 }, s)!;
    const b = new SmartRegionImage(rgb, W, H, () => null, s.workSide).region(new Uint8Array(W * H), { x: 30, y: 34, target: 3 }, s)!;
    expect(b).toEqual(a);
    const img = new SmartRegionImage(rgb, W, H, () => null, s.workSide);
    expect(img.region(new Uint8Array(W * H), { x: -1, y: 3, target: 3 }, s)).toBeNull();
    expect(img.region(new Uint8Array(W * H).fill(3), { x: 5, y: 3, target: 3 }, s)).toBeNull();
  });

  it('labels at the working size are the full map sampled at working-pixel centres', () => {
    const img = prepareWorkImage(new Uint8Array(10 * 6 * 3), 10, 6, 5);
    expect([img.w, img.h]).toEqual([5, 3]);
    const labels = Uint8Array.from({ length: 60 }, (_, p) => p);
    expect(Array.from(labelsAtWork(img, labels))).toEqual([11, 13, 15, 17, 19, 31, 33, 35, 37, 39, 51, 53, 55, 57, 59]);
  });

  it('a 4096² image, computed at a 256 working size, snaps back to the object edge at full size', () => {
    const S = 4096;
    // an ellipse whose edge falls between working pixels, so snapping has to find it
    const inside = (x: number, y: number) => ((x + 0.5 - 2003.3) / 901.7) ** 2 + ((y + 0.5 - 2177.9) / 655.1) ** 2 <= 1;
    const big = twoTone(S, S, inside, [220, 180, 40], [40, 80, 160], 12, 9);
    const s = smartRegionSettings();
    const img = new SmartRegionImage(big, S, S, () => null, 256);
    expect([img.work.w, img.work.h]).toEqual([256, 256]);
    const labels = new Uint8Array(S * S);
    const r = img.region(labels, { x: 2000, y: 2100, target: 1 }, s)!;
    applyRegion(labels, S, r);
    // errors along the edge: (almost) every wrong pixel lies within 2 px of the true boundary
    let wrong = 0;
    let far = 0;
    for (let y = 0; y < S; y += 1) {
      for (let x = 0; x < S; x++) {
        const want = inside(x, y) ? 1 : 0;
        if (labels[y * S + x] === want) continue;
        wrong++;
        if (inside(x - 2, y) === inside(x + 2, y) && inside(x, y - 2) === inside(x, y + 2)) far++;
      }
    }
    // at most 0.01 % of the object elsewhere (a stray working pixel of noise)
    expect(far).toBeLessThan(186);
    // the ellipse has ≈ 1.86 M pixels and a perimeter of ≈ 4.9 k: a few hundred wrong at most
    expect(wrong).toBeLessThan(2000);
  });
});
