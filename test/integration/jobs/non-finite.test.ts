// A model with NaN or Inf weights: refused at `model add` (a probe forward must give
// finite scores); a model file that turns bad after registration fails each image by name
// (no NaN CAMs, no empty masks counted done); `cam` says what was not finite in one line.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { registerModel, startJob } from '../../../src/jobs/index.ts';
import type { Project } from '../../../src/project/index.ts';
import { tempDir } from '../../helpers/images.ts';
import { DEMO, demoProject } from './fixture.ts';

let tmp: ReturnType<typeof tempDir>;
let p: Project;
beforeEach(async () => {
  tmp = tempDir('jobs-nan-');
  p = await demoProject(tmp.dir, 3, 'proj', { model: false });
});
afterEach(() => {
  vi.restoreAllMocks();
  p.close();
  tmp.cleanup();
});

/** the demo TF.js model copied to `dir` with its class list and preprocessing */
function modelCopy(dir: string): string {
  mkdirSync(dir, { recursive: true });
  for (const f of ['model.json', 'weights.bin']) copyFileSync(path.join(DEMO, 'model', 'tfjs', f), path.join(dir, f));
  for (const f of ['classes.txt', 'preprocess.json']) copyFileSync(path.join(DEMO, 'model', f), path.join(dir, f));
  return path.join(dir, 'model.json');
}

/** puts `value` into the first weight (conv1's kernel, float32) of the copy's weights.bin */
function spoil(modelJson: string, value: number): void {
  const file = path.join(path.dirname(modelJson), 'weights.bin');
  const bytes = readFileSync(file);
  bytes.writeFloatLE(value, 0);
  writeFileSync(file, bytes);
}

describe('a model with NaN or Inf weights', () => {
  it('is refused at model add, naming the file and what was not finite; nothing registered', async () => {
    const classes = p.listClasses();
    for (const [k, bad] of [NaN, Infinity].entries()) {
      const file = modelCopy(path.join(tmp.dir, `m${k}`));
      spoil(file, bad);
      await expect(registerModel(p, file)).rejects.toThrow(
        new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: a probe forward \\(a gray 128×128 image\\): the model gave values that are not finite numbers in the logits \\(NaN at output 0, 10 of 10 values\\); its weights may hold NaN or Inf`),
      );
    }
    expect(p.models.list()).toEqual([]);
    expect(p.listClasses()).toEqual(classes);
    // the unspoiled copy registers
    expect((await registerModel(p, modelCopy(path.join(tmp.dir, 'ok')))).added).toBe(true);
  });

  it('a model file spoiled after registration: each image fails by name, nothing is stored, the job is not "done" with them', async () => {
    const file = modelCopy(path.join(tmp.dir, 'm'));
    await registerModel(p, file);
    spoil(file, NaN);
    const s = await startJob(p, {}, { workers: 0 }).done;
    expect(s).toMatchObject({ total: 3, done: 0, failed: 3 });
    const files = new Map([...p.images.all()].map((i) => [i.id, p.imagePath(i.id)]));
    for (const e of s.errors) expect(e.message).toMatch(new RegExp(`^${files.get(e.imageId)!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: the model gave values that are not finite numbers in the (logits|layer2 map of output \\d+) \\(NaN, \\d+ of \\d+ values\\)`));
    for (const img of p.images.all()) {
      expect(p.masks.current(img.id)).toBeNull();
      expect(p.cams.forImage(img.id)).toEqual([]);
    }
  });

  it('cam says in one line that the scores are not finite (exit 1), instead of printing null', async () => {
    const file = modelCopy(path.join(tmp.dir, 'm'));
    spoil(file, NaN);
    const err: string[] = [];
    const out: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
    const image = p.imagePath(1);
    const code = await main(['cam', '--model', file, '--image', image, '--json', '--out', path.join(tmp.dir, 'cam')]);
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^relevance-studio cam: .*: the model gave values that are not finite numbers in the logits \(NaN at output 0, 10 of 10 values\)/);
  });
});
