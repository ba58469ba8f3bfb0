// Classes merged while a job runs: the job's masks were made with the class map it started
// with, so a mask may still hold the merged-away class's label. The mask door checks the
// labels against the classes at write time: such an image fails by name (retry it to
// regenerate with the new map), and no current mask ever holds a label that is no class.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { onProgress, startJob } from '../../../src/jobs/index.ts';
import { mergeClasses } from '../../../src/project/editing.ts';
import { decodeLabelPng } from '../../../src/project/png.ts';
import type { Project } from '../../../src/project/index.ts';
import { unknownValues } from '../../../src/masks/labels.ts';
import { tempDir } from '../../helpers/images.ts';
import { demoProject } from './fixture.ts';

let tmp: ReturnType<typeof tempDir>;
let p: Project;
beforeEach(async () => {
  tmp = tempDir('jobs-merge-');
  p = await demoProject(tmp.dir, 6);
});
afterEach(() => {
  p.close();
  tmp.cleanup();
});

describe('classes merged while a job runs', () => {
  it('an image whose mask holds the merged-away label fails by name; no current mask holds a label that is no class', async () => {
    const images = p.allImages();
    // one engine worker, two lanes: the second image is on its way (its tags read) while the
    // first commits; its class is merged away right then
    const from = images[1].tags[0];
    const into = p.listClasses().find((c) => c.index !== from)!.index;

    let merged = false;
    const off = onProgress((e) => {
      if (!merged && e.state === 'running' && e.done === 1) {
        mergeClasses(p, from, into);
        merged = true;
      }
    });
    const s = await startJob(p, {}, { workers: 1 }).done;
    off();
    expect(merged).toBe(true);
    expect(s.failed).toBeGreaterThan(0);
    expect(s.done + s.failed).toBe(6);
    for (const e of s.errors) {
      expect(e.message).toBe(`generated mask for image ${e.imageId} (${e.name}): label value ${from} is no class of this project (0 background, 255 ignore, 1..${Math.max(...p.listClasses().map((c) => c.index))} classes)`);
    }
    const known = p.listClasses().map((c) => c.index);
    expect(known).not.toContain(from);
    for (const img of p.images.all()) {
      const cur = p.masks.current(img.id);
      if (cur) expect(unknownValues(decodeLabelPng(cur.png).labels, known), img.name).toEqual([]);
    }
  });
});
