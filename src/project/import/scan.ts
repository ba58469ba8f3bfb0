// Listing image files, sorted so imports (and image ids) are deterministic. Symbolic
// links are never followed (a link can lead out of the dataset or into a loop); when the
// caller passes `skipped`, each one is reported there, and so is every other entry that
// cannot be imported as an image: a FIFO, socket or device under an image's name, and a
// file whose name is not valid UTF-8 (it could not be opened again by the name we read).
import { readdirSync, type Dirent } from 'node:fs';
import { extname, join } from 'node:path';
import { IMAGE_EXTENSIONS } from './entries.ts';

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) && !name.startsWith('.');
}

interface Entry {
  name: string;
  dirent: Dirent<Buffer>;
  /** the name's bytes are not valid UTF-8 (`name` then holds U+FFFD where they were) */
  badName: boolean;
}

function entries(dir: string): Entry[] {
  return readdirSync(dir, { withFileTypes: true, encoding: 'buffer' })
    .map((dirent) => {
      const name = dirent.name.toString('utf8');
      return { name, dirent, badName: !Buffer.from(name, 'utf8').equals(dirent.name) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export type Skipped = { file: string; message: string }[];

function what(e: Dirent<Buffer>): string {
  return e.isFIFO() ? 'a FIFO (named pipe)' : e.isSocket() ? 'a socket' : 'a device';
}

/** Reports an entry that is not imported, when it would have been taken for an image (or a link to one). */
function note(e: Entry, dir: string, skipped: Skipped | undefined): void {
  if (!skipped || e.name.startsWith('.')) return;
  const file = join(dir, e.name);
  if (e.badName) skipped.push({ file, message: `the file name is not valid UTF-8 (bytes ${e.dirent.name.toString('hex')}); rename it, then import again` });
  else if (e.dirent.isSymbolicLink()) skipped.push({ file, message: 'symbolic link skipped (links are not followed; copy the files into the dataset folder)' });
  else if (!e.dirent.isFile() && !e.dirent.isDirectory() && isImageFile(e.name)) skipped.push({ file, message: `is ${what(e.dirent)}, not a regular file; skipped` });
}

/** Image files directly in `dir`. */
export function imagesIn(dir: string, skipped?: Skipped): string[] {
  const out: string[] = [];
  for (const e of entries(dir)) {
    if (e.badName) {
      if (!e.dirent.isDirectory()) note(e, dir, skipped); // a folder's is subdirs' to report
    } else if (e.dirent.isFile() && isImageFile(e.name)) out.push(join(dir, e.name));
    else if (isImageFile(e.name)) note(e, dir, skipped);
  }
  return out;
}

/** Image files under `dir`, recursively, skipping hidden folders (.cache, .git). */
export function imagesUnder(dir: string, skipped?: Skipped): string[] {
  const out: string[] = [];
  for (const e of entries(dir)) {
    if (e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.badName) note(e, dir, skipped);
    else if (e.dirent.isDirectory()) out.push(...imagesUnder(p, skipped));
    else if (e.dirent.isFile() && isImageFile(e.name)) out.push(p);
    else note(e, dir, skipped);
  }
  return out;
}

export function subdirs(dir: string, skipped?: Skipped): string[] {
  const out: string[] = [];
  for (const e of entries(dir)) {
    if (e.badName) {
      if (e.dirent.isDirectory()) note(e, dir, skipped); // a file's is imagesIn's to report
    } else if (e.dirent.isDirectory() && !e.name.startsWith('.')) out.push(e.name);
    else if (!isImageFile(e.name)) note(e, dir, skipped);
  }
  return out;
}
