import { describe, expect, it } from 'vitest';
import { fillHoles, removeSmallComponents, connectedComponents } from '../../../src/masks/components.ts';
import { tracePolygons } from '../../../src/masks/contours.ts';
import { fillPolygonsEvenOdd } from '../../../src/masks/polygon-fill.ts';

function grid(rows: string[]): { m: Uint8Array; w: number; h: number } {
  const h = rows.length;
  const w = rows[0].length;
  const m = new Uint8Array(w * h);
  rows.forEach((r, y) => [...r].forEach((c, x) => (m[y * w + x] = c === '.' ? 0 : c === '#' ? 255 : Number(c))));
  return { m, w, h };
}

/** cv2.fillPoly-style fill of integer vertices (boundary included), via the even–odd filler on a shifted polygon. */
function fillInclusive(points: number[], w: number, h: number): Uint8Array {
  // pixel-centre convention: a vertex at pixel (x, y) is the point (x + 0.5, y + 0.5); widen by 0.5 outward is not
  // generic, so only used for axis-aligned test shapes: expand the box by half a pixel.
  const xs = points.filter((_, i) => i % 2 === 0);
  const ys = points.filter((_, i) => i % 2 === 1);
  const box = [Math.min(...xs), Math.min(...ys), Math.max(...xs) + 1, Math.max(...ys) + 1];
  return fillPolygonsEvenOdd([[box[0], box[1], box[2], box[1], box[2], box[3], box[0], box[3]]], w, h);
}

describe('connected components', () => {
  it('8-connects diagonals for classes, keeps different values apart', () => {
    const { m, w, h } = grid(['1..2', '.1.2', '..1.']);
    const c = connectedComponents(m, w, h, 8);
    expect(c.count).toBe(2);
    expect(Array.from(c.areas.slice(1))).toEqual([3, 2]);
    expect(connectedComponents(m, w, h, 4).count).toBe(4);
  });

  it('removes small regions and fills single-class holes only', () => {
    const { m, w, h } = grid(['......', '.111..', '.1.1.2', '.111..', '......']);
    const small = removeSmallComponents(m, w, h, 2, 255);
    expect(small[2 * 6 + 5]).toBe(255);
    const filled = fillHoles(m, w, h);
    expect(filled[2 * 6 + 2]).toBe(1);
    // a hole bordered by two classes stays background
    const two = grid(['.....', '.112.', '.1.2.', '.112.', '.....']);
    expect(fillHoles(two.m, two.w, two.h)[2 * 5 + 2]).toBe(0);
  });
});

describe('tracePolygons', () => {
  it('a rectangle gives its four corner pixels, clockwise from the top-left', () => {
    const w = 8;
    const h = 6;
    const m = new Uint8Array(w * h);
    for (let y = 1; y <= 3; y++) for (let x = 2; x <= 5; x++) m[y * w + x] = 3;
    const polys = tracePolygons(m, w, h);
    expect(polys).toEqual([{ value: 3, area: 12, points: [2, 1, 5, 1, 5, 3, 2, 3] }]);
    expect(fillInclusive(polys[0].points, w, h)).toEqual(Uint8Array.from(m, (v) => (v ? 1 : 0)));
  });

  it('traces an L shape and a diagonal (8-connected) stroke as one outline each', () => {
    const { m, w, h } = grid(['......', '.1....', '.1....', '.111..', '......']);
    // a 1-pixel-thin L: from (1,1) the clockwise search finds S first; at (1,2) it resumes
    // after E and finds SE (2,3), cutting the inner corner diagonally (8-connectivity); then
    // E to (3,3), back W along the foot to (1,3) and N up the stem to the start. Straight
    // runs collapse: (1,1) (1,2) (2,3) (3,3) (1,3)
    expect(tracePolygons(m, w, h)[0].points).toEqual([1, 1, 1, 2, 2, 3, 3, 3, 1, 3]);
    const diag = grid(['1...', '.1..', '..1.']);
    expect(tracePolygons(diag.m, diag.w, diag.h)).toEqual([]); // a line: fewer than 3 distinct corners
    const thick = grid(['11..', '11..', '..11', '..11']);
    const polys = tracePolygons(thick.m, thick.w, thick.h);
    expect(polys).toHaveLength(1);
    expect(polys[0].area).toBe(8);
    // two 2×2 squares touching at a corner: one outline through the joint twice
    expect(polys[0].points).toEqual([0, 0, 1, 0, 1, 1, 2, 2, 3, 2, 3, 3, 2, 3, 2, 2, 1, 1, 0, 1]);
  });

  it('drops holes, tiny fragments and 1-pixel lines; ignores 255', () => {
    const { m, w, h } = grid(['.......', '.11111.', '.1...1.', '.11111.', '.......', '2.###..', '22.....']);
    const polys = tracePolygons(m, w, h, { minArea: 3 });
    expect(polys.map((p) => p.value)).toEqual([1, 2]);
    expect(polys[0].points).toEqual([1, 1, 5, 1, 5, 3, 1, 3]);
    const line = grid(['.....', '.111.', '.....']);
    expect(tracePolygons(line.m, line.w, line.h)).toEqual([]);
  });
});

describe('fillPolygonsEvenOdd', () => {
  it('fills pixels whose centres are inside; a nested ring makes a hole', () => {
    const outer = [0, 0, 6, 0, 6, 6, 0, 6];
    const inner = [2, 2, 4, 2, 4, 4, 2, 4];
    const m = fillPolygonsEvenOdd([outer, inner], 6, 6);
    expect(m.reduce((a, b) => a + b, 0)).toBe(36 - 4);
    expect(m[2 * 6 + 2]).toBe(0);
    expect(m[1 * 6 + 1]).toBe(1);
  });
  it('a triangle covers the expected centres', () => {
    // right triangle (0,0),(4,0),(0,4): centre (x+.5, y+.5) inside iff x + y + 1 < 4
    const m = fillPolygonsEvenOdd([[0, 0, 4, 0, 0, 4]], 4, 4);
    const expected = Uint8Array.from({ length: 16 }, (_, i) => ((i % 4) + Math.floor(i / 4) + 1 < 4 ? 1 : 0));
    expect(m).toEqual(expected);
  });
});
