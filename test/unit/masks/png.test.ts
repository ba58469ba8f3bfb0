import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/contract/errors.ts';
import { crc32, decodeLabelPng as decodeWith, decodeLabelPngAsync, encodeLabelPngAsync, webZlib } from '../../../src/masks/png.ts';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import { vocPalette } from '../../../src/masks/palette.ts';
import { catchErr } from '../../helpers/errors.ts';

function labels(width: number, height: number): Uint8Array {
  const m = new Uint8Array(width * height);
  for (let i = 0; i < m.length; i++) m[i] = i % 7 === 0 ? 255 : (i * 13) % 21;
  return m;
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

describe('encodeLabelPng / decodeLabelPng', () => {
  it('round-trips a grayscale label map exactly, deterministically', () => {
    const m = labels(37, 11);
    const png = encodeLabelPng(m, 37, 11);
    expect(encodeLabelPng(m, 37, 11)).toEqual(png);
    const d = decodeLabelPng(png);
    expect(d.width).toBe(37);
    expect(d.height).toBe(11);
    expect(d.palette).toBeUndefined();
    expect(d.labels).toEqual(m);
  });

  it('round-trips an indexed PNG with its palette', () => {
    const m = labels(16, 9);
    const d = decodeLabelPng(encodeLabelPng(m, 16, 9, vocPalette()));
    expect(d.labels).toEqual(m);
    expect(d.palette).toEqual(vocPalette());
  });

  it('writes PNGs sharp reads back to the same values and colours', async () => {
    const m = labels(20, 10);
    const gray = await sharp(Buffer.from(encodeLabelPng(m, 20, 10))).extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    expect((await sharp(Buffer.from(encodeLabelPng(m, 20, 10))).metadata()).channels).toBe(1);
    expect(new Uint8Array(gray.data)).toEqual(m);
    const pal = vocPalette();
    const rgb = await sharp(Buffer.from(encodeLabelPng(m, 20, 10, pal))).raw().toBuffer({ resolveWithObject: true });
    expect(rgb.info.channels).toBe(3);
    for (const i of [0, 1, 7, 55, 199]) {
      expect([rgb.data[i * 3], rgb.data[i * 3 + 1], rgb.data[i * 3 + 2]]).toEqual([pal[m[i] * 3], pal[m[i] * 3 + 1], pal[m[i] * 3 + 2]]);
    }
  });

  it('decodes an 8-bit grayscale PNG written by sharp (with its own filters)', async () => {
    const w = 33;
    const h = 17;
    const raw = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw[y * w + x] = (x * 7 + y * 3) % 256;
    const png = await sharp(Buffer.from(raw), { raw: { width: w, height: h, channels: 1 } })
      .toColourspace('b-w')
      .png({ adaptiveFiltering: true, compressionLevel: 9 })
      .toBuffer();
    const d = decodeLabelPng(new Uint8Array(png), 'sharp.png');
    expect([d.width, d.height]).toEqual([w, h]);
    expect(d.labels).toEqual(raw);
  });

  it('decodes a low-bit-depth indexed PNG written by sharp to palette indices', async () => {
    // two colours → sharp writes a 1- or 2-bit palette PNG
    const w = 19;
    const h = 5;
    const rgb = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) if (i % 3 === 0) rgb.set([255, 0, 0], i * 3);
    const png = await sharp(rgb, { raw: { width: w, height: h, channels: 3 } }).png({ palette: true, colours: 2 }).toBuffer();
    const d = decodeLabelPng(new Uint8Array(png), 'pal.png');
    expect(d.palette).toBeDefined();
    for (let i = 0; i < w * h; i++) {
      const k = d.labels[i];
      const colour = [d.palette![k * 3], d.palette![k * 3 + 1], d.palette![k * 3 + 2]];
      expect(colour).toEqual(i % 3 === 0 ? [255, 0, 0] : [0, 0, 0]);
    }
  });

  it('rejects an RGB PNG, naming the file', async () => {
    const png = await sharp(Buffer.alloc(4 * 4 * 3, 9), { raw: { width: 4, height: 4, channels: 3 } }).png().toBuffer();
    expect(() => decodeLabelPng(new Uint8Array(png), 'photo.png')).toThrow(/photo\.png: colour type 2 \(RGB\)/);
  });

  it('reports a truncated file by name', () => {
    const png = encodeLabelPng(labels(30, 30), 30, 30);
    const err = catchErr(() => decodeLabelPng(png.subarray(0, png.length - 20), 'masks/cut.png'));
    expect(err).toBeInstanceOf(StudioError);
    expect(err.message).toMatch(/^masks\/cut\.png: truncated PNG/);
  });

  it('reports a corrupted byte (CRC mismatch) and a non-PNG by name', () => {
    const png = encodeLabelPng(labels(8, 8), 8, 8).slice();
    png[40] ^= 0xff;
    expect(() => decodeLabelPng(png, 'flip.png')).toThrow(/flip\.png: corrupt PNG \(CRC mismatch/);
    expect(() => decodeLabelPng(new TextEncoder().encode('hello'), 'x.png')).toThrow(/x\.png: not a PNG file/);
  });

  it('reports corrupt compressed data with a valid CRC', () => {
    const good = encodeLabelPng(labels(8, 8), 8, 8);
    // rebuild with an IDAT that is valid-CRC garbage
    const junk = deflateSync(Buffer.alloc(3)).subarray(0, 4);
    const bad = replaceIdat(good, new Uint8Array(junk));
    expect(() => decodeLabelPng(bad, 'junk.png')).toThrow(/junk\.png: (corrupt PNG image data|truncated PNG image data)/);
  });

  it('refuses mismatched sizes on encode', () => {
    expect(() => encodeLabelPng(new Uint8Array(5), 2, 2)).toThrow(/5 labels for a 2x2 map/);
  });
});

describe('the codec with a web-streams zlib (what the renderer uses)', () => {
  it('reads what Node writes and writes what Node reads, palette included', async () => {
    const m = labels(41, 13);
    const pal = vocPalette();
    const web = await encodeLabelPngAsync(m, 41, 13, webZlib, pal);
    const d = decodeLabelPng(web, 'web.png');
    expect(d.labels).toEqual(m);
    expect(d.palette).toEqual(pal);
    const back = await decodeLabelPngAsync(encodeLabelPng(m, 41, 13), webZlib, 'node.png');
    expect([back.width, back.height]).toEqual([41, 13]);
    expect(back.labels).toEqual(m);
    expect(back.palette).toBeUndefined();
  });

  it('names the file when the injected inflate fails', async () => {
    const png = encodeLabelPng(labels(4, 4), 4, 4);
    const broken = { inflate: () => { throw new Error('no zlib here'); } };
    expect(() => decodeWith(png, broken, 'a.png')).toThrow(/^a\.png: corrupt PNG image data \(no zlib here\)$/);
    await expect(decodeLabelPngAsync(png, { inflate: () => Promise.reject(new Error('stream broke')) }, 'b.png')).rejects.toThrow(/^b\.png: corrupt PNG image data \(stream broke\)$/);
    await expect(encodeLabelPngAsync(new Uint8Array(3), 2, 2, webZlib)).rejects.toThrow(/3 labels for a 2x2 map/);
  });
});

/** Swaps the IDAT payload of a PNG we encoded (IHDR, IDAT, IEND), fixing the CRC. */
function replaceIdat(png: Uint8Array, data: Uint8Array): Uint8Array {
  const head = png.subarray(0, 8 + 25);
  const chunk = new Uint8Array(12 + data.length);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, data.length);
  chunk.set(new TextEncoder().encode('IDAT'), 4);
  chunk.set(data, 8);
  dv.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  const iend = png.subarray(png.length - 12);
  const out = new Uint8Array(head.length + chunk.length + iend.length);
  out.set(head, 0);
  out.set(chunk, head.length);
  out.set(iend, head.length + chunk.length);
  return out;
}
