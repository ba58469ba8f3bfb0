import { cpSync, existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeLabelPng } from '../../../src/project/png.ts';
import { createProject, type Project } from '../../../src/project/index.ts';
import { thumbPath } from '../../../src/project/thumbnails.ts';
import { labelMap, writeGarbage, writeJpeg, writeTwoImageDataset, writePng, writeTruncatedJpeg, writeVocDataset } from '../../helpers/images.ts';
import { scratchEach } from '../../helpers/scratch.ts';

let project: Project;
const tmp = scratchEach('studio-test-', (dir) => {
  project = createProject(join(dir, 'proj'));
  return () => project.close();
});

const all = (p: Project) => p.listImages({ offset: 0, limit: 1000, sort: 'name' }).items;
const names = (p: Project) => p.listClasses().map((c) => c.name);

describe('VOC folder', () => {
  async function voc(dir: string, opts: { classesTxt?: string[] } = {}) {
    await writeVocDataset(
      dir,
      [
        { stem: '2007_000001', width: 20, height: 10, seed: 1, objects: ['dog', 'person', 'dog'], split: 'train', mask: labelMap(20, 10, 12) },
        { stem: '2007_000002', width: 12, height: 16, seed: 2, objects: ['cat'], split: 'val' },
        { stem: '2007_000003', width: 8, height: 8, seed: 3, objects: [], mask: labelMap(8, 8, 15, 255) },
      ],
      opts,
    );
  }

  it('imports images, tags from annotations, splits and ground-truth masks in VOC class order', async () => {
    const data = join(tmp.dir, 'VOC');
    await voc(data);
    const progress: number[] = [];
    const report = await project.importDataset(data, { onProgress: (p) => progress.push(p.done) });
    expect(report).toMatchObject({ layout: 'voc', added: 3, skipped: 0, errors: [], masks: 2 });
    expect(progress.at(-1)).toBe(3);
    // no classes.txt, every name a VOC class → the standard VOC order, so indices equal VOC's
    expect(report.newClasses.slice(0, 3)).toEqual(['aeroplane', 'bicycle', 'bird']);
    expect(names(project)).toHaveLength(20);
    const idx = (n: string) => project.listClasses().find((c) => c.name === n)!.index;
    expect([idx('dog'), idx('person'), idx('cat')]).toEqual([12, 15, 8]);
    const imgs = all(project);
    expect(imgs.map((i) => [i.name, i.width, i.height, i.split, i.tags, i.hasMask, i.available])).toEqual([
      ['JPEGImages/2007_000001.jpg', 20, 10, 'train', [12, 15], true, true],
      ['JPEGImages/2007_000002.jpg', 12, 16, 'val', [8], false, true],
      ['JPEGImages/2007_000003.jpg', 8, 8, null, [], true, true],
    ]);
    const m = project.currentMask(imgs[0].id)!;
    expect(m.version.provenance).toEqual({ source: 'imported' });
    expect(m.version.groundTruth).toBe(true);
    const decoded = decodeLabelPng(m.png);
    expect(decoded.palette).toBeUndefined(); // stored as grayscale label values
    expect(decoded.labels).toEqual(labelMap(20, 10, 12));
    expect(decodeLabelPng(project.currentMask(imgs[2].id)!.png).labels).toEqual(labelMap(8, 8, 15, 255));
    // thumbnails were written during the import
    expect(existsSync(thumbPath(project.dir, imgs[0].id))).toBe(true);
  });

  it('keeps the masks as ground truth beside the working masks with masks: ground-truth', async () => {
    const data = join(tmp.dir, 'VOC');
    await voc(data);
    const report = await project.importDataset(data, { masks: 'ground-truth' });
    expect(report).toMatchObject({ added: 3, masks: 2 });
    const imgs = all(project);
    expect(imgs.map((i) => [i.hasMask, i.status])).toEqual([
      [false, 'unreviewed'],
      [false, 'unreviewed'],
      [false, 'unreviewed'],
    ]);
    expect(project.info().masks).toBe(0);
    const gt = project.groundTruthMask(imgs[0].id)!;
    expect(gt.version).toMatchObject({ current: false, groundTruth: true, provenance: { source: 'imported' } });
    expect(gt.version.provenance.method).toBeUndefined();
    expect(decodeLabelPng(gt.png).labels).toEqual(labelMap(20, 10, 12));
    expect(project.groundTruthMask(imgs[1].id)).toBeNull();
    // a working mask saved later leaves the reference where it was
    project.saveMask(imgs[0].id, gt.png, { source: 'edited' });
    expect(project.currentMask(imgs[0].id)!.version.provenance.source).toBe('edited');
    expect(project.groundTruthMask(imgs[0].id)!.version.id).toBe(gt.version.id);
  });

  it("maps mask values through the dataset's classes.txt onto existing project classes", async () => {
    project.addClass('person'); // index 1 in the project
    const data = join(tmp.dir, 'VOC');
    await writeVocDataset(data, [{ stem: 'a', width: 6, height: 4, objects: ['person'], mask: labelMap(6, 4, 2) }], {
      classesTxt: ['background', 'cat', 'person'],
    });
    const report = await project.importDataset(data, { layout: 'voc' });
    expect(report.newClasses).toEqual(['cat']);
    expect(names(project)).toEqual(['person', 'cat']);
    const [img] = all(project);
    expect(img.tags).toEqual([1]);
    // dataset value 2 (person) → project class 1
    expect(decodeLabelPng(project.currentMask(img.id)!.png).labels).toEqual(labelMap(6, 4, 1));
  });

  it('reports a bad annotation and a mask of the wrong size, importing the image anyway', async () => {
    const data = join(tmp.dir, 'VOC');
    await voc(data);
    writeFileSync(join(data, 'Annotations', '2007_000002.xml'), '<annotation><object><name>cat</name></object>');
    await writePng(join(data, 'SegmentationClass', '2007_000003.png'), { width: 3, height: 3 });
    const report = await project.importDataset(data);
    expect(report.added).toBe(3);
    expect(report.masks).toBe(1);
    const files = report.errors.map((e) => e.file);
    expect(files).toContain(join(data, 'Annotations', '2007_000002.xml'));
    expect(report.errors.find((e) => e.file.endsWith('2007_000003.png'))!.message).toMatch(/colour type 2 \(RGB\)|mask is 3x3/);
  });
});

