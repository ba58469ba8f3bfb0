// Rasterises COCO polygons: coordinates are continuous (pixel i spans [i, i+1)), a pixel
// is inside when its centre (x + 0.5, y + 0.5) is inside by the even–odd rule over all
// rings of the annotation together. (pycocotools' frPoly rasterises on a 5× grid and can
// differ on boundary pixels; polygons are only imported, never exported, so the
// studio's own masks never depend on that difference.)

/** Row-major 0/1 mask of `rings` (each [x0, y0, x1, y1, …]) on a width×height grid. */
export function fillPolygonsEvenOdd(rings: readonly (readonly number[])[], width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const xs: number[] = [];
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    xs.length = 0;
    for (const r of rings) {
      const n = Math.floor(r.length / 2);
      for (let i = 0; i < n; i++) {
        const j = (i + 1) % n;
        const x0 = r[2 * i];
        const y0 = r[2 * i + 1];
        const x1 = r[2 * j];
        const y1 = r[2 * j + 1];
        // half-open in y so a vertex on the scanline counts once
        if (y0 <= cy === y1 <= cy) continue;
        xs.push(x0 + ((cy - y0) * (x1 - x0)) / (y1 - y0));
      }
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      // pixels whose centre lies in [xs[k], xs[k+1])
      const from = Math.max(0, Math.ceil(xs[k] - 0.5));
      const to = Math.min(width - 1, Math.ceil(xs[k + 1] - 0.5) - 1);
      for (let x = from; x <= to; x++) out[y * width + x] ^= 1;
    }
  }
  return out;
}
