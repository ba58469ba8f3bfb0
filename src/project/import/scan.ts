// Listing image files, sorted so imports (and image ids) are deterministic. Symbolic
// links are never followed (a link can lead out of the dataset or into a loop); when the
// caller passes `skipped`, each one is reported there.
import { readdirSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from './entries.ts';

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) && !name.startsWith('.');
}

function entries(dir: string): Dirent[] {
  return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type Skipped = { file: string; message: string }[];

function noteLink(e: Dirent, dir: string, skipped: Skipped | undefined): void {
  if (skipped && e.isSymbolicLink() && !e.name.startsWith('.')) skipped.push({ file: join(dir, e.name), message: 'symbolic link skipped (links are not followed; copy the files into the dataset folder)' });
}

/** Image files directly in `dir`. */
export function imagesIn(dir: string, skipped?: Skipped): string[] {
  const out: string[] = [];
  for (const e of entries(dir)) {
    if (e.isFile() && isImageFile(e.name)) out.push(join(dir, e.name));
    else if (isImageFile(e.name)) noteLink(e, dir, skipped);
  }
  return out;
}

/** Image files under `dir`, recursively, skipping hidden folders (.cache, .git). */
export function imagesUnder(dir: string, skipped?: Skipped): string[] {
  const out: string[] = [];
  for (const e of entries(dir)) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...imagesUnder(p, skipped));
    else if (e.isFile() && isImageFile(e.name)) out.push(p);
    else noteLink(e, dir, skipped);
  }
  return out;
}

export function subdirs(dir: string, skipped?: Skipped): string[] {
  const out: string[] = [];
  for (const e of entries(dir)) {
    if (e.isDirectory() && !e.name.startsWith('.')) out.push(e.name);
    else if (!isImageFile(e.name)) noteLink(e, dir, skipped);
  }
  return out;
}
