// Shared by the CSV and JSON readers: one listed image → a plan entry (or an error).
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Split } from '../../contract/api.ts';
import { datasetName } from '../paths.ts';
import type { DatasetPlan } from './entries.ts';

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
  const s = split.trim().toLowerCase();
  if (s && s !== 'train' && s !== 'val' && s !== 'test') {
    plan.errors.push({ file: where, message: `unknown split '${split}' (expected train, val or test)` });
    return;
  }
  plan.entries.push({
    file,
    name: datasetName(dir, file),
    tags: [...new Set(tags.map((t) => t.trim()).filter(Boolean))],
    split: (s || null) as Split,
  });
}
