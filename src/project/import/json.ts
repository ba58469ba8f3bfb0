// The JSON form of a tag list: [{ "image": "a/b.jpg", "tags": ["cat", "dog"], "split"?: "train" }].
import { readFileSync } from 'node:fs';
import { StudioError } from '../../contract/errors.ts';
import type { DatasetPlan } from './entries.ts';
import { listEntry } from './tag-list.ts';

export function planJson(dir: string, file: string): DatasetPlan {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new StudioError(e.code ? 'IO_ERROR' : 'BAD_REQUEST', `${file}: ${e.code ? `cannot read the tag list (${e.code})` : `not valid JSON (${e.message})`}`);
  }
  if (!Array.isArray(doc)) throw new StudioError('BAD_REQUEST', `${file}: expected a JSON array of {"image": …, "tags": […]}`);
  const plan: DatasetPlan = { layout: 'json', entries: [], errors: [] };
  doc.forEach((item: unknown, i) => {
    const where = `${file}[${i}]`;
    const o = item as { image?: unknown; tags?: unknown; split?: unknown } | null;
    if (!o || typeof o !== 'object' || typeof o.image !== 'string') {
      plan.errors.push({ file: where, message: 'expected an object with a string "image"' });
      return;
    }
    const tags = o.tags === undefined ? [] : o.tags;
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) {
      plan.errors.push({ file: where, message: '"tags" must be an array of strings' });
      return;
    }
    if (o.split !== undefined && o.split !== null && typeof o.split !== 'string') {
      plan.errors.push({ file: where, message: '"split" must be a string' });
      return;
    }
    listEntry(plan, dir, where, o.image, tags, (o.split as string | null | undefined) ?? '');
  });
  return plan;
}
