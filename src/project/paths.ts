// How image locations are stored: relative to the project folder (always with '/') when
// the file lies inside it, so a project folder can move with its images; else absolute.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

export function storedPath(projectDir: string, file: string): string {
  const abs = resolve(file);
  const rel = relative(projectDir, abs);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  return abs;
}

export function absolutePath(projectDir: string, stored: string): string {
  return isAbsolute(stored) ? stored : join(projectDir, ...stored.split('/'));
}

/** A dataset-relative name with '/' separators (the image's display name). */
export function datasetName(datasetDir: string, file: string): string {
  return relative(datasetDir, file).split(sep).join('/');
}
