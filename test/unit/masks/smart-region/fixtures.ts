// Small synthetic scenes for the smart-region tests: seeded noise, a disc or a box of one
// colour on another, and a WorkImage built at the image's own size.
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** RGB of a `w`×`h` image: `inside(x, y)` pixels near colour a, others near colour b, ± noise */
export function twoTone(w: number, h: number, inside: (x: number, y: number) => boolean, a: [number, number, number], b: [number, number, number], noise: number, seed = 1): Uint8Array {
  const r = rng(seed);
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = inside(x, y) ? a : b;
      for (let k = 0; k < 3; k++) out[(y * w + x) * 3 + k] = Math.max(0, Math.min(255, Math.round(c[k] + (r() - 0.5) * 2 * noise)));
    }
  }
  return out;
}

export const disc = (cx: number, cy: number, rad: number) => (x: number, y: number) => (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= rad * rad;

export function maskOf(w: number, h: number, inside: (x: number, y: number) => boolean, value = 1): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if (inside(x, y)) out[y * w + x] = value;
  return out;
}

export function iou(a: Uint8Array, b: Uint8Array): number {
  let i = 0;
  let u = 0;
  for (let k = 0; k < a.length; k++) {
    if (a[k] && b[k]) i++;
    if (a[k] || b[k]) u++;
  }
  return u ? i / u : 1;
}
