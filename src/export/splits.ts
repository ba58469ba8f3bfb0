// Which split each exported image lands in. Without a split option: the image's own
// split, and train for images without one. With {val, seed}: images already marked
// 'test' stay test (held out); of the rest exactly round(n·val) go to val, chosen by
// sorting on SHA-256(seed, name) — the same set and seed always give the same split,
// and adding images moves few others.
import { createHash } from 'node:crypto';
import type { Split } from '../contract/api.ts';
import { StudioError } from '../contract/errors.ts';

export type ExportSplit = Exclude<Split, null>;

export function assignSplits(
  images: readonly { id: number; name: string; split: Split }[],
  opt?: { val: number; seed: number },
): Map<number, ExportSplit> {
  const out = new Map<number, ExportSplit>();
  if (!opt) {
    for (const i of images) out.set(i.id, i.split ?? 'train');
    return out;
  }
  if (!(opt.val >= 0 && opt.val <= 1)) throw new StudioError('BAD_REQUEST', `split: val must be between 0 and 1, got ${opt.val}`);
  if (!Number.isInteger(opt.seed)) throw new StudioError('BAD_REQUEST', `split: seed must be an integer, got ${opt.seed}`);
  const pool = images.filter((i) => i.split !== 'test');
  for (const i of images) if (i.split === 'test') out.set(i.id, 'test');
  const keyed = pool.map((i) => ({ id: i.id, k: createHash('sha256').update(`${opt.seed}\0${i.name}\0${i.id}`).digest('hex') }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.id - b.id));
  const nVal = Math.round(pool.length * opt.val);
  keyed.forEach((e, r) => out.set(e.id, r < nVal ? 'val' : 'train'));
  return out;
}
