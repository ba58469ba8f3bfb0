// Connected components of a label map and the two clean-ups masks use: dropping small
// class regions and filling background holes. Pixels connect when they hold the same
// value and touch: 8-connectivity for class regions (a diagonal stroke is one object, as
// in the contour tracer and the COCO per-region export), 4-connectivity for background
// holes (the dual, so a diagonal gap in an outline does not leak).
import { BACKGROUND, IGNORE } from './labels.ts';

export interface Components {
  /** component id per pixel, 1-based; 0 for pixels not included */
  ids: Int32Array;
  count: number;
  /** areas[id] (areas[0] unused) */
  areas: Int32Array;
  /** label value per component (values[0] unused) */
  values: Uint8Array;
  /** whether the component touches the image border */
  border: Uint8Array;
}

/**
 * Labels the components of the pixels whose value passes `include` (default: class
 * values 1..254). Ids are assigned in raster order of each component's first pixel.
 */
export function connectedComponents(
  labels: Uint8Array,
  width: number,
  height: number,
  connectivity: 4 | 8 = 8,
  include: (v: number) => boolean = (v) => v !== BACKGROUND && v !== IGNORE,
): Components {
  const n = width * height;
  const ids = new Int32Array(n);
  const inc = new Uint8Array(256);
  for (let v = 0; v < 256; v++) inc[v] = include(v) ? 1 : 0;
  const stack = new Int32Array(n);
  const areas: number[] = [0];
  const values: number[] = [0];
  const border: number[] = [0];
  let count = 0;
  for (let start = 0; start < n; start++) {
    const v = labels[start];
    if (!inc[v] || ids[start]) continue;
    const id = ++count;
    let area = 0;
    let touches = 0;
    let sp = 0;
    stack[sp++] = start;
    ids[start] = id;
    while (sp > 0) {
      const p = stack[--sp];
      area++;
      const x = p % width;
      const l = x > 0;
      const r = x < width - 1;
      const u = p >= width;
      const d = p < n - width;
      if (!(l && r && u && d)) touches = 1;
      // neighbours unrolled: this loop is the hot path of every export and clean-up
      let q: number;
      if (l && !ids[(q = p - 1)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
      if (r && !ids[(q = p + 1)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
      if (u && !ids[(q = p - width)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
      if (d && !ids[(q = p + width)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
      if (connectivity === 8) {
        if (u && l && !ids[(q = p - width - 1)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
        if (u && r && !ids[(q = p - width + 1)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
        if (d && l && !ids[(q = p + width - 1)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
        if (d && r && !ids[(q = p + width + 1)] && labels[q] === v) { ids[q] = id; stack[sp++] = q; }
      }
    }
    areas.push(area);
    values.push(v);
    border.push(touches);
  }
  return { ids, count, areas: Int32Array.from(areas), values: Uint8Array.from(values), border: Uint8Array.from(border) };
}

/** Class regions (8-connected) smaller than `minArea` pixels become `to` (background or ignore). */
export function removeSmallComponents(labels: Uint8Array, width: number, height: number, minArea: number, to: number = IGNORE): Uint8Array {
  const out = labels.slice();
  if (minArea <= 1) return out;
  const c = connectedComponents(labels, width, height, 8);
  for (let i = 0; i < out.length; i++) {
    const id = c.ids[i];
    if (id && c.areas[id] < minArea) out[i] = to;
  }
  return out;
}

/**
 * Background regions (4-connected) that do not touch the border and are surrounded by a
 * single class take that class. A region that also borders ignore or another class is
 * not a hole of one object and stays background.
 */
export function fillHoles(labels: Uint8Array, width: number, height: number): Uint8Array {
  const out = labels.slice();
  const c = connectedComponents(labels, width, height, 4, (v) => v === BACKGROUND);
  if (c.count === 0) return out;
  // the one neighbouring value per hole; -1 none yet, -2 several
  const around = new Int32Array(c.count + 1).fill(-1);
  for (let p = 0; p < labels.length; p++) {
    const id = c.ids[p];
    if (!id || c.border[id]) continue;
    const x = p % width;
    const neigh = [p - width, p + width, x > 0 ? p - 1 : -1, x < width - 1 ? p + 1 : -1];
    for (const q of neigh) {
      if (q < 0 || q >= labels.length || c.ids[q] === id) continue;
      const v = labels[q];
      if (around[id] === -1) around[id] = v;
      else if (around[id] !== v) around[id] = -2;
    }
  }
  for (let p = 0; p < out.length; p++) {
    const id = c.ids[p];
    if (!id || c.border[id]) continue;
    const v = around[id];
    if (v > BACKGROUND && v < IGNORE) out[p] = v;
  }
  return out;
}
