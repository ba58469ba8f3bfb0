// The one rule every reader of a project's image files follows (the studio's image and
// thumbnail requests, export's copied images, import and its label PNGs, relink, and the
// job pipeline on the main thread or in a worker): an image file may be replaced after import, by a FIFO
// (a plain read would block the whole studio forever), by a link to /dev/zero (a read to
// EOF never ends and eats memory) or by a huge file. So the file is opened without
// following a final symbolic link and without blocking, must be a regular file within
// MAX_IMAGE_BYTES, is read up to the size it had when opened, and its declared pixel count
// must stay within MAX_IMAGE_PIXELS before anything is decoded.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { StudioError } from '../contract/errors.ts';

/** larger files are refused before a byte is read */
export const MAX_IMAGE_BYTES = 512 * 1024 * 1024;
/** 100 megapixels: a decoded RGB copy stays ≈ 300 MB (a 16000² image would need 768 MB per copy) */
export const MAX_IMAGE_PIXELS = 100_000_000;

/** sharp's options for decoding an image the studio reads (its own pixel cap matches ours) */
export const SHARP_LIMITS = { limitInputPixels: MAX_IMAGE_PIXELS } as const;

function kind(st: Stats): string {
  return st.isDirectory() ? 'a folder' : st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device';
}

const FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

function openFailed(file: string, e: unknown): StudioError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new StudioError('NOT_FOUND', `${file}: image file not found (moved? relink the dataset folder)`);
  if (code === 'ELOOP') return new StudioError('BAD_REQUEST', `${file}: is a symbolic link; image files are read only as regular files (copy the image in its place)`);
  return new StudioError('IO_ERROR', `${file}: cannot open the image (${code ?? (e as Error).message})`);
}

/** the size to read, once the opened file is known to be a regular file within the cap */
function checkedSize(file: string, st: Stats, maxBytes: number): number {
  if (!st.isFile()) throw new StudioError('BAD_REQUEST', `${file}: is ${kind(st)}, not a regular image file`);
  if (st.size > maxBytes) throw new StudioError('BAD_REQUEST', `${file}: is ${st.size} bytes, more than the ${maxBytes} an image may have`);
  return st.size;
}

function ended(file: string, got: number, size: number): StudioError {
  return new StudioError('IO_ERROR', `${file}: ended after ${got} of ${size} bytes (changed while it was read?)`);
}

/** The bytes of the image file `file` under the rule above; a StudioError naming the file otherwise. */
export async function readImageFile(file: string, maxBytes = MAX_IMAGE_BYTES): Promise<Buffer> {
  const fh = await open(file, FLAGS).catch((e: unknown) => {
    throw openFailed(file, e);
  });
  try {
    const size = checkedSize(file, await fh.stat(), maxBytes);
    const out = Buffer.allocUnsafe(size);
    for (let got = 0; got < size; ) {
      const { bytesRead } = await fh.read(out, got, size - got, got);
      if (bytesRead === 0) throw ended(file, got, size);
      got += bytesRead;
    }
    return out;
  } finally {
    await fh.close();
  }
}

/** readImageFile for synchronous readers (label PNGs read while a batch is planned). */
export function readImageFileSync(file: string, maxBytes = MAX_IMAGE_BYTES): Buffer {
  let fd: number;
  try {
    fd = openSync(file, FLAGS);
  } catch (e) {
    throw openFailed(file, e);
  }
  try {
    const size = checkedSize(file, fstatSync(fd), maxBytes);
    const out = Buffer.allocUnsafe(size);
    for (let got = 0; got < size; ) {
      const n = readSync(fd, out, got, size - got, got);
      if (n === 0) throw ended(file, got, size);
      got += n;
    }
    return out;
  } finally {
    closeSync(fd);
  }
}

/** Refuses an image whose declared size is beyond MAX_IMAGE_PIXELS, before it is decoded. */
export function checkImagePixels(file: string, width: number, height: number): void {
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new StudioError('BAD_REQUEST', `${file}: declares ${width}×${height} pixels (${((width * height) / 1e6).toFixed(0)} MP); images up to ${MAX_IMAGE_PIXELS / 1e6} MP are read — scale it down`);
  }
}
