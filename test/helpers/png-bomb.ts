// Hand-made PNGs for decoder abuse tests: a header that claims any size, IDAT from any
// zlib stream (streamed, so a bomb of hundreds of MB inflated never exists in memory here).
import { createDeflate, deflateSync } from 'node:zlib';
import { crc32 } from '../../src/masks/png.ts';

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An 8-bit grayscale PNG declaring width×height, with `idat` as its (zlib) image data. */
export function pngWith(width: number, height: number, idat: Uint8Array): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  return new Uint8Array(Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]));
}

/** zlib of `total` zero bytes, fed 1 MB at a time. */
export async function zerosDeflated(total: number): Promise<Uint8Array> {
  const z = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  z.on('data', (c: Buffer) => parts.push(c));
  const done = new Promise<void>((r) => z.on('end', () => r()));
  const block = Buffer.alloc(1 << 20);
  for (let left = total; left > 0; left -= block.length) {
    if (!z.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((r) => z.once('drain', r));
  }
  z.end();
  await done;
  return new Uint8Array(Buffer.concat(parts));
}

/** The classic bomb: 20000×20000 declared, ~400 MB of zero scanlines in a few hundred KB. */
export async function bombPng(width = 20000, height = 20000): Promise<Uint8Array> {
  return pngWith(width, height, await zerosDeflated((width + 1) * height));
}

/** A small header with image data that inflates to far more than it declares. */
export function overfullPng(width: number, height: number, inflated: number): Uint8Array {
  return pngWith(width, height, deflateSync(Buffer.alloc(inflated)));
}
