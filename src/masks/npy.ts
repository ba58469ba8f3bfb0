// NumPy .npy files (format 1.0) for float32 arrays: magic, version, a little-endian
// uint16 header length, a Python-dict header padded with spaces and ended by '\n' so
// the data starts at a multiple of 64 bytes (what numpy itself writes), then the data
// little-endian in C order. np.load reads them with no options.
import { StudioError } from '../contract/errors.ts';

const MAGIC = Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59); // \x93NUMPY

function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** A float32 array of `shape` (C order) as .npy bytes. */
export function encodeNpyFloat32(data: Float32Array, shape: readonly number[]): Uint8Array {
  const n = shape.reduce((a, b) => a * b, 1);
  if (n !== data.length) throw new StudioError('BAD_REQUEST', `npy: ${data.length} values for shape ${shapeText(shape)}`);
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText(shape)}, }`;
  const unpadded = MAGIC.length + 2 + 2 + dict.length + 1;
  const pad = (64 - (unpadded % 64)) % 64;
  const header = dict + ' '.repeat(pad) + '\n';
  const out = new Uint8Array(10 + header.length + data.length * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  dv.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const base = 10 + header.length;
  for (let i = 0; i < data.length; i++) dv.setFloat32(base + 4 * i, data[i], true);
  return out;
}

/** Reads a little-endian float32 C-order .npy (version 1.0/2.0); anything else is an error naming `file`. */
export function decodeNpyFloat32(bytes: Uint8Array, file = 'npy data'): { shape: number[]; data: Float32Array } {
  const fail = (p: string): never => {
    throw new StudioError('BAD_REQUEST', `${file}: ${p}`);
  };
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) fail('not a .npy file');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + hlen));
  if (!/'descr':\s*'<f4'/.test(header)) fail(`dtype is not little-endian float32 (${header.trim()})`);
  if (/'fortran_order':\s*True/.test(header)) fail('Fortran-order arrays are not supported');
  const m = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!m) return fail('header has no shape');
  const shape = m[1]
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length)
    .map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const base = start + hlen;
  if (bytes.length < base + n * 4) fail('truncated data');
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = dv.getFloat32(base + 4 * i, true);
  return { shape, data };
}
