// Shared by the CSV and JSON readers: one listed image → a plan entry (or an error).
// A listed path must name a regular file inside the dataset folder (after symlinks); a
// file listed again with other tags or another split is reported, the first listing kept.
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

/** per plan: the real dataset folder, and each real file's first listing */
const seen = new WeakMap<DatasetPlan, { root: string; files: Map<string, Listed> }>();

function listing(plan: DatasetPlan, dir: string): { root: string; files: Map<string, Listed> } {
  let s = seen.get(plan);
  if (!s) {
    s = { root: realpathSync(dir), files: new Map() };
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
  if (!existsSync(file)) {
    plan.errors.push({ file, message: `file not found (listed at ${where})` });
    return;
  }
  const { root, files } = listing(plan, dir);
  const real = realpathSync(file);
  if (!isInside(root, real)) {
    plan.errors.push({ file, message: `outside the dataset folder ${root}${real !== file ? ` (a link to ${real})` : ''}; listed at ${where}, not imported` });
    return;
  }
  if (!statSync(real).isFile()) {
    plan.errors.push({ file, message: `not a regular file (listed at ${where})` });
    return;
  }
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
  } else files.set(real, { entry, where });
  plan.entries.push(entry);
}
