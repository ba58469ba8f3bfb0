// Reading files that another file names (a model.json's weight shards, an ONNX model's
// external data, a tag list's images): the name is resolved through every symlink and must
// land inside the folder that named it, on a regular file (never a device, FIFO or socket)
// whose size is known before a byte is read. Opening is non-blocking, so a FIFO planted
// under a trusted name is refused instead of hanging the reader.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { StudioError } from '../contract/errors.ts';

/** true when `file` (already a real path) lies inside the real folder `root` */
export function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface Confined {
  /** the real path of the file */
  path: string;
  size: number;
}

export interface ConfineOptions {
  /** how errors name the reference, e.g. `model.json: weight shard 'g1.bin'` */
  what: string;
  /** refused when larger (bytes) */
  maxBytes?: number;
}

function refuse(what: string, problem: string, code: 'BAD_REQUEST' | 'NOT_FOUND' = 'BAD_REQUEST'): never {
  throw new StudioError(code, `${what} ${problem}`);
}

/** The real path of `name` (relative to `root`), refused unless it stays inside `root`. */
export function confinedPath(root: string, name: string, what: string): string {
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    return refuse(what, `cannot be read: the folder ${root} does not exist`, 'NOT_FOUND');
  }
  const target = resolve(realRoot, name);
  let real: string;
  try {
    real = realpathSync(target);
  } catch (e) {
    // a missing file is reported as outside when its name alone already leaves the folder
    if (!isInside(realRoot, target)) return refuse(what, `points outside ${realRoot}; only files inside that folder are read`);
    return refuse(what, `is missing (expected at ${target})`, 'NOT_FOUND');
  }
  if (!isInside(realRoot, real)) return refuse(what, `points outside ${realRoot}${real !== target ? ` (through a symbolic link, to ${real})` : ''}; only files inside that folder are read`);
  return real;
}

/** Opens a regular file without blocking; the caller closes the descriptor. */
function openRegular(file: string, what: string, maxBytes: number | undefined): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return refuse(what, `cannot be opened (${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'NOT_FOUND');
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeSync(fd);
    return refuse(what, `is ${st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO' : st.isSocket() ? 'a socket' : 'a device'}, not a regular file (${file})`);
  }
  if (maxBytes !== undefined && st.size > maxBytes) {
    closeSync(fd);
    return refuse(what, `is ${st.size} bytes, more than the ${maxBytes} expected (${file})`);
  }
  return { fd, size: st.size };
}

/** `name` inside `root`, checked to be a regular file within the size limit. */
export function confinedFile(root: string, name: string, opts: ConfineOptions): Confined {
  const path = confinedPath(root, name, opts.what);
  const { fd, size } = openRegular(path, opts.what, opts.maxBytes);
  closeSync(fd);
  return { path, size };
}

/** The bytes of `name` inside `root` (or of [offset, offset+length) of it), confined and size-checked. */
export function readConfined(root: string, name: string, opts: ConfineOptions & { offset?: number; length?: number }): Uint8Array {
  const path = confinedPath(root, name, opts.what);
  const { fd, size } = openRegular(path, opts.what, opts.maxBytes);
  try {
    const offset = opts.offset ?? 0;
    const length = opts.length ?? size - offset;
    if (offset < 0 || length < 0 || offset + length > size) {
      return refuse(opts.what, `holds ${size} bytes; bytes ${offset}..${offset + length} were asked for (${path})`);
    }
    const out = Buffer.alloc(length);
    for (let got = 0; got < length; ) {
      const n = readSync(fd, out, got, length - got, offset + got);
      if (n === 0) return refuse(opts.what, `ended after ${got} of ${length} bytes (changed while reading? ${path})`);
      got += n;
    }
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } finally {
    closeSync(fd);
  }
}
