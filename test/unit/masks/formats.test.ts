import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, fromHalfBits, toHalfBits } from '../../../src/masks/float16.ts';
import { classesPresent, remapLabels, unknownValues } from '../../../src/masks/labels.ts';
import { decodeNpyFloat32, encodeNpyFloat32 } from '../../../src/masks/npy.ts';
import { classPalette, parseHexColor, vocPalette } from '../../../src/masks/palette.ts';

describe('VOC palette', () => {
  it('has VOC’s known colours', () => {
    const p = vocPalette();
    const at = (k: number) => Array.from(p.subarray(k * 3, k * 3 + 3));
    expect(at(0)).toEqual([0, 0, 0]);
    expect(at(1)).toEqual([128, 0, 0]);
    expect(at(2)).toEqual([0, 128, 0]);
    expect(at(15)).toEqual([192, 128, 128]); // person
    expect(at(255)).toEqual([224, 224, 192]); // ignore
  });
  it('puts project colours at class indices', () => {
    const p = classPalette([{ index: 2, color: '#123456' }]);
    expect(Array.from(p.subarray(6, 9))).toEqual([0x12, 0x34, 0x56]);
    expect(Array.from(p.subarray(765, 768))).toEqual([224, 224, 192]);
    expect(() => parseHexColor('red')).toThrow(/#rrggbb/);
  });
});

describe('float16', () => {
  it('known bit patterns', () => {
    expect(toHalfBits(1)).toBe(0x3c00);
    expect(toHalfBits(-2)).toBe(0xc000);
    expect(toHalfBits(65504)).toBe(0x7bff);
    expect(toHalfBits(1e6)).toBe(0x7c00);
    expect(toHalfBits(2 ** -24)).toBe(0x0001);
    expect(toHalfBits(1 + 2 ** -11)).toBe(0x3c00); // halfway → even
    expect(toHalfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway → even (up)
    expect(fromHalfBits(0x3555)).toBeCloseTo(0.333, 3);
  });
  it('round-trips every half value and matches the store’s encoder bit for bit', () => {
    const all = new Uint8Array(65536 * 2);
    for (let h = 0; h < 65536; h++) {
      all[2 * h] = h & 0xff;
      all[2 * h + 1] = h >> 8;
    }
    const f = decodeFloat16(all);
    const back = encodeFloat16(f);
    for (let h = 0; h < 65536; h++) {
      const isNaN = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (!isNaN) expect(back[2 * h] | (back[2 * h + 1] << 8)).toBe(h);
    }
    const known: [number, number][] = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff],
      [1e6, 0x7c00], [2 ** -24, 0x0001], [2 ** -14, 0x0400], [1 / 3, 0x3555], [Infinity, 0x7c00],
    ];
    for (const [v, h] of known) expect([v, toHalfBits(v)]).toEqual([v, h]);
    expect(Number.isNaN(fromHalfBits(toHalfBits(NaN)))).toBe(true);
  });
  it('normalised CAM values keep ~3 significant digits', () => {
    const v = Float32Array.from({ length: 1000 }, (_, i) => i / 999);
    const d = decodeFloat16(encodeFloat16(v));
    for (let i = 0; i < v.length; i++) expect(Math.abs(d[i] - v[i])).toBeLessThanOrEqual(2 ** -11 + 1e-9);
  });
});

describe('.npy', () => {
  it('writes a v1.0 header padded to 64 bytes that numpy reads, and reads it back', () => {
    const data = Float32Array.from({ length: 12 }, (_, i) => i * 0.5 - 1);
    const bytes = encodeNpyFloat32(data, [3, 4]);
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = bytes[8] | (bytes[9] << 8);
    expect((10 + hlen) % 64).toBe(0);
    const header = Buffer.from(bytes.subarray(10, 10 + hlen)).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(3, 4\), \} *\n$/);
    expect(bytes.length).toBe(10 + hlen + 48);
    expect(new DataView(bytes.buffer).getFloat32(10 + hlen + 4, true)).toBe(-0.5);
    expect(decodeNpyFloat32(bytes)).toEqual({ shape: [3, 4], data });
    expect(decodeNpyFloat32(encodeNpyFloat32(data, [12])).shape).toEqual([12]);
    expect(() => encodeNpyFloat32(data, [5, 5])).toThrow(/shape/);
  });
});

describe('label map helpers', () => {
  it('lists classes, unknown values, remaps', () => {
    const l = Uint8Array.of(0, 3, 3, 255, 7, 1);
    expect(classesPresent(l)).toEqual([1, 3, 7]);
    expect(unknownValues(l, [1, 3])).toEqual([7]);
    const t = Uint8Array.from({ length: 256 }, (_, i) => i);
    t[3] = 9;
    expect(Array.from(remapLabels(l, t))).toEqual([0, 9, 9, 255, 7, 1]);
  });
});
