// Classes merged while a job runs: the job's masks are made with the class map it started
// with, so a mask may still hold the merged-away class's label. The mask door checks the
// labels against the classes at write time: such an image fails by name (retry it to
// regenerate with the new map), and no current mask ever holds a label that is no class.
import { describe, expect, it } from 'vitest';
import { onProgress, startJob } from '../../../src/jobs/index.ts';
import { mergeClasses } from '../../../src/project/editing.ts';
import { decodeLabelPng } from '../../../src/project/png.ts';
import type { Project } from '../../../src/project/index.ts';
import { unknownValues } from '../../../src/masks/labels.ts';
import { demoProject } from './fixture.ts';
import { scratchEach } from '../../helpers/scratch.ts';

let p: Project;
scratchEach('jobs-merge-', async (dir) => {
  p = await demoProject(dir, 6);
  return () => p.close();
});

describe('classes merged while a job runs', () => {
  it('an image whose mask holds the merged-away label fails by name; no current mask holds a label that is no class', async () => {
    // the model's predictions pick the classes, through the class map the job starts with
    // (one lane: image 1 first, then the rest in order — no clock decides anything here)
    const predicted = { kind: 'predicted' as const, minProbability: 0.05 };
    const first = await startJob(p, { classes: predicted }, { workers: 0 }).done;
    expect(first.done).toBe(6);
    // a class the masks of images 2..6 hold: merged away once image 1 is committed
    const later = [...p.images.all()].slice(1);
    const holding = new Map<number, number>();
    for (const img of later) for (const v of new Set(decodeLabelPng(p.masks.current(img.id)!.png).labels)) if (v !== 0 && v !== 255) holding.set(v, (holding.get(v) ?? 0) + 1);
    const [from, expectedFailures] = [...holding.entries()].sort((a, b) => b[1] - a[1])[0];
    const into = p.listClasses().find((c) => c.index !== from)!.index;

    let merged = false;
    const off = onProgress((e) => {
      if (!merged && e.state === 'running' && e.done === 1) {
        mergeClasses(p, from, into);
        merged = true;
      }
    });
    // the same settings in a new job: the same masks, made with the class map it starts with
    const s = await startJob(p, { classes: predicted, fresh: true }, { workers: 0 }).done;
    off();
    expect(merged).toBe(true);
    expect(s).toMatchObject({ done: 6 - expectedFailures, failed: expectedFailures });
    const max = Math.max(...p.listClasses().map((c) => c.index));
    for (const e of s.errors) {
      expect(e.message).toBe(`generated mask for image ${e.imageId} (${e.name}): label value ${from} is no class of this project (0 background, 255 ignore, 1..${max} classes)`);
    }
    const known = p.listClasses().map((c) => c.index);
    expect(known).not.toContain(from);
    for (const img of p.images.all()) {
      const cur = p.masks.current(img.id);
      if (cur) expect(unknownValues(decodeLabelPng(cur.png).labels, known), img.name).toEqual([]);
    }
  });
});
