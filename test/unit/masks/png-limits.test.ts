// The label-PNG decoder bounds its work by the header: a declared size past the limit or
// different from the image it is for is refused before inflating, and image data that
// inflates past what the header declares is refused at the cap (node:zlib and web streams).
import { describe, expect, it } from 'vitest';
import { decodeLabelPngAsync, labelPngHeader, MAX_LABEL_PIXELS, webZlib } from '../../../src/masks/png.ts';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import { overfullPng, pngWith } from '../../helpers/png-bomb.ts';

describe('bounded label-PNG decoding', () => {
  it('refuses a header larger than the pixel limit without inflating (the IDAT here is not even zlib)', () => {
    const png = pngWith(20000, 20000, new Uint8Array([1, 2, 3, 4]));
    expect(20000 * 20000).toBeGreaterThan(MAX_LABEL_PIXELS);
    expect(() => decodeLabelPng(png, 'bomb.png')).toThrow('bomb.png: 20000x20000 is larger than the 268435456-pixel limit for label maps');
    expect(() => labelPngHeader(png, 'bomb.png')).toThrow(/larger than the 268435456-pixel limit/);
  });

  it('checks the header against the expected size before inflating', () => {
    const png = pngWith(3000, 3000, new Uint8Array([1, 2, 3, 4]));
    expect(() => decodeLabelPng(png, 'm.png', { expect: { width: 40, height: 30 } })).toThrow('m.png: is 3000x3000, the image is 40x30');
    const good = encodeLabelPng(new Uint8Array(40 * 30).fill(1), 40, 30);
    expect(decodeLabelPng(good, 'm.png', { expect: { width: 40, height: 30 } }).labels[0]).toBe(1);
    expect(labelPngHeader(good)).toEqual({ width: 40, height: 30, depth: 8, indexed: false });
  });

  it('stops inflating at the size the header declares (node:zlib)', () => {
    const png = overfullPng(16, 16, 8 << 20);
    expect(png.length).toBeLessThan(20_000);
    expect(() => decodeLabelPng(png, 'over.png')).toThrow(/^over\.png: corrupt PNG image data \(/);
  });

  it('stops inflating at the size the header declares (web streams)', async () => {
    await expect(decodeLabelPngAsync(overfullPng(16, 16, 8 << 20), webZlib, 'over.png')).rejects.toThrow(/over\.png: corrupt PNG image data \(inflated data larger than the 272 bytes/);
    const ok = encodeLabelPng(new Uint8Array(16 * 16).fill(3), 16, 16);
    expect((await decodeLabelPngAsync(ok, webZlib)).labels.every((v) => v === 3)).toBe(true);
  });
});
