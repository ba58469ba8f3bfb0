// From the working size back to the full image: the region at the working size is
// upsampled bilinearly; full-size pixels whose value is clearly in or out follow it, and
// the pixels of the boundary band go to whichever side's local colour (the working pixels
// around it, weighted by the region) they are closer to, so the edge lands on the image's
// edge rather than on a working-size staircase. Blocks whose working neighbourhood is
// uniform are filled without per-pixel work.
import type { WorkImage } from './work-image.ts';

/** inclusive working-size bounds */
export interface WorkBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface FullRegion {
  /** bounding box of the region at full size */
  x: number;
  y: number;
  w: number;
  h: number;
  /** w·h, 1 inside */
  mask: Uint8Array;
  pixels: number;
}

/**
 * `soft` is the region at the working size (1 in, 0 out; outside neighbours that already
 * hold the target count as in), `box` the working bounding box of its domain pixels.
 * Returns the full-size pixels that are in and hold `from`, and the clicked pixel (fx, fy).
 */
export function snapToFull(img: WorkImage, soft: Float32Array, box: WorkBox, labels: Uint8Array, from: number, fx: number, fy: number): FullRegion {
  const { width: W, height: H, w, h, rgb, work } = img;
  const { x0: wx0, y0: wy0, x1: wx1, y1: wy1 } = box;
  const same = w === W && h === H;
  if (wx1 < 0) return { x: fx, y: fy, w: 0, h: 0, mask: new Uint8Array(0), pixels: 0 };
  const sx = W / w;
  const sy = H / h;
  const bx0 = same ? wx0 : Math.max(0, Math.floor((wx0 - 1) * sx));
  const by0 = same ? wy0 : Math.max(0, Math.floor((wy0 - 1) * sy));
  const bx1 = same ? wx1 : Math.min(W - 1, Math.ceil((wx1 + 2) * sx) - 1);
  const by1 = same ? wy1 : Math.min(H - 1, Math.ceil((wy1 + 2) * sy) - 1);
  const bw = bx1 - bx0 + 1;
  const bh = by1 - by0 + 1;
  const inside = new Uint8Array(bw * bh);
  if (same) {
    for (let y = by0; y <= by1; y++) for (let x = bx0; x <= bx1; x++) inside[(y - by0) * bw + (x - bx0)] = soft[y * w + x] > 0.5 ? 1 : 0;
  } else {
    const at = (x: number, y: number) => soft[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))];
    for (let wy = Math.max(0, wy0 - 1); wy <= Math.min(h - 1, wy1 + 1); wy++) {
      for (let wx = Math.max(0, wx0 - 1); wx <= Math.min(w - 1, wx1 + 1); wx++) {
        // full-size pixels whose centres map into this working pixel
        const px0 = Math.max(bx0, Math.ceil(wx * sx - 0.5));
        const px1 = Math.min(bx1, Math.ceil((wx + 1) * sx - 0.5) - 1);
        const py0 = Math.max(by0, Math.ceil(wy * sy - 0.5));
        const py1 = Math.min(by1, Math.ceil((wy + 1) * sy - 0.5) - 1);
        if (px1 < px0 || py1 < py0) continue;
        const v = at(wx, wy);
        let uniform = true;
        for (let dy = -1; dy <= 1 && uniform; dy++) for (let dx = -1; dx <= 1; dx++) if (at(wx + dx, wy + dy) !== v) uniform = false;
        if (uniform) {
          if (v > 0.5) for (let y = py0; y <= py1; y++) inside.fill(1, (y - by0) * bw + px0 - bx0, (y - by0) * bw + px1 - bx0 + 1);
          continue;
        }
        // the band: local colour means of the in and out working pixels around
        let fr = 0, fg = 0, fb = 0, fn = 0, kr = 0, kg = 0, kb = 0, kn = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = Math.min(w - 1, Math.max(0, wx + dx));
            const yy = Math.min(h - 1, Math.max(0, wy + dy));
            const q = yy * w + xx;
            const s = soft[q];
            fr += s * work[3 * q]; fg += s * work[3 * q + 1]; fb += s * work[3 * q + 2]; fn += s;
            kr += (1 - s) * work[3 * q]; kg += (1 - s) * work[3 * q + 1]; kb += (1 - s) * work[3 * q + 2]; kn += 1 - s;
          }
        }
        fr /= fn; fg /= fn; fb /= fn;
        kr /= kn; kg /= kn; kb /= kn;
        for (let y = py0; y <= py1; y++) {
          const syy = (y + 0.5) / sy - 0.5;
          const y0 = Math.floor(syy);
          const ty = syy - y0;
          for (let x = px0; x <= px1; x++) {
            const sxx = (x + 0.5) / sx - 0.5;
            const x0 = Math.floor(sxx);
            const tx = sxx - x0;
            const s = (1 - ty) * ((1 - tx) * at(x0, y0) + tx * at(x0 + 1, y0)) + ty * ((1 - tx) * at(x0, y0 + 1) + tx * at(x0 + 1, y0 + 1));
            let isIn: boolean;
            if (s <= 0.02) isIn = false;
            else if (s >= 0.98) isIn = true;
            else {
              const p = 3 * (y * W + x);
              const df = (rgb[p] - fr) ** 2 + (rgb[p + 1] - fg) ** 2 + (rgb[p + 2] - fb) ** 2;
              const dk = (rgb[p] - kr) ** 2 + (rgb[p + 1] - kg) ** 2 + (rgb[p + 2] - kb) ** 2;
              isIn = df === dk ? s > 0.5 : df < dk;
            }
            if (isIn) inside[(y - by0) * bw + (x - bx0)] = 1;
          }
        }
      }
    }
  }
  // keep what holds the clicked label (the region is connected at the working size; a
  // pixel-level flood here would cost more than the rest of the click at 4096²)
  let pixels = 0;
  for (let ly = 0; ly < bh; ly++) {
    const row = (ly + by0) * W + bx0;
    for (let lx = 0, i = ly * bw; lx < bw; lx++, i++) {
      if (!inside[i]) continue;
      if (labels[row + lx] === from) pixels++;
      else inside[i] = 0;
    }
  }
  // the clicked pixel itself always changes (it is a seed)
  if (fx >= bx0 && fx <= bx1 && fy >= by0 && fy <= by1) {
    const c = (fy - by0) * bw + (fx - bx0);
    if (!inside[c]) (inside[c] = 1), pixels++;
  }
  return { x: bx0, y: by0, w: bw, h: bh, mask: inside, pixels };
}
