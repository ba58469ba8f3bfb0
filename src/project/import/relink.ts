// A dataset folder moved: find each missing image under the new folder by content hash
// (sizes are compared first so only plausible files are hashed).
import { existsSync, statSync } from 'node:fs';
import { StudioError } from '../../contract/errors.ts';
import { hashFile } from '../hash.ts';
import { absolutePath, datasetName, storedPath } from '../paths.ts';
import type { RelinkReport } from '../types.ts';
import { writeTransaction } from '../transaction.ts';
import type { ImportTarget } from './run.ts';
import { imagesUnder } from './scan.ts';

export async function relink(t: Pick<ImportTarget, 'dir' | 'db' | 'images'>, newDir: string): Promise<RelinkReport> {
  if (!existsSync(newDir) || !statSync(newDir).isDirectory()) throw new StudioError('NOT_FOUND', `${newDir}: no such folder to relink from`);
  const missing = new Map<string, { id: number; name: string }[]>(); // hash → images
  const sizes = new Set<number>();
  let missingCount = 0;
  for (const img of t.images.all()) {
    if (existsSync(absolutePath(t.dir, img.path))) continue;
    missingCount++;
    sizes.add(img.size);
    const list = missing.get(img.hash) ?? [];
    list.push({ id: img.id, name: img.name });
    missing.set(img.hash, list);
  }
  const moves: [number, string][] = [];
  for (const file of missingCount ? imagesUnder(newDir) : []) {
    if (!sizes.has(statSync(file).size)) continue;
    const { hash } = await hashFile(file);
    const candidates = missing.get(hash);
    if (!candidates?.length) continue;
    // identical files under several names: prefer the one whose dataset name matches
    const rel = datasetName(newDir, file);
    const at = Math.max(0, candidates.findIndex((c) => rel.endsWith(c.name) || c.name.endsWith(rel)));
    const [img] = candidates.splice(at, 1);
    moves.push([img.id, storedPath(t.dir, file)]);
  }
  writeTransaction(t.db, () => {
    for (const [id, path] of moves) t.images.setPath(id, path);
  });
  return { relinked: moves.length, missing: missingCount - moves.length };
}
