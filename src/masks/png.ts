// Exact PNG codec for label maps: 8-bit grayscale (value = class index) and indexed
// (PLTE, the VOC convention). Written by hand so the bytes we store and export are
// deterministic and decoding never goes through a colour-managing library that could
// remap indices. Pure and browser-safe: the zlib stream inside IDAT is made by a `Zlib`
// the caller passes (node:zlib on Node, see src/project/png.ts; CompressionStream in a
// browser, `webZlib` below), so the renderer and the store share one codec.
import { StudioError } from '../contract/errors.ts';

/**
 * zlib streams (RFC 1950), what a PNG's IDAT chunks hold. `inflate` must throw once its
 * output would pass `maxOutput` bytes: a few hundred KB of IDAT can claim gigabytes.
 */
export interface Zlib {
  deflate(data: Uint8Array): Uint8Array;
  inflate(data: Uint8Array, maxOutput: number): Uint8Array;
}

/** The same, for platforms whose zlib is asynchronous (web streams). */
export interface AsyncZlib {
  deflate(data: Uint8Array): Promise<Uint8Array>;
  inflate(data: Uint8Array, maxOutput: number): Promise<Uint8Array>;
}

/** 16384 × 16384: the largest label map any path decodes (a 256 MB uint8 map). */
export const MAX_LABEL_PIXELS = 16384 * 16384;

export interface DecodeLimits {
  /** the size the map must have (checked from the header, before any inflating) */
  expect?: { width: number; height: number };
  /** default MAX_LABEL_PIXELS */
  maxPixels?: number;
}

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const COLOR_GRAY = 0;
const COLOR_INDEXED = 3;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309, the one PNG uses) over `bytes`, continuing from `crc`. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

export interface DecodedLabelPng {
  labels: Uint8Array;
  width: number;
  height: number;
  /** rgb triples, present for indexed PNGs */
  palette?: Uint8Array;
}

/**
 * Encodes a label map row-major `width*height` as an 8-bit PNG: grayscale when no
 * palette is given, indexed (PLTE) otherwise. Same input → same bytes.
 */
export function encodeLabelPng(labels: Uint8Array, width: number, height: number, zlib: Pick<Zlib, 'deflate'>, palette?: Uint8Array): Uint8Array {
  const raw = scanlines(labels, width, height, palette);
  return assemble(width, height, zlib.deflate(raw), palette);
}

/** encodeLabelPng with an asynchronous zlib (a browser's CompressionStream). */
export async function encodeLabelPngAsync(labels: Uint8Array, width: number, height: number, zlib: Pick<AsyncZlib, 'deflate'>, palette?: Uint8Array): Promise<Uint8Array> {
  const raw = scanlines(labels, width, height, palette);
  return assemble(width, height, await zlib.deflate(raw), palette);
}

/** The checked input as PNG scanlines, each row behind its filter byte. */
function scanlines(labels: Uint8Array, width: number, height: number, palette: Uint8Array | undefined): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new StudioError('BAD_REQUEST', `label PNG: invalid size ${width}x${height}`);
  }
  if (labels.length !== width * height) {
    throw new StudioError('BAD_REQUEST', `label PNG: ${labels.length} labels for a ${width}x${height} map`);
  }
  if (palette && (palette.length % 3 !== 0 || palette.length === 0 || palette.length > 768)) {
    throw new StudioError('BAD_REQUEST', `label PNG: palette must hold 1..256 rgb triples, got ${palette.length} bytes`);
  }
  // Filter type 0 on every row: label maps are long runs, deflate handles them well and
  // the output stays trivially deterministic.
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(labels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return raw;
}

function assemble(width: number, height: number, idat: Uint8Array, palette: Uint8Array | undefined): Uint8Array {
  const ihdr = new Uint8Array(13);
  const dv = new DataView(ihdr.buffer);
  dv.setUint32(0, width);
  dv.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = palette ? COLOR_INDEXED : COLOR_GRAY;
  // compression, filter method, interlace: all 0
  const chunks = [chunk('IHDR', ihdr)];
  if (palette) chunks.push(chunk('PLTE', palette));
  chunks.push(chunk('IDAT', idat), chunk('IEND', new Uint8Array(0)));
  return concat([SIGNATURE, ...chunks]);
}

