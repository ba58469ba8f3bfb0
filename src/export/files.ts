// Writing an export's files: every path goes through safeJoin, folders are made once,
// and the count feeds the report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { safeJoin } from './names.ts';

export class ExportWriter {
  files = 0;
  /** every file written, relative to the root ('/'-separated) */
  readonly written: string[] = [];
  private readonly made = new Set<string>();
  constructor(readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  write(rel: string, data: Uint8Array | string): string {
    const file = safeJoin(this.root, ...rel.split('/'));
    const dir = dirname(file);
    if (!this.made.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.made.add(dir);
    }
    writeFileSync(file, data);
    this.files++;
    this.written.push(rel);
    return file;
  }
}

/** Lines joined with '\n' and a final newline ('' for none). */
export function lines(items: readonly string[]): string {
  return items.length ? `${items.join('\n')}\n` : '';
}

/** 'png' or 'jpg' from the bytes' signature (what Project.imageBytes returns). */
export function imageExt(bytes: Uint8Array): string {
  return bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47 ? 'png' : 'jpg';
}

/** Class names by label value: names[k] for k = 0..max index ('background' at 0, 'unused_k' for gaps). */
export function classNamesByIndex(classes: readonly { index: number; name: string }[]): string[] {
  const max = classes.reduce((m, c) => Math.max(m, c.index), 0);
  const names = Array.from({ length: max + 1 }, (_, k) => (k === 0 ? 'background' : `unused_${k}`));
  for (const c of classes) names[c.index] = c.name;
  return names;
}
