// Outer contours of label-map regions as polygons (for YOLO-seg), in OpenCV's convention
// (what cv2.findContours + CHAIN_APPROX_SIMPLE return and cv2.fillPoly draws back, the
// pair Ultralytics uses): vertices are the integer pixel coordinates of boundary pixels,
// so the 3×2 block at x 2..4, y 1..2 is [(2,1), (4,1), (4,2), (2,2)], and filling that
// polygon (boundary included) gives the block back exactly.
//
// Decisions:
// - One polygon per 8-connected region; only its outer boundary. Holes are dropped (the
//   polygon covers them): YOLO-seg has one polygon per instance and no hole syntax, and
//   bridging a hole into the outline (Ultralytics' merge_multi_segment) only works with
//   its own fill rule. A region with holes therefore exports slightly larger.
// - Regions smaller than `minArea` pixels, and outlines with fewer than 3 distinct
//   vertices (single pixels, straight 1-pixel lines), are dropped.
// - Vertex order: clockwise on screen (y down), starting at the region's top-left pixel.
import { connectedComponents } from './components.ts';

export interface Polygon {
  /** label value of the region */
  value: number;
  /** region area in pixels */
  area: number;
  /** x0, y0, x1, y1, … pixel coordinates */
  points: number[];
}

// neighbour directions clockwise on screen: E, SE, S, SW, W, NW, N, NE
const DX = [1, 1, 0, -1, -1, -1, 0, 1];
const DY = [0, 1, 1, 1, 0, -1, -1, -1];
// direction index of a unit step, keyed (dy + 1) * 3 + (dx + 1)
const DIR_OF = new Int8Array(9).fill(-1);
for (let d = 0; d < 8; d++) DIR_OF[(DY[d] + 1) * 3 + DX[d] + 1] = d;

/**
 * Moore-neighbour tracing of the component `id` starting at its first pixel in raster
 * order; stops (Suzuki–Abe's criterion) when it is back at the start about to take the
 * first step again. Returns every boundary pixel visited, in order.
 */
function traceBoundary(ids: Int32Array, width: number, height: number, id: number, start: number): number[] {
  const inside = (x: number, y: number) => x >= 0 && y >= 0 && x < width && y < height && ids[y * width + x] === id;
  const sx = start % width;
  const sy = (start - sx) / width;
  // the west neighbour of the first pixel is outside the region by construction
  const find = (x: number, y: number, back: number): number => {
    for (let k = 1; k <= 8; k++) {
      const d = (back + k) % 8;
      if (inside(x + DX[d], y + DY[d])) return d;
    }
    return -1;
  };
  const first = find(sx, sy, 4);
  if (first < 0) return [sx, sy];
  const pts = [sx, sy];
  let x = sx;
  let y = sy;
  let d = first;
  // generous bound: each boundary pixel is entered at most 4 times
  for (let guard = 0; guard < 4 * width * height + 8; guard++) {
    const nx = x + DX[d];
    const ny = y + DY[d];
    // the pixel examined just before the move is outside; search resumes from it
    const pd = (d + 7) % 8;
    const back = DIR_OF[(y + DY[pd] - ny + 1) * 3 + (x + DX[pd] - nx + 1)];
    x = nx;
    y = ny;
    const nd = find(x, y, back);
    if (x === sx && y === sy && nd === first) break;
    pts.push(x, y);
    d = nd;
  }
  return pts;
}

/** Drops vertices where the outline goes straight on (CHAIN_APPROX_SIMPLE). */
export function corners(pts: number[]): number[] {
  const n = pts.length / 2;
  if (n < 3) return pts;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (i + n - 1) % n;
    const b = (i + 1) % n;
    const dx1 = pts[2 * i] - pts[2 * a];
    const dy1 = pts[2 * i + 1] - pts[2 * a + 1];
    const dx2 = pts[2 * b] - pts[2 * i];
    const dy2 = pts[2 * b + 1] - pts[2 * i + 1];
    if (dx1 !== dx2 || dy1 !== dy2) out.push(pts[2 * i], pts[2 * i + 1]);
  }
  return out;
}

function distinctVertices(pts: number[]): number {
  const s = new Set<string>();
  for (let i = 0; i < pts.length; i += 2) s.add(`${pts[i]},${pts[i + 1]}`);
  return s.size;
}

/** Outer polygons of every class region (values 1..254), in raster order of their first pixel. */
export function tracePolygons(labels: Uint8Array, width: number, height: number, opts: { minArea?: number } = {}): Polygon[] {
  const minArea = opts.minArea ?? 1;
  const c = connectedComponents(labels, width, height, 8);
  const firstPixel = new Int32Array(c.count + 1).fill(-1);
  for (let p = 0; p < c.ids.length; p++) {
    const id = c.ids[p];
    if (id && firstPixel[id] < 0) firstPixel[id] = p;
  }
  const out: Polygon[] = [];
  for (let id = 1; id <= c.count; id++) {
    if (c.areas[id] < minArea) continue;
    const pts = corners(traceBoundary(c.ids, width, height, id, firstPixel[id]));
    if (distinctVertices(pts) < 3) continue;
    out.push({ value: c.values[id], area: c.areas[id], points: pts });
  }
  return out;
}
