import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportProject } from '../../../src/export/index.ts';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import { createProject } from '../../../src/project/index.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';
import { makeFixture } from './fixture.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('studio-export-interop-');
});
afterEach(() => tmp.cleanup());

describe('export interoperability', () => {
  it("a VOC export with images is a dataset the store's VOC importer reads back: same images, classes, masks", async () => {
    const fx = await makeFixture(tmp.dir);
    const out = join(tmp.dir, 'voc');
    await exportProject(fx.p, { format: 'voc', out, copyImages: true, split: { val: 0.34, seed: 5 } });
    const q = createProject(join(tmp.dir, 'again'));
    try {
      const rep = await q.importDataset(out, { layout: 'voc' });
      expect(rep.errors).toEqual([]);
      expect(rep.masks).toBe(3);
      expect(q.listClasses().map((c) => [c.index, c.name])).toEqual([[1, 'cat'], [2, 'dog']]);
      const stemToOriginal = new Map([['cat__a', 'cat/a.jpg'], ['dog__a', 'dog/a.jpg'], ['b', 'cat/b.png']]);
      const imgs = q.listImages({ offset: 0, limit: 10, sort: 'name' }).items;
      expect(imgs.map((i) => i.name)).toEqual(['JPEGImages/b.png', 'JPEGImages/cat__a.jpg', 'JPEGImages/dog__a.jpg']);
      expect(imgs.filter((i) => i.split === 'val')).toHaveLength(1);
      for (const img of imgs) {
        const stem = img.name.slice('JPEGImages/'.length).replace(/\.[a-z]+$/, '');
        const want = fx.masks.get(stemToOriginal.get(stem)!)!;
        expect(decodeLabelPng(q.currentMask(img.id)!.png).labels).toEqual(want.labels);
      }
    } finally {
      q.close();
      fx.p.close();
    }
  });

  it('odd image names from a dataset stay inside the export folder', async () => {
    const data = join(tmp.dir, 'data');
    // (names starting with '.' are hidden files the importer skips); x:y and x_y collide once sanitised
    const names = ['a b;c.jpg', 'x:y.jpg', 'x_y.jpeg', 'ünï cödé.jpg', 'trail..jpg'];
    for (const [i, n] of names.entries()) await writeJpeg(join(data, 'cat', n), { width: 4, height: 4, seed: i });
    const p = createProject(join(tmp.dir, 'proj'));
    try {
      await p.importDataset(data, { layout: 'folders' });
      for (const img of p.listImages({ offset: 0, limit: 10, sort: 'id' }).items) {
        p.saveMask(img.id, encodeLabelPng(new Uint8Array(16).fill(1), 4, 4), { source: 'edited' });
      }
      const out = join(tmp.dir, 'out');
      const rep = await exportProject(p, { format: 'voc', out });
      expect(rep.images).toBe(names.length);
      expect(readdirSync(out).sort()).toEqual(['.relevance-studio-export.json', 'ImageSets', 'SegmentationClass', 'classes.txt', 'labelmap.txt']);
      const files = readdirSync(join(out, 'SegmentationClass')).sort();
      expect(files).toHaveLength(names.length);
      expect(files.filter((f) => /^cat__x_y__\d+\.png$/.test(f))).toHaveLength(2);
      expect(files).toContain('ünï cödé.png');
      expect(files).toContain('trail_.png');
      expect(files).toContain('a b;c.png');
      for (const f of files) expect(f.startsWith('.')).toBe(false);
    } finally {
      p.close();
    }
  });
});
