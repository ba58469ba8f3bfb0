// COCO run-length encoding, bit-compatible with pycocotools (maskApi.c):
// - counts run over the mask in column-major (Fortran) order — pycocotools encodes an
//   h×w array stored column by column — alternating 0-runs and 1-runs, starting with the
//   count of 0s (which may be 0);
// - the compressed string packs each count in 5-bit groups, low group first, six bits a
//   character (bit 5 = "more follows"), plus 48 to land in ASCII 48..111; from the fourth
//   count on (index > 2) what is written is the difference to the count two places
//   earlier (same-kind runs tend to be similar), so values may be negative: the last group
//   carries the sign in its bit 4 and decoding sign-extends from it.
// Our label maps are row-major; every function here takes and returns row-major masks.
import { StudioError } from '../contract/errors.ts';

export interface Rle {
  /** [height, width], as COCO writes `size` */
  size: [number, number];
  counts: number[];
}

export interface CompressedRle {
  size: [number, number];
  counts: string;
}

/** RLE of the row-major mask where `mask[i] !== 0`. */
export function rleEncode(mask: Uint8Array, width: number, height: number): Rle {
  if (mask.length !== width * height) throw new StudioError('BAD_REQUEST', `RLE: ${mask.length} values for a ${width}x${height} mask`);
  const counts: number[] = [];
  let prev = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0, i = x; y < height; y++, i += width) {
      const v = mask[i] !== 0 ? 1 : 0;
      if (v !== prev) {
        counts.push(run);
        run = 0;
        prev = v;
      }
      run++;
    }
  }
  counts.push(run);
  return { size: [height, width], counts };
}

/** Row-major 0/1 mask of an RLE. */
export function rleDecode(rle: Rle): Uint8Array {
  const [h, w] = rle.size;
  const n = h * w;
  const out = new Uint8Array(n);
  let pos = 0;
  let v = 0;
  for (const [k, c] of rle.counts.entries()) {
    if (!Number.isInteger(c) || c < 0) throw new StudioError('BAD_REQUEST', `RLE count ${k} is ${String(c)}; counts are whole numbers ≥ 0`);
    if (pos + c > n) throw new StudioError('BAD_REQUEST', `RLE counts cover more than ${h}x${w} pixels`);
    if (v) {
      for (let k = pos; k < pos + c; k++) {
        const x = Math.floor(k / h);
        out[(k - x * h) * w + x] = 1;
      }
    }
    pos += c;
    v ^= 1;
  }
  if (pos !== n) throw new StudioError('BAD_REQUEST', `RLE counts cover ${pos} pixels, the mask is ${h}x${w} = ${n}`);
  return out;
}

/** Number of 1 pixels. */
export function rleArea(rle: Rle): number {
  let a = 0;
  for (let i = 1; i < rle.counts.length; i += 2) a += rle.counts[i];
  return a;
}

/**
 * Tight box [x, y, w, h] of the 1 pixels, as pycocotools' toBbox computes it from the
 * counts (an empty mask gives [0, 0, 0, 0]).
 */
export function rleToBbox(rle: Rle): [number, number, number, number] {
  const [h, w] = rle.size;
  const m = rle.counts.length - (rle.counts.length % 2);
  if (m === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc += rle.counts[j];
    // j even: cc is the first pixel of a 1-run; j odd: cc − 1 is its last pixel
    const t = cc - (j % 2);
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      // the run wraps from one column into the next: every row is covered
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}

/** pycocotools' compressed counts string. */
export function rleToString(counts: readonly number[]): string {
  const chars: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    let x = counts[i];
    if (i > 2) x -= counts[i - 2];
    let more = true;
    while (more) {
      // arithmetic (floor) shift on a plain number: counts can exceed 32 bits' sign range
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      chars.push(c + 48);
    }
  }
  let out = '';
  // chunks: a spread of a huge array would overflow the call stack
  for (let i = 0; i < chars.length; i += 8192) out += String.fromCharCode(...chars.slice(i, i + 8192));
  return out;
}

/** Counts from pycocotools' compressed string (StudioError on characters outside 48..111). */
export function rleFromString(s: string): number[] {
  const counts: number[] = [];
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      if (p >= s.length) throw new StudioError('BAD_REQUEST', `RLE string ends inside a count`);
      const c = s.charCodeAt(p) - 48;
      if (c < 0 || c > 63) throw new StudioError('BAD_REQUEST', `RLE string has an invalid character '${s[p]}' at ${p}`);
      x += (c & 0x1f) * 2 ** (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x -= 2 ** (5 * k); // sign-extend from the last group's bit 4
    }
    if (counts.length > 2) x += counts[counts.length - 2];
    counts.push(x);
  }
  return counts;
}

export function rleCompress(rle: Rle): CompressedRle {
  return { size: [rle.size[0], rle.size[1]], counts: rleToString(rle.counts) };
}

export function rleDecompress(c: CompressedRle): Rle {
  return { size: [c.size[0], c.size[1]], counts: rleFromString(c.counts) };
}

/**
 * RLEs of every component of a row-major id map in one column-major pass: ids[i] = k
 * (1..count) puts pixel i in component k, 0 in none. Equal to rleEncode of each
 * component's own mask, without count full-image scans.
 */
export function rleEncodeComponents(ids: Int32Array, count: number, width: number, height: number): Rle[] {
  const n = width * height;
  const counts: number[][] = Array.from({ length: count + 1 }, () => []);
  // end (exclusive, column-major) of each component's last 1-run
  const end = new Float64Array(count + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0, i = x; y < height; y++, i += width) {
      const k = ids[i];
      if (k === 0) continue;
      const pos = x * height + y;
      const c = counts[k];
      if (c.length > 0 && end[k] === pos) c[c.length - 1]++;
      else {
        c.push(pos - end[k], 1);
      }
      end[k] = pos + 1;
    }
  }
  const out: Rle[] = [];
  for (let k = 1; k <= count; k++) {
    const c = counts[k];
    if (c.length === 0) c.push(n);
    else if (end[k] < n) c.push(n - end[k]);
    out.push({ size: [height, width], counts: c });
  }
  return out;
}
