// Shared by the CSV and JSON readers: one listed image → a plan entry (or an error).
// A listed path must name a regular file inside the dataset folder (after symlinks); a
// file listed again with other tags or another split is reported, the first listing kept;
// one listed again the same way is imported once (one line counts such repeats).
import { existsSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Split } from '../../contract/api.ts';
import { isInside } from '../../fs/confine.ts';
import { datasetName } from '../paths.ts';
import type { DatasetEntry, DatasetPlan } from './entries.ts';

interface Listed {
  entry: DatasetEntry;
  where: string;
}

interface Listing {
  root: string;
  files: Map<string, Listed>;
  /** listed path → its checked real path (a list naming one file a million times checks it once) */
  checked: Map<string, string>;
  /** the one line that counts identical repeats, once there is one */
  repeats: { line: { file: string; message: string }; n: number; first: string } | null;
}

/** per plan: the real dataset folder, each real file's first listing, the repeats */
const seen = new WeakMap<DatasetPlan, Listing>();

function listing(plan: DatasetPlan, dir: string): Listing {
  let s = seen.get(plan);
  if (!s) {
    s = { root: realpathSync(dir), files: new Map(), checked: new Map(), repeats: null };
    seen.set(plan, s);
  }
  return s;
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));

export function listEntry(plan: DatasetPlan, dir: string, where: string, image: string, tags: string[], split: string): void {
  const rel = image.trim();
  if (!rel) {
    plan.errors.push({ file: where, message: 'empty image path' });
    return;
  }
  const file = isAbsolute(rel) ? rel : resolve(dir, rel);
  const state = listing(plan, dir);
  const known = state.checked.get(file);
  if (known !== undefined) return listed(plan, state, dir, where, file, known, tags, split);
  if (!existsSync(file)) {
    plan.errors.push({ file, message: `file not found (listed at ${where})` });
    return;
  }
  const { root } = state;
  const real = realpathSync(file);
  if (!isInside(root, real)) {
    plan.errors.push({ file, message: `outside the dataset folder ${root}${real !== file ? ` (a link to ${real})` : ''}; listed at ${where}, not imported` });
    return;
  }
  if (!statSync(real).isFile()) {
    plan.errors.push({ file, message: `not a regular file (listed at ${where})` });
    return;
  }
  state.checked.set(file, real);
  listed(plan, state, dir, where, file, real, tags, split);
}

/** a checked file's listing: a new entry, an identical repeat (counted), or a conflicting one (reported) */
function listed(plan: DatasetPlan, state: Listing, dir: string, where: string, file: string, real: string, tags: string[], split: string): void {
  const { files } = state;
  const s = split.trim().toLowerCase();
  if (s && s !== 'train' && s !== 'val' && s !== 'test') {
    plan.errors.push({ file: where, message: `unknown split '${split}' (expected train, val or test)` });
    return;
  }
  const entry: DatasetEntry = {
    file,
    name: datasetName(dir, file),
    tags: [...new Set(tags.map((t) => t.trim()).filter(Boolean))],
    split: (s || null) as Split,
  };
  const first = files.get(real);
  if (first) {
    const differs = !same(first.entry.tags, entry.tags) ? 'other tags' : first.entry.split !== entry.split ? 'another split' : null;
    if (differs) {
      plan.errors.push({ file: where, message: `${entry.name} is listed again with ${differs} (${entry.tags.join(';') || 'no tags'}${entry.split ? `, ${entry.split}` : ''}); the first listing at ${first.where} was kept` });
      return;
    }
    if (!state.repeats) {
      state.repeats = { line: { file: where.replace(/:\d+$/, ''), message: '' }, n: 0, first: where };
      plan.errors.push(state.repeats.line);
    }
    const r = state.repeats;
    r.n++;
    r.line.message = `${r.n} row${r.n === 1 ? ' repeats an image' : 's repeat images'} listed earlier with the same tags (the first at ${r.first}); each image is imported once`;
    return;
  }
  files.set(real, { entry, where });
  plan.entries.push(entry);
}
