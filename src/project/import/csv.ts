// A tag list as CSV: header `image,tags` (+ optional `split`), RFC 4180 quoting, tags
// separated by ';'. Image paths are relative to the dataset folder.
import { readFileSync } from 'node:fs';
import { StudioError } from '../../contract/errors.ts';
import { listEntry } from './tag-list.ts';
import type { DatasetPlan } from './entries.ts';

/** RFC 4180 records (CRLF or LF, quoted fields with "" escapes, a BOM tolerated). Throws naming file and line. */
export function parseCsv(text: string, file: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let fieldStarted = false;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '' && !fieldStarted)) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"') {
      if (field !== '') throw new StudioError('BAD_REQUEST', `${file}:${line}: a quote inside an unquoted field`);
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
      fieldStarted = true;
    }
  }
  if (quoted) throw new StudioError('BAD_REQUEST', `${file}:${recordLine}: a quoted field is never closed`);
  if (field !== '' || fields.length > 0 || fieldStarted) endRecord();
  return records;
}

export function planCsv(dir: string, file: string): DatasetPlan {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new StudioError('IO_ERROR', `${file}: cannot read the tag list (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const records = parseCsv(text, file);
  if (records.length === 0) throw new StudioError('BAD_REQUEST', `${file}: empty; expected a header 'image,tags'`);
  const header = records[0].fields.map((h) => h.trim().toLowerCase());
  const col = { image: header.indexOf('image'), tags: header.indexOf('tags'), split: header.indexOf('split') };
  if (col.image < 0 || col.tags < 0) {
    throw new StudioError('BAD_REQUEST', `${file}: the header must name columns 'image' and 'tags' (found '${records[0].fields.join(',')}')`);
  }
  const plan: DatasetPlan = { layout: 'csv', entries: [], errors: [] };
  for (const { line, fields } of records.slice(1)) {
    if (fields.length !== header.length) {
      plan.errors.push({ file: `${file}:${line}`, message: `expected ${header.length} fields, found ${fields.length}` });
      continue;
    }
    const tags = fields[col.tags].split(';');
    const split = col.split >= 0 ? fields[col.split] : '';
    listEntry(plan, dir, `${file}:${line}`, fields[col.image], tags, split);
  }
  return plan;
}

