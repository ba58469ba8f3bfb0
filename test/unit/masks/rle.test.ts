import { describe, expect, it } from 'vitest';
import {
  rleArea,
  rleDecode,
  rleEncode,
  rleEncodeComponents,
  rleFromString,
  rleToBbox,
  rleToString,
} from '../../../src/masks/rle.ts';
import { connectedComponents } from '../../../src/masks/components.ts';

/** Row-major mask from rows of '0'/'1'. */
function mask(rows: string[]): { m: Uint8Array; w: number; h: number } {
  const h = rows.length;
  const w = rows[0].length;
  const m = new Uint8Array(w * h);
  rows.forEach((r, y) => [...r].forEach((c, x) => (m[y * w + x] = c === '1' ? 1 : 0)));
  return { m, w, h };
}

describe('RLE known answers (worked by hand from maskApi.c)', () => {
  it('2x3 mask: column-major counts, single-character string, bbox', () => {
    // rows:   0 1 1      columns top→bottom: col0 = 0,0  col1 = 1,1  col2 = 1,0
    //         0 1 0      → sequence 0 0 1 1 1 0 → counts [2 zeros, 3 ones, 1 zero]
    const { m, w, h } = mask(['011', '010']);
    const rle = rleEncode(m, w, h);
    expect(rle).toEqual({ size: [2, 3], counts: [2, 3, 1] });
    // each count < 16 and no delta before index 3: one char each, value + 48 → '2','3','1'
    expect(rleToString(rle.counts)).toBe('231');
    expect(rleArea(rle)).toBe(3);
    // toBbox: j=0 cc=2 → t=2, y=0, x=1; j=1 cc=5 → t=4, y=0, x=2; the run goes from
    // column 1 into column 2 (xp=1 < 2) → ys=0, ye=h-1=1. x 1..2 → [1, 0, 2, 2]
    expect(rleToBbox(rle)).toEqual([1, 0, 2, 2]);
  });

  it('4x5 mask: a negative delta (index 3) and a small positive one (index 4)', () => {
    // h=4, w=5; column-major index k = x*4 + y. Ones at k = 2..11 and 15:
    //   col0: y2,y3   col1: all   col2: all   col3: y3   col4: none
    const { m, w, h } = mask(['01100', '01100', '11100', '11110']);
    const rle = rleEncode(m, w, h);
    // zeros 0..1 (2), ones 2..11 (10), zeros 12..14 (3), one 15 (1), zeros 16..19 (4)
    expect(rle.counts).toEqual([2, 10, 3, 1, 4]);
    // i0: 2 → '2'; i1: 10 → 10+48 = 58 ':'; i2: 3 → '3';
    // i3: 1 − counts[1] = −9: low 5 bits of −9 (…10111) = 23, x >>= 5 → −1, bit 4 of 23 is
    //     set and x == −1 → no more → 23 + 48 = 71 'G';
    // i4: 4 − counts[2] = 1 → '1'
    expect(rleToString(rle.counts)).toBe('2:3G1');
    expect(rleFromString('2:3G1')).toEqual([2, 10, 3, 1, 4]);
    expect(rleArea(rle)).toBe(11);
    // toBbox: j0 t=2 (x0,y2); j1 t=11 (x2,y3), run crosses columns → ys=0, ye=3;
    // j2 t=15 (x3,y3); j3 t=15 → xs=0, xe=3 → [0, 0, 4, 4]
    expect(rleToBbox(rle)).toEqual([0, 0, 4, 4]);
  });

  it('multi-character counts and a delta whose sign bit forces a second group', () => {
    // h=10, w=20 (200 px): 5 zeros, 60 ones, 3 zeros, 100 ones, 32 zeros
    const m = new Uint8Array(200);
    const setK = (k: number) => {
      const x = Math.floor(k / 10);
      m[(k - x * 10) * 20 + x] = 1;
    };
    for (let k = 5; k < 65; k++) setK(k);
    for (let k = 68; k < 168; k++) setK(k);
    const rle = rleEncode(m, 20, 10);
    expect(rle.counts).toEqual([5, 60, 3, 100, 32]);
    // 5 → '5'
    // 60 = 0b1_11100: group 28 has bit 4 set and 60>>5 = 1 ≠ −1 → more: 28|32 = 60 → 'l'; then 1 → '1'
    // 3 → '3'
    // 100 − 60 = 40 = 0b1_01000: group 8, rest 1 → more: 8|32 = 40 → 'X'; then 1 → '1'
    // 32 − 3 = 29 = 0b11101: rest 0, but bit 4 is set so 0 ≠ −1 → more: 29|32 = 61 → 'm';
    //   then group 0, rest 0 → '0' (a positive value needs a clear sign bit)
    expect(rleToString(rle.counts)).toBe('5l13X1m0');
    expect(rleFromString('5l13X1m0')).toEqual([5, 60, 3, 100, 32]);
    expect(rleDecode(rle)).toEqual(m);
  });

  it('empty and full masks', () => {
    const empty = rleEncode(new Uint8Array(12), 4, 3);
    expect(empty.counts).toEqual([12]);
    expect(rleToString(empty.counts)).toBe('<'); // 12 + 48
    expect(rleToBbox(empty)).toEqual([0, 0, 0, 0]);
    const full = rleEncode(new Uint8Array(12).fill(1), 4, 3);
    expect(full.counts).toEqual([0, 12]);
    expect(rleToString(full.counts)).toBe('0<');
    expect(rleToBbox(full)).toEqual([0, 0, 4, 3]);
  });
});

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('RLE round trips', () => {
  it('encode → string → decode is identical on random blobs of many sizes', () => {
    const r = rng(7);
    for (let t = 0; t < 60; t++) {
      const w = 1 + Math.floor(r() * 70);
      const h = 1 + Math.floor(r() * 70);
      const m = new Uint8Array(w * h);
      const p = r();
      for (let i = 0; i < m.length; i++) m[i] = r() < p ? 1 : 0;
      const rle = rleEncode(m, w, h);
      const counts = rleFromString(rleToString(rle.counts));
      expect(counts).toEqual(rle.counts);
      expect(rleDecode({ size: [h, w], counts })).toEqual(m);
      expect(rleArea(rle)).toBe(m.reduce((a, b) => a + b, 0));
    }
  });

  it('handles large counts (> 2^31 in deltas is impossible, but > 2^20 is)', () => {
    const counts = [3_000_000, 5, 1, 4_000_000, 2];
    expect(rleFromString(rleToString(counts))).toEqual(counts);
  });

  it('component RLEs equal per-component encodes, with boxes matching the pixels', () => {
    const r = rng(3);
    const w = 31;
    const h = 23;
    const labels = new Uint8Array(w * h);
    for (let i = 0; i < labels.length; i++) labels[i] = r() < 0.3 ? 1 + Math.floor(r() * 2) : 0;
    const c = connectedComponents(labels, w, h, 8);
    const rles = rleEncodeComponents(c.ids, c.count, w, h);
    for (let k = 1; k <= c.count; k++) {
      const m = Uint8Array.from(c.ids, (id) => (id === k ? 1 : 0));
      expect(rles[k - 1]).toEqual(rleEncode(m, w, h));
      let x0 = w, y0 = h, x1 = -1, y1 = -1;
      m.forEach((v, i) => {
        if (!v) return;
        const x = i % w, y = (i - x) / w;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      });
      expect(rleToBbox(rles[k - 1])).toEqual([x0, y0, x1 - x0 + 1, y1 - y0 + 1]);
    }
  });
});
