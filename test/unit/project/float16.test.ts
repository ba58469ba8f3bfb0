import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, fromFloat16, toFloat16 } from '../../../src/project/float16.ts';

describe('float16', () => {
  it('encodes known values bit-exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [1e6, 0x7c00], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [1 / 3, 0x3555], [Infinity, 0x7c00],
    ];
    for (const [v, h] of cases) expect([v, toFloat16(v)]).toEqual([v, h]);
    expect(Number.isNaN(fromFloat16(toFloat16(NaN)))).toBe(true);
  });

  it('round-trips every half value and keeps [0,1] CAMs within half precision', () => {
    for (let h = 0; h < 0x7c00; h++) expect(toFloat16(fromFloat16(h))).toBe(h);
    const cam = new Float32Array(1000).map((_, i) => i / 999);
    const back = decodeFloat16(encodeFloat16(cam));
    for (let i = 0; i < cam.length; i++) expect(Math.abs(back[i] - cam[i])).toBeLessThanOrEqual(2 ** -11);
  });
});
