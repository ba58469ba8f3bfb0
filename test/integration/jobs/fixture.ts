// Projects for the jobs tests: the first N demo scenes (VOC folder without ground-truth
// masks, so generated masks become current) and the demo classifier's TF.js copy (≈20 ms
// an image on wasm). Every project lives in a temp folder the test removes.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createProject, openProject, type Project } from '../../../src/project/index.ts';
import { registerModel } from '../../../src/jobs/index.ts';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const DEMO = path.join(ROOT, 'demo');
export const DEMO_MODEL = path.join(DEMO, 'model', 'tfjs', 'model.json');

/** A VOC folder with the first `n` demo scenes (images + annotations, no SegmentationClass). */
export function demoSubset(dir: string, n: number): string {
  const src = path.join(DEMO, 'dataset');
  const stems = readdirSync(path.join(src, 'JPEGImages'))
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .slice(0, n)
    .map((f) => f.slice(0, -4));
  mkdirSync(path.join(dir, 'JPEGImages'), { recursive: true });
  mkdirSync(path.join(dir, 'Annotations'), { recursive: true });
  for (const s of stems) {
    copyFileSync(path.join(src, 'JPEGImages', `${s}.jpg`), path.join(dir, 'JPEGImages', `${s}.jpg`));
    copyFileSync(path.join(src, 'Annotations', `${s}.xml`), path.join(dir, 'Annotations', `${s}.xml`));
  }
  writeFileSync(path.join(dir, 'classes.txt'), readFileText(path.join(src, 'classes.txt')));
  return dir;
}

function readFileText(f: string): string {
  return readFileSync(f, 'utf8');
}

/** project + n demo images + the demo model registered (unless `model: false`); returns it open. */
export async function demoProject(root: string, n: number, name = 'proj', opts: { model?: boolean } = {}): Promise<Project> {
  const data = demoSubset(path.join(root, `data-${name}`), n);
  const p = createProject(path.join(root, name));
  await p.importDataset(data, { thumbnails: false });
  if (opts.model !== false) await registerModel(p, DEMO_MODEL);
  return p;
}

/** image name → current mask PNG bytes (as base64, for toEqual) */
export function currentMasks(p: Project): Map<string, string | null> {
  const out = new Map<string, string | null>();
  for (const img of p.images.all()) {
    const m = p.masks.current(img.id);
    out.set(img.name, m ? Buffer.from(m.png).toString('base64') : null);
  }
  return out;
}

/** copies a closed project's database into a new folder (images stay where they are) */
export function copyProject(from: string, to: string): Project {
  mkdirSync(to, { recursive: true });
  copyFileSync(path.join(from, 'project.sqlite'), path.join(to, 'project.sqlite'));
  return openProject(to);
}
