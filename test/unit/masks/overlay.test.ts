// The overlay kernel: fill paints every class pixel in its colour; outline paints the
// region's border in the class colour, a halo (black or white, translucent) just inside
// and just outside it, and nothing else; ignore goes through the caller's pattern.
// shrinkLabels samples pixel centres into the thumbnail's size.
import { describe, expect, it } from 'vitest';
import { overlayColors, paintOverlay, rgba, shrinkLabels } from '../../../src/masks/overlay.ts';

const IGNORE_PX = rgba(1, 2, 3, 4);
const colors = overlayColors([{ index: 1, color: '#ff0000' }, { index: 2, color: '#0087ff' }], () => IGNORE_PX);

/** a w×h map with a filled rectangle of `v` */
function mapWith(w: number, h: number, rects: [number, number, number, number, number][]): Uint8Array {
  const d = new Uint8Array(w * h);
  for (const [x0, y0, rw, rh, v] of rects) for (let y = y0; y < y0 + rh; y++) d.fill(v, y * w + x0, y * w + x0 + rw);
  return d;
}

function paint(d: Uint8Array, w: number, h: number, style: 'fill' | 'outline'): Uint32Array {
  const out = new Uint32Array(w * h);
  paintOverlay(d, w, h, 0, 0, w, h, colors, style, out);
  return out;
}

describe('overlay kernel', () => {
  const W = 12;
  const H = 10;
  const d = mapWith(W, H, [[2, 2, 7, 6, 1]]);
  d[0] = 255;
  const at = (out: Uint32Array, x: number, y: number) => out[y * W + x];

  it('fills class pixels with their colour, leaves background clear, hands ignore to the pattern', () => {
    const out = paint(d, W, H, 'fill');
    expect(at(out, 5, 5)).toBe(rgba(255, 0, 0));
    expect(at(out, 1, 1)).toBe(0);
    expect(at(out, 0, 0)).toBe(IGNORE_PX);
  });

  it('outlines: border in the class colour, a halo on both sides, the inside clear', () => {
    const out = paint(d, W, H, 'outline');
    const red = rgba(255, 0, 0);
    // red is 4:1 against white and 5.3:1 against black: its halo is black
    const halo = colors.halo[1];
    expect(halo).toBe(rgba(0, 0, 0, 170));
    expect(at(out, 2, 4)).toBe(red); // left border
    expect(at(out, 8, 7)).toBe(red); // bottom-right corner
    expect(at(out, 3, 4)).toBe(halo); // just inside
    expect(at(out, 1, 4)).toBe(halo); // just outside
    expect(at(out, 5, 5)).toBe(0); // deep inside
    expect(at(out, 0, 4)).toBe(0); // far outside
    const lines = [...out].filter((v) => v === red).length;
    expect(lines).toBe(2 * 7 + 2 * 6 - 4); // the rectangle's perimeter
  });

  it('paints a sub-rectangle exactly as the same pixels of the whole map', () => {
    const whole = paint(d, W, H, 'outline');
    const part = new Uint32Array(4 * 3);
    paintOverlay(d, W, H, 1, 3, 4, 3, colors, 'outline', part);
    for (let y = 0; y < 3; y++) for (let x = 0; x < 4; x++) expect(part[y * 4 + x]).toBe(whole[(y + 3) * W + x + 1]);
  });

  it('two classes side by side each keep their own line', () => {
    const two = mapWith(8, 4, [[0, 0, 4, 4, 1], [4, 0, 4, 4, 2]]);
    const out = new Uint32Array(32);
    paintOverlay(two, 8, 4, 0, 0, 8, 4, colors, 'outline', out);
    expect(out[1 * 8 + 3]).toBe(colors.fill[1]);
    expect(out[1 * 8 + 4]).toBe(colors.fill[2]);
  });

  it('shrinks a map to the thumbnail size, sampling pixel centres', () => {
    const big = mapWith(512, 256, [[256, 0, 256, 256, 3]]);
    const s = shrinkLabels(big, 512, 256, 256);
    expect([s.width, s.height]).toEqual([256, 128]);
    expect(s.data[0]).toBe(0);
    expect(s.data[127]).toBe(0);
    expect(s.data[128]).toBe(3);
    const small = mapWith(40, 30, []);
    expect(shrinkLabels(small, 40, 30, 256).data).toBe(small); // never enlarged
  });
});