describe('one folder per class', () => {
  it('tags each image with its folder, recursively, and untagged at the root', async () => {
    const data = join(tmp.dir, 'folders');
    await writeJpeg(join(data, 'cat', 'c1.jpg'), { width: 10, height: 8, seed: 1 });
    await writePng(join(data, 'cat', 'sub', 'c2.png'), { width: 5, height: 5, seed: 2 });
    await writeJpeg(join(data, 'dog', 'd1.jpeg'), { width: 7, height: 9, seed: 3 });
    await writeJpeg(join(data, 'loose.jpg'), { width: 4, height: 4, seed: 4 });
    writeFileSync(join(data, 'dog', 'notes.txt'), 'not an image');
    const report = await project.importDataset(data);
    expect(report).toMatchObject({ layout: 'folders', added: 4, skipped: 0, errors: [], newClasses: ['cat', 'dog'] });
    expect(all(project).map((i) => [i.name, i.tags])).toEqual([
      ['cat/c1.jpg', [1]],
      ['cat/sub/c2.png', [1]],
      ['dog/d1.jpeg', [2]],
      ['loose.jpg', []],
    ]);
  });
});

describe('CSV and JSON tag lists', () => {
  it('parses RFC 4180 quoting, creates unknown tags as classes and reports them', async () => {
    const data = join(tmp.dir, 'csv');
    await writeJpeg(join(data, 'img', 'a.jpg'), { width: 6, height: 6, seed: 1 });
    await writeJpeg(join(data, 'img', 'b, "quoted".jpg'), { width: 6, height: 6, seed: 2 });
    project.addClass('cat');
    writeFileSync(join(data, 'tags.csv'), 'image,tags\r\nimg/a.jpg,cat;dog\r\n"img/b, ""quoted"".jpg"," dog ; new class "\r\n');
    const report = await project.importDataset(data);
    expect(report).toMatchObject({ layout: 'csv', added: 2, errors: [], newClasses: ['dog', 'new class'] });
    expect(names(project)).toEqual(['cat', 'dog', 'new class']);
    expect(all(project).map((i) => [i.name, i.tags])).toEqual([
      ['img/a.jpg', [1, 2]],
      ['img/b, "quoted".jpg', [2, 3]],
    ]);
  });

  it('reports a missing file and a malformed row by path, and imports the rest', async () => {
    const data = join(tmp.dir, 'csv');
    await writeJpeg(join(data, 'ok.jpg'), { width: 6, height: 6 });
    const tags = join(tmp.dir, 'elsewhere.csv');
    writeFileSync(tags, 'image,tags\nok.jpg,cat\ngone.jpg,dog\nok.jpg\n');
    const report = await project.importDataset(data, { tagsFile: tags });
    expect(report.added).toBe(1);
    expect(report.errors).toEqual([
      { file: join(data, 'gone.jpg'), message: `file not found (listed at ${tags}:3)` },
      { file: `${tags}:4`, message: 'expected 2 fields, found 1' },
    ]);
  });

  it('refuses a CSV without the image,tags header, naming the file', async () => {
    const data = join(tmp.dir, 'csv');
    await writeJpeg(join(data, 'ok.jpg'), { width: 6, height: 6 });
    writeFileSync(join(data, 'tags.csv'), 'file,labels\nok.jpg,cat\n');
    await expect(project.importDataset(data)).rejects.toThrow(`${join(data, 'tags.csv')}: the header must name columns 'image' and 'tags'`);
    writeFileSync(join(data, 'tags.csv'), 'image,tags\n"ok.jpg,cat\n');
    await expect(project.importDataset(data)).rejects.toThrow(`${join(data, 'tags.csv')}:2: a quoted field is never closed`);
    expect(project.info().images).toBe(0);
  });

  it('reads the equivalent JSON, with splits', async () => {
    const data = join(tmp.dir, 'json');
    await writeTwoImageDataset(data, 'tags.json', JSON.stringify([{ image: 'a.jpg', tags: ['cat'], split: 'train' }, { image: 'b.jpg', tags: [] }, { image: 3 }]));
    const report = await project.importDataset(join(data, 'tags.json'));
    expect(report).toMatchObject({ layout: 'json', added: 2, newClasses: ['cat'] });
    expect(report.errors).toEqual([{ file: `${join(data, 'tags.json')}[2]`, message: 'expected an object with a string "image"' }]);
    expect(all(project).map((i) => [i.name, i.tags, i.split])).toEqual([
      ['a.jpg', [1], 'train'],
      ['b.jpg', [], null],
    ]);
  });
});