/**
 * Decodes a grayscale or indexed PNG (bit depth 1, 2, 4 or 8) to its raw values /
 * palette indices. Anything else (RGB, 16-bit, interlaced, truncated, bad CRC) is a
 * StudioError naming `file`.
 */
export function decodeLabelPng(bytes: Uint8Array, zlib: Pick<Zlib, 'inflate'>, file = 'PNG data', limits: DecodeLimits = {}): DecodedLabelPng {
  const png = parse(bytes, file, limits);
  let raw: Uint8Array;
  try {
    raw = zlib.inflate(png.idat, rawSize(png));
  } catch (err) {
    return corrupt(file, err);
  }
  return pixels(png, raw, file);
}

/** decodeLabelPng with an asynchronous zlib (a browser's DecompressionStream). */
export async function decodeLabelPngAsync(bytes: Uint8Array, zlib: Pick<AsyncZlib, 'inflate'>, file = 'PNG data', limits: DecodeLimits = {}): Promise<DecodedLabelPng> {
  const png = parse(bytes, file, limits);
  const raw = await zlib.inflate(png.idat, rawSize(png)).catch((err: unknown) => corrupt(file, err));
  return pixels(png, raw, file);
}

/**
 * The header of a label PNG (size, bit depth, palette), checked like decodeLabelPng
 * checks it, without inflating anything: what an upload is judged by before it costs memory.
 */
export function labelPngHeader(bytes: Uint8Array, file = 'PNG data', limits: DecodeLimits = {}): { width: number; height: number; depth: number; indexed: boolean } {
  const { width, height, depth, palette } = parse(bytes, file, limits);
  return { width, height, depth, indexed: palette !== undefined };
}

/** the scanlines' exact inflated size, filter bytes included: more is not this image */
function rawSize(png: ParsedPng): number {
  return (Math.ceil((png.width * png.depth) / 8) + 1) * png.height;
}

interface ParsedPng {
  width: number;
  height: number;
  depth: number;
  palette?: Uint8Array;
  /** the IDAT chunks joined: one zlib stream */
  idat: Uint8Array;
}

function corrupt(file: string, err: unknown): never {
  return failIn(file)(`corrupt PNG image data (${(err as Error).message})`);
}

function failIn(file: string): (problem: string) => never {
  return (problem) => {
    throw new StudioError('BAD_REQUEST', `${file}: ${problem}`);
  };
}

