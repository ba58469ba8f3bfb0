// Records what one stroke changes without copying the whole map: before a tool writes a
// rectangle it calls touch(rect), which backs up (once) each 64×64 tile the rectangle
// overlaps. At pointer-up commit() turns the backups into a patch of tight per-tile
// rectangles; cancel() puts the tiles back and leaves no trace in the history.
import { blit, clip, extract, isEmpty, union, type Rect, EMPTY } from './geometry.ts';
import type { Patch, PatchPart } from './history.ts';
import type { LabelMap } from './labels.ts';

const TILE = 64;

export class StrokeRecorder {
  private readonly tiles = new Map<number, Uint8Array>();
  private dirty: Rect = { ...EMPTY };
  private readonly tilesX: number;

  constructor(private readonly map: LabelMap) {
    this.tilesX = Math.ceil(map.width / TILE);
  }

  /** The union of every rectangle touched so far. */
  get bounds(): Rect {
    return { ...this.dirty };
  }

  /** Call before writing inside `r` (clipped here). Returns the clipped rect. */
  touch(r: Rect): Rect {
    const c = clip(r, this.map.width, this.map.height);
    if (isEmpty(c)) return c;
    const tx0 = Math.floor(c.x / TILE);
    const ty0 = Math.floor(c.y / TILE);
    const tx1 = Math.floor((c.x + c.w - 1) / TILE);
    const ty1 = Math.floor((c.y + c.h - 1) / TILE);
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const key = ty * this.tilesX + tx;
        if (!this.tiles.has(key)) this.tiles.set(key, extract(this.map.data, this.map.width, this.tileRect(tx, ty)));
      }
    }
    this.dirty = union(this.dirty, c);
    return c;
  }

  /**
   * The stroke as a patch: for each touched tile, the smallest rectangle inside it that
   * changed (so the cost is the stroke's tiles, never its bounding box). null if nothing did.
   */
  commit(): Patch | null {
    const { width, data } = this.map;
    const parts: PatchPart[] = [];
    let bounds: Rect = { ...EMPTY };
    for (const [key, before] of this.tiles) {
      const t = this.tileRect(key % this.tilesX, Math.floor(key / this.tilesX));
      const after = extract(data, width, t);
      const box = changedBox(before, after, t);
      if (!box) continue;
      const local = { x: box.x - t.x, y: box.y - t.y, w: box.w, h: box.h };
      const whole = box.w === t.w && box.h === t.h;
      parts.push({ rect: box, before: whole ? before : extract(before, t.w, local), after: whole ? after : extract(after, t.w, local) });
      bounds = union(bounds, box);
    }
    this.reset();
    return parts.length ? { rect: bounds, parts } : null;
  }

  /** Restores every touched tile; returns the rectangle to repaint. */
  cancel(): Rect {
    const r = this.dirty;
    for (const [key, bytes] of this.tiles) blit(this.map.data, this.map.width, this.tileRect(key % this.tilesX, Math.floor(key / this.tilesX)), bytes);
    this.reset();
    return r;
  }

  private reset(): void {
    this.tiles.clear();
    this.dirty = { ...EMPTY };
  }

  private tileRect(tx: number, ty: number): Rect {
    return clip({ x: tx * TILE, y: ty * TILE, w: TILE, h: TILE }, this.map.width, this.map.height);
  }
}

/** Bounding box (in image coordinates) of the pixels where a and b differ, or null. */
function changedBox(a: Uint8Array, b: Uint8Array, r: Rect): Rect | null {
  let x0 = r.w;
  let y0 = r.h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < r.h; y++) {
    const o = y * r.w;
    for (let x = 0; x < r.w; x++) {
      if (a[o + x] !== b[o + x]) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  return x1 < 0 ? null : { x: r.x + x0, y: r.y + y0, w: x1 - x0 + 1, h: y1 - y0 + 1 };
}
