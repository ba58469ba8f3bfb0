// Listing image files, sorted so imports (and image ids) are deterministic.
import { readdirSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from './entries.ts';

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) && !name.startsWith('.');
}

function entries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Image files directly in `dir`. */
export function imagesIn(dir: string): string[] {
  return entries(dir)
    .filter((e) => e.isFile() && isImageFile(e.name))
    .map((e) => join(dir, e.name));
}

/** Image files under `dir`, recursively, skipping hidden folders (.cache, .git). */
export function imagesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of entries(dir)) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...imagesUnder(p));
    else if (e.isFile() && isImageFile(e.name)) out.push(p);
  }
  return out;
}

export function subdirs(dir: string): string[] {
  return entries(dir)
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name);
}