/** The chunks checked (CRCs, header, a label-map colour type), the image data still compressed. */
function parse(bytes: Uint8Array, file: string, limits: DecodeLimits): ParsedPng {
  const fail = failIn(file);
  if (bytes.length < SIGNATURE.length || !SIGNATURE.every((b, i) => bytes[i] === b)) fail('not a PNG file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = SIGNATURE.length;
  let header: { width: number; height: number; depth: number; color: number } | undefined;
  let palette: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let ended = false;
  while (!ended) {
    if (pos + 8 > bytes.length) fail('truncated PNG (missing IEND)');
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (pos + 12 + len > bytes.length) fail(`truncated PNG (chunk ${type} runs past the end of the file)`);
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    const stored = dv.getUint32(pos + 8 + len);
    if (crc32(data, crc32(bytes.subarray(pos + 4, pos + 8))) !== stored) fail(`corrupt PNG (CRC mismatch in chunk ${type})`);
    pos += 12 + len;
    switch (type) {
      case 'IHDR': {
        if (len !== 13) fail('corrupt PNG (bad IHDR length)');
        const h = new DataView(data.buffer, data.byteOffset, 13);
        header = { width: h.getUint32(0), height: h.getUint32(4), depth: data[8], color: data[9] };
        if (data[12] !== 0) fail('interlaced PNGs are not supported for label maps');
        break;
      }
      case 'PLTE':
        palette = data.slice();
        break;
      case 'IDAT':
        idat.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        break; // ancillary chunks (tRNS, gAMA, text…) carry nothing a label map needs
    }
  }
  if (!header) return fail('corrupt PNG (no IHDR)');
  const { width, height, depth, color } = header;
  if (width < 1 || height < 1) fail(`invalid size ${width}x${height}`);
  const want = limits.expect;
  if (want && (width !== want.width || height !== want.height)) fail(`is ${width}x${height}, the image is ${want.width}x${want.height}`);
  const maxPixels = limits.maxPixels ?? MAX_LABEL_PIXELS;
  if (width * height > maxPixels) fail(`${width}x${height} is larger than the ${maxPixels}-pixel limit for label maps`);
  if (color !== COLOR_GRAY && color !== COLOR_INDEXED) {
    fail(`colour type ${color} (${colorName(color)}) is not a label map; expected 8-bit grayscale or indexed`);
  }
  if (![1, 2, 4, 8].includes(depth)) fail(`bit depth ${depth} is not supported for label maps (expected 8)`);
  if (color === COLOR_INDEXED && !palette) fail('indexed PNG without a PLTE chunk');
  if (idat.length === 0) fail('PNG has no image data');
  return { width, height, depth, ...(palette ? { palette } : {}), idat: concat(idat) };
}

/** The inflated scanlines → one value per pixel. */
function pixels(png: ParsedPng, raw: Uint8Array, file: string): DecodedLabelPng {
  const { width, height, depth, palette } = png;
  const fail = failIn(file);
  const stride = Math.ceil((width * depth) / 8);
  if (raw.length < (stride + 1) * height) fail('truncated PNG image data');
  const rows = unfilter(raw, stride, height, fail);
  const labels = depth === 8 ? rows : unpack(rows, width, height, stride, depth);
  return palette ? { labels, width, height, palette } : { labels, width, height };
}

function colorName(color: number): string {
  return ({ 2: 'RGB', 4: 'grayscale+alpha', 6: 'RGBA' } as Record<number, string>)[color] ?? 'unknown';
}

/** Undoes PNG scanline filters (bytes per pixel is 1 for every format we accept). */
function unfilter(raw: Uint8Array, stride: number, height: number, fail: (p: string) => never): Uint8Array {
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = y * (stride + 1) + 1;
    const o = y * stride;
    const up = o - stride;
    for (let x = 0; x < stride; x++) {
      const a = x > 0 ? out[o + x - 1] : 0;
      const b = y > 0 ? out[up + x] : 0;
      const c = x > 0 && y > 0 ? out[up + x - 1] : 0;
      const v = raw[src + x];
      switch (f) {
        case 0: out[o + x] = v; break;
        case 1: out[o + x] = v + a; break;
        case 2: out[o + x] = v + b; break;
        case 3: out[o + x] = v + ((a + b) >> 1); break;
        case 4: out[o + x] = v + paeth(a, b, c); break;
        default: fail(`corrupt PNG (unknown filter type ${f} on row ${y})`);
      }
    }
  }
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Sub-byte samples (1/2/4 bits, MSB first) → one byte per pixel. */
function unpack(rows: Uint8Array, width: number, height: number, stride: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = rows[y * stride + Math.floor(x / perByte)];
      const shift = 8 - depth * ((x % perByte) + 1);
      out[y * width + x] = (byte >> shift) & mask;
    }
  }
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  dv.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

async function through(data: Uint8Array, stream: CompressionStream | DecompressionStream, maxOutput = Infinity): Promise<Uint8Array> {
  const reader = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(stream).getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxOutput) {
      await reader.cancel();
      throw new Error(`inflated data larger than the ${maxOutput} bytes the header declares`);
    }
    parts.push(value);
  }
  return concat(parts);
}

/** zlib over the platform's web streams (browsers, and Node ≥ 18). */
export const webZlib: AsyncZlib = {
  deflate: (data) => through(data, new CompressionStream('deflate')),
  inflate: (data, maxOutput) => through(data, new DecompressionStream('deflate'), maxOutput),
};
