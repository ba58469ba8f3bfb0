// A real project for export tests: images written with sharp, imported through the
// store's folder importer (cat/, dog/ → classes 1, 2), masks saved through saveMask.
import { join } from 'node:path';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { createProject, type Project } from '../../../src/project/index.ts';
import { writeJpeg, writePng } from '../../helpers/images.ts';

export interface Fixture {
  p: Project;
  data: string;
  /** image id by dataset name */
  ids: Map<string, number>;
  /** the label map saved for each image that has one */
  masks: Map<string, { labels: Uint8Array; width: number; height: number }>;
}

/** cat/a.jpg 8×6, dog/a.jpg 8×6 (same stem), cat/b.png 10×7, dog/c.jpg 12×9 (no mask). */
export async function makeFixture(root: string): Promise<Fixture> {
  const data = join(root, 'data');
  await writeJpeg(join(data, 'cat', 'a.jpg'), { width: 8, height: 6, seed: 1 });
  await writeJpeg(join(data, 'dog', 'a.jpg'), { width: 8, height: 6, seed: 2 });
  await writePng(join(data, 'cat', 'b.png'), { width: 10, height: 7, seed: 3 });
  await writeJpeg(join(data, 'dog', 'c.jpg'), { width: 12, height: 9, seed: 4 });
  const p = createProject(join(root, 'proj'));
  const rep = await p.importDataset(data, { layout: 'folders' });
  if (rep.errors.length) throw new Error(JSON.stringify(rep.errors));
  const cls = new Map(p.listClasses().map((c) => [c.name, c.index]));
  const ids = new Map(p.listImages({ offset: 0, limit: 100, sort: 'id' }).items.map((i) => [i.name, i.id]));
  const masks = new Map<string, { labels: Uint8Array; width: number; height: number }>();
  const cat = cls.get('cat')!;
  const dog = cls.get('dog')!;
  // cat/a: a 4×3 rectangle of cat at x 2..5, y 1..3, one ignore pixel
  const a = new Uint8Array(48);
  for (let y = 1; y <= 3; y++) for (let x = 2; x <= 5; x++) a[y * 8 + x] = cat;
  a[0] = 255;
  masks.set('cat/a.jpg', { labels: a, width: 8, height: 6 });
  // dog/a: two separate dog regions and a cat pixel block
  const d = new Uint8Array(48);
  for (const i of [0, 1, 8, 9]) d[i] = dog;
  for (const i of [38, 39, 46, 47]) d[i] = dog;
  d[20] = cat;
  d[21] = cat;
  masks.set('dog/a.jpg', { labels: d, width: 8, height: 6 });
  // cat/b: a ring of cat (a hole in the middle), ignore band around
  const b = new Uint8Array(70);
  for (let y = 1; y <= 5; y++) for (let x = 2; x <= 7; x++) b[y * 10 + x] = y === 1 || y === 5 || x === 2 || x === 7 ? cat : 0;
  b[69] = 255;
  masks.set('cat/b.png', { labels: b, width: 10, height: 7 });
  for (const [name, m] of masks) p.saveMask(ids.get(name)!, encodeLabelPng(m.labels, m.width, m.height), { source: 'edited' });
  p.setStatus(ids.get('cat/a.jpg')!, 'approved');
  return { p, data, ids, masks };
}

/** `n` images cat/NNN.jpg (16×12) in a new project at `dir`, each with an edited mask (a cat square). */
export async function labelledProject(dir: string, n: number): Promise<Project> {
  const data = join(dir, 'data');
  for (let i = 0; i < n; i++) await writeJpeg(join(data, 'cat', `${String(i).padStart(3, '0')}.jpg`), { width: 16, height: 12, seed: i });
  const p = createProject(join(dir, 'proj'));
  const rep = await p.importDataset(data, { layout: 'folders', thumbnails: false });
  if (rep.errors.length) throw new Error(JSON.stringify(rep.errors));
  const labels = new Uint8Array(16 * 12);
  for (let y = 2; y < 8; y++) for (let x = 3; x < 9; x++) labels[y * 16 + x] = 1;
  const png = encodeLabelPng(labels, 16, 12);
  for (const img of p.allImages()) p.saveMask(img.id, png, { source: 'edited' });
  return p;
}