describe('bad and repeated input', () => {
  it('skips a corrupt and a truncated JPEG, reporting each by path, and imports the rest', async () => {
    const data = join(tmp.dir, 'folders');
    await writeJpeg(join(data, 'cat', 'good.jpg'), { width: 16, height: 16 });
    writeGarbage(join(data, 'cat', 'garbage.jpg'));
    await writeTruncatedJpeg(join(data, 'cat', 'truncated.jpg'), { width: 64, height: 64, seed: 5 });
    const report = await project.importDataset(data);
    expect(report.added).toBe(1);
    expect(report.errors.map((e) => e.file).sort()).toEqual([join(data, 'cat', 'garbage.jpg'), join(data, 'cat', 'truncated.jpg')]);
    for (const e of report.errors) expect(e.message).toMatch(/^not a readable image \(/);
    expect(all(project).map((i) => i.name)).toEqual(['cat/good.jpg']);
  });

  it('re-importing adds nothing twice, also from a copy of the folder, and merges new tags', async () => {
    const data = join(tmp.dir, 'csv');
    await writeTwoImageDataset(data, 'tags.csv', 'image,tags\na.jpg,cat\nb.jpg,dog\na.jpg,cat\n');
    const first = await project.importDataset(data);
    // the repeated row is no image "already in the project": one line says it was read once
    expect([first.added, first.skipped]).toEqual([2, 0]);
    expect(first.errors).toEqual([{ file: join(data, 'tags.csv'), message: `1 row repeats an image listed earlier with the same tags (the first at ${join(data, 'tags.csv')}:4); each image is imported once` }]);
    writeFileSync(join(data, 'tags.csv'), 'image,tags\na.jpg,cat;bird\nb.jpg,dog\n');
    const second = await project.importDataset(data);
    expect([second.added, second.skipped, second.newClasses]).toEqual([0, 2, ['bird']]);
    const copy = join(tmp.dir, 'copy');
    cpSync(data, copy, { recursive: true });
    const third = await project.importDataset(copy);
    expect([third.added, third.skipped]).toEqual([0, 2]);
    expect(project.info()).toMatchObject({ images: 2, tagged: 2 });
    expect(all(project).map((i) => i.tags)).toEqual([[1, 3], [2]]);
  });

  it('a missing dataset folder and an unknown layout are clear errors', async () => {
    await expect(project.importDataset(join(tmp.dir, 'nope'))).rejects.toThrow(`${join(tmp.dir, 'nope')}: no such dataset folder`);
    const empty = join(tmp.dir, 'empty');
    writeGarbage(join(empty, 'readme.md'));
    await expect(project.importDataset(empty)).rejects.toThrow(/empty: cannot tell the dataset layout/);
  });
});

describe('image geometry, bytes and thumbnails', () => {
  it('swaps width and height for EXIF orientations 5–8 and serves upright bytes', async () => {
    const data = join(tmp.dir, 'folders');
    await writeJpeg(join(data, 'x', 'rot.jpg'), { width: 40, height: 20, orientation: 6 });
    await writeJpeg(join(data, 'x', 'flip.jpg'), { width: 40, height: 20, orientation: 2, seed: 1 });
    await project.importDataset(data);
    const [flip, rot] = all(project);
    expect([rot.name, rot.width, rot.height]).toEqual(['x/rot.jpg', 20, 40]);
    expect([flip.width, flip.height]).toEqual([40, 20]);
    const meta = await sharp(await project.imageBytes(rot.id)).metadata();
    expect([meta.width, meta.height, meta.orientation ?? 1]).toEqual([20, 40, 1]);
    const thumb = await sharp(await project.thumbnail(rot.id)).metadata();
    expect([thumb.format, thumb.width, thumb.height]).toEqual(['jpeg', 20, 40]);
  });

  it('caps thumbnails at 256 px and regenerates a deleted one', async () => {
    const data = join(tmp.dir, 'folders');
    await writeJpeg(join(data, 'x', 'big.jpg'), { width: 600, height: 300 });
    await project.importDataset(data);
    const [img] = all(project);
    const cached = thumbPath(project.dir, img.id);
    rmSync(cached);
    const t = await sharp(await project.thumbnail(img.id)).metadata();
    expect([t.width, t.height]).toEqual([256, 128]);
    expect(existsSync(cached)).toBe(true);
    // the source bytes of an upright JPEG are the file itself
    expect((await project.imageBytes(img.id)).length).toBeGreaterThan(0);
  });
});

describe('relink', () => {
  it('finds a moved dataset folder by content hash', async () => {
    const data = join(tmp.dir, 'data');
    await writeJpeg(join(data, 'cat', 'a.jpg'), { width: 6, height: 6, seed: 1 });
    await writeJpeg(join(data, 'dog', 'b.jpg'), { width: 6, height: 6, seed: 2 });
    await project.importDataset(data);
    const moved = join(tmp.dir, 'moved', 'renamed-data');
    renameSync(data, join(tmp.dir, 'tmp-moved'));
    cpSync(join(tmp.dir, 'tmp-moved'), moved, { recursive: true });
    rmSync(join(tmp.dir, 'tmp-moved'), { recursive: true });
    renameSync(join(moved, 'dog', 'b.jpg'), join(moved, 'dog', 'renamed-b.jpg')); // hash, not name, finds it
    expect(all(project).map((i) => i.available)).toEqual([false, false]);
    await expect(project.thumbnail(all(project)[0].id)).resolves.toBeInstanceOf(Uint8Array); // cached thumbnail still served
    await expect(project.imageBytes(all(project)[0].id)).rejects.toThrow(/image file not found \(moved\? relink/);
    expect(await project.relink(moved)).toEqual({ relinked: 2, missing: 0 });
    const imgs = all(project);
    expect(imgs.map((i) => i.available)).toEqual([true, true]);
    expect(project.imagePath(imgs[1].id)).toBe(join(moved, 'dog', 'renamed-b.jpg'));
  });

  it('stores paths relative to the project when the images are inside it', async () => {
    const inside = join(project.dir, 'images');
    await writeJpeg(join(inside, 'cat', 'a.jpg'), { width: 6, height: 6 });
    await project.importDataset(inside);
    const [img] = all(project);
    expect(project.images.get(img.id).path).toBe('images/cat/a.jpg');
    expect(project.imagePath(img.id)).toBe(join(inside, 'cat', 'a.jpg'));
  });
});
