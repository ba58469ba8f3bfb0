// The drawing-from-scratch baseline: per ground-truth region (8-connected pixels of one
// class), the outline along the pixel edges (filled by pixel centres it gives the region
// back, holes aside), simplified by Douglas–Peucker at the largest tolerance whose filled
// polygon still reaches the goal IoU with the region; one click per vertex. Regions smaller
// than `minArea` pixels (specks a person drawing would not outline) are skipped.
import { connectedComponents } from '../../../src/masks/components.ts';
import { corners } from '../../../src/masks/contours.ts';
import { binaryIou } from '../metrics/localisation.ts';
import { fillPolygonsEvenOdd } from '../../../src/masks/polygon-fill.ts';

export interface PolygonCost {
  clicks: number;
  regions: number;
  /** regions whose full outline stays below the goal (all its vertices are counted) */
  short: number;
}

/** tolerances tried, largest first (pixels) */
const TOLERANCES = Array.from({ length: 40 }, (_, k) => 24 / 1.2 ** k).filter((e) => e >= 0.05);

export function polygonClicks(gt: Uint8Array, width: number, height: number, goal = 0.9, minArea = 16): PolygonCost {
  const c = connectedComponents(gt, width, height, 8);
  let clicks = 0;
  let regions = 0;
  let short = 0;
  for (let id = 1; id <= c.count; id++) {
    if (c.areas[id] < minArea) continue;
    regions++;
    // the region's bounding box, one pixel wider, as a 0/1 mask
    let x0 = width, y0 = height, x1 = -1, y1 = -1;
    for (let p = 0; p < c.ids.length; p++) {
      if (c.ids[p] !== id) continue;
      const x = p % width;
      const y = (p - x) / width;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    const bw = x1 - x0 + 3;
    const bh = y1 - y0 + 3;
    const mask = new Uint8Array(bw * bh);
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if (c.ids[y * width + x] === id) mask[(y - y0 + 1) * bw + x - x0 + 1] = 1;
    const outline = crackOutline(mask, bw, bh);
    let best = outline.length / 2;
    let reached = binaryIou(fillPolygonsEvenOdd([outline], bw, bh), mask) >= goal;
    if (reached) {
      for (const eps of TOLERANCES) {
        const poly = douglasPeucker(outline, eps);
        if (poly.length < 6) continue;
        if (binaryIou(fillPolygonsEvenOdd([poly], bw, bh), mask) >= goal) {
          best = poly.length / 2;
          break;
        }
      }
    } else short++;
    clicks += best;
  }
  return { clicks, regions, short };
}

/**
 * The outer outline of a 0/1 mask (padded: no 1 on its border) along pixel edges, as corner
 * coordinates [x0, y0, …] without collinear vertices. Diagonally touching pixels stay
 * in one outline (8-connectivity): at such a corner the walk turns towards the inside.
 */
export function crackOutline(mask: Uint8Array, w: number, h: number): number[] {
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < w && y < h && mask[y * w + x] === 1;
  // start at the top-left corner of the first pixel in raster order, heading east (inside below)
  let s = mask.indexOf(1);
  if (s < 0) return [];
  const sx = s % w;
  const sy = (s - sx) / w;
  // directions: 0 E, 1 S, 2 W, 3 N; the region is on the right of the walk (clockwise on screen)
  const DX = [1, 0, -1, 0];
  const DY = [0, 1, 0, -1];
  let x = sx;
  let y = sy;
  let d = 0;
  const pts: number[] = [];
  for (let guard = 0; guard < 4 * (w + 1) * (h + 1); guard++) {
    pts.push(x, y);
    x += DX[d];
    y += DY[d];
    if (x === sx && y === sy) break;
    // the pixels ahead-left and ahead-right of the corner (x, y) for heading d
    const aheadRight = pixelAt(x, y, d, 'right');
    const aheadLeft = pixelAt(x, y, d, 'left');
    const r = inside(aheadRight[0], aheadRight[1]);
    const l = inside(aheadLeft[0], aheadLeft[1]);
    if (l) d = (d + 3) % 4; // turn left (a diagonal neighbour or a concave corner: stay with the inside)
    else if (r) d = d; // straight on
    else d = (d + 1) % 4; // turn right
  }
  // drop collinear vertices: the walk takes unit steps and never turns back, so a vertex is
  // collinear exactly where the step repeats, which is what corners() drops
  return corners(pts);
}

/** the pixel ahead of corner (x, y) on the walk's right or left side, heading d */
function pixelAt(x: number, y: number, d: number, side: 'right' | 'left'): [number, number] {
  // corner (x, y) is shared by pixels (x−1, y−1), (x, y−1), (x−1, y), (x, y)
  switch (d) {
    case 0: return side === 'right' ? [x, y] : [x, y - 1];
    case 1: return side === 'right' ? [x - 1, y] : [x, y];
    case 2: return side === 'right' ? [x - 1, y - 1] : [x - 1, y];
    default: return side === 'right' ? [x, y - 1] : [x - 1, y - 1];
  }
}

/** Douglas–Peucker on a closed ring: split at the vertex farthest from the first, simplify both chains. */
export function douglasPeucker(ring: number[], eps: number): number[] {
  const n = ring.length / 2;
  if (n <= 3) return ring.slice();
  let far = 0;
  let fd = -1;
  for (let i = 1; i < n; i++) {
    const d = (ring[2 * i] - ring[0]) ** 2 + (ring[2 * i + 1] - ring[1]) ** 2;
    if (d > fd) {
      fd = d;
      far = i;
    }
  }
  const keep = new Uint8Array(n + 1);
  keep[0] = keep[far] = keep[n] = 1;
  const px = (i: number) => ring[2 * (i % n)];
  const py = (i: number) => ring[2 * (i % n) + 1];
  const stack: [number, number][] = [
    [0, far],
    [far, n],
  ];
  while (stack.length) {
    const [a, b] = stack.pop()!;
    const ax = px(a), ay = py(a), bx = px(b), by = py(b);
    const len = Math.hypot(bx - ax, by - ay);
    let worst = -1;
    let wd = -1;
    for (let i = a + 1; i < b; i++) {
      const d = len > 0 ? Math.abs((bx - ax) * (ay - py(i)) - (ax - px(i)) * (by - ay)) / len : Math.hypot(px(i) - ax, py(i) - ay);
      if (d > wd) {
        wd = d;
        worst = i;
      }
    }
    if (worst >= 0 && wd > eps) {
      keep[worst] = 1;
      stack.push([a, worst], [worst, b]);
    }
  }
  const out: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) out.push(ring[2 * i], ring[2 * i + 1]);
  return out;
}
