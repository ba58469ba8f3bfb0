import { describe, expect, it } from 'vitest';
import { fillRegion, fillRings, floodRegion } from '../../../renderer/editor/raster.ts';
import { StrokeRecorder } from '../../../renderer/editor/stroke.ts';
import { History } from '../../../renderer/editor/history.ts';

describe('polygon raster', () => {
  it('fills by the even-odd rule, so an inner ring is a hole', () => {
    const w = 12;
    const d = new Uint8Array(w * w);
    const outer = [1, 1, 11, 1, 11, 11, 1, 11];
    const hole = [4, 4, 8, 4, 8, 8, 4, 8];
    const n = fillRings(d, w, w, [outer, hole], 3);
    expect(n).toBe(10 * 10 - 4 * 4);
    for (let y = 0; y < w; y++) {
      for (let x = 0; x < w; x++) {
        const inOuter = x >= 1 && x < 11 && y >= 1 && y < 11;
        const inHole = x >= 4 && x < 8 && y >= 4 && y < 8;
        expect(d[y * w + x]).toBe(inOuter && !inHole ? 3 : 0);
      }
    }
  });

  it('a triangle takes exactly the pixels whose centres are inside', () => {
    const w = 8;
    const d = new Uint8Array(w * w);
    fillRings(d, w, w, [[0, 0, 8, 0, 0, 8]], 1);
    for (let y = 0; y < w; y++) for (let x = 0; x < w; x++) expect(d[y * w + x]).toBe(x + 0.5 + y + 0.5 < 8 ? 1 : 0);
  });

  it('clips to the image', () => {
    const d = new Uint8Array(16);
    expect(fillRings(d, 4, 4, [[-10, -10, 10, -10, 10, 10, -10, 10]], 7)).toBe(16);
    expect([...d].every((v) => v === 7)).toBe(true);
  });
});

describe('flood region', () => {
  it('finds a 4-connected region through a winding corridor, not across diagonals', () => {
    // 0 = corridor, 1 = wall
    const rows = ['00010', '11010', '00010', '01110', '00001'];
    const w = 5;
    const d = Uint8Array.from(rows.join('').split('').map(Number));
    const r = floodRegion(w, 5, 0, 0, (i) => d[i] === 0);
    const out = d.slice();
    fillRegion(out, w, r, 9);
    const expected = ['99910', '11910', '99910', '91110', '99991'];
    // the right-hand column of 0s touches the corridor only diagonally: it stays
    expect(out.join('').replace(/,/g, '')).toBe(expected.join(''));
    expect(r.pixels).toBe([...expected.join('')].filter((c) => c === '9').length);
    expect(r.bounds).toEqual({ x: 0, y: 0, w: 4, h: 5 });
  });

  it('returns nothing when the seed is outside the predicate', () => {
    expect(floodRegion(3, 3, 1, 1, () => false).pixels).toBe(0);
  });
});

describe('stroke patches', () => {
  it('commit + undo + redo round-trip the exact bytes across tile borders', () => {
    const w = 200;
    const h = 150;
    const map = { width: w, height: h, data: new Uint8Array(w * h) };
    for (let i = 0; i < map.data.length; i++) map.data[i] = (i * 7919) % 5;
    const original = map.data.slice();
    const rec = new StrokeRecorder(map);
    // two overlapping writes spanning several 64×64 tiles
    for (const r of [{ x: 50, y: 40, w: 100, h: 30 }, { x: 120, y: 60, w: 70, h: 80 }]) {
      const c = rec.touch(r);
      for (let y = c.y; y < c.y + c.h; y++) map.data.fill(9, y * w + c.x, y * w + c.x + c.w);
    }
    const edited = map.data.slice();
    const patch = rec.commit()!;
    expect(patch.rect).toEqual({ x: 50, y: 40, w: 140, h: 100 });
    // only touched tiles are kept: the untouched corner tile (128..191, 0..63 ∖ writes) is not
    expect(patch.parts.length).toBeLessThan(12);
    const hist = new History();
    hist.push({ label: 'test', patch });
    hist.undo(map.data, w);
    expect(map.data).toEqual(original);
    hist.redo(map.data, w);
    expect(map.data).toEqual(edited);
  });

  it('the patch is tight: only the changed box is kept', () => {
    const map = { width: 100, height: 100, data: new Uint8Array(10000) };
    const rec = new StrokeRecorder(map);
    rec.touch({ x: 0, y: 0, w: 100, h: 100 });
    map.data[55 * 100 + 33] = 4;
    const p = rec.commit()!;
    expect(p.rect).toEqual({ x: 33, y: 55, w: 1, h: 1 });
    expect(p.parts.length).toBe(1);
    expect([...p.parts[0].before, ...p.parts[0].after]).toEqual([0, 4]);
  });
});
