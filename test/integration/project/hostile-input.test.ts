// Names and dataset lists a person (or a file they were sent) supplies: one name rule for
// classes and projects on every path (add, rename, import, project name) so an export's
// classes.txt keeps one class per line; tag lists may only name regular files inside the
// dataset; repeated rows that disagree and skipped symlinks are reported, and so are a FIFO
// under an image's name and a file name that is not UTF-8; an XML entity left in a VOC
// object name is no class; COCO segmentations must hold numbers (RLE counts ≥ 0, whole),
// and many annotations of one image are read in linear time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportProject } from '../../../src/export/index.ts';
import { createProject, importMasks, type Project } from '../../../src/project/index.ts';
import { checkName } from '../../../src/project/user-names.ts';
import { createStudioService, dispatch } from '../../../src/services/index.ts';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { writeJpeg, writeTwoImageDataset } from '../../helpers/images.ts';
import { scratchEach } from '../../helpers/scratch.ts';

let project: Project;
const tmp = scratchEach('studio-test-', (dir) => {
  project = createProject(join(dir, 'proj'));
  return () => project.close();
});

const classNames = () => project.listClasses().map((c) => c.name);

describe('one rule for user-visible names', () => {
  it('trims, normalises, and refuses controls, separators and bidi characters by code point', () => {
    expect(checkName('class', '  cat  ')).toBe('cat');
    expect(checkName('class', 'Cafe\u0301')).toBe('Café');
    expect(checkName('class', 'ظرف‌ها')).toBe('ظرف‌ها'); // ZWNJ is part of Persian spelling, not a control
    expect(() => checkName('class', 'cat\ndog')).toThrow('class name "cat\\ndog" contains U+000A (a control or text-direction character); names may hold neither');
    expect(() => checkName('class', 'nul\0')).toThrow(/contains U\+0000/);
    expect(() => checkName('project', 'abc\u202Etxt.exe')).toThrow(/^project name .* contains U\+202E/);
    expect(() => checkName('class', 'a\u2028b')).toThrow(/contains U\+2028/);
    expect(() => checkName('class', '\u0085x')).toThrow(/contains U\+0085/);
    expect(() => checkName('class', '   ')).toThrow('class name is empty');
    expect(() => checkName('class', 'x'.repeat(201))).toThrow(/is longer than 200 characters/);
  });

  it('is what addClass, updateClass (over the API) and createProject apply', async () => {
    expect(() => project.addClass('dog\nbackground')).toThrow(/class name "dog\\nbackground" contains U\+000A/);
    project.addClass(' cat ');
    const api = createStudioService(project);
    const r = await dispatch(api, 'updateClass', [1, { name: 'cat\u202E' }]);
    expect(r).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'class cat: the new class name "cat\u202E" contains U+202E (a control or text-direction character); names may hold neither' } });
    expect(classNames()).toEqual(['cat']);
    expect(() => createProject(join(tmp.dir, 'p2'), { name: 'Pets\r\n' + 'x' })).toThrow(/project name "Pets\\r\\nx" contains U\+000D/);
  });

  it('import: an image tagged with a bad name is reported and left out; the export lists one class per line', async () => {
    const data = join(tmp.dir, 'csv');
    await writeTwoImageDataset(data, 'tags.csv', 'image,tags\na.jpg,cat\nb.jpg,"dog\nbird"\n');
    const report = await project.importDataset(data);
    expect(report.added).toBe(1);
    expect(report.errors).toEqual([{ file: join(data, 'b.jpg'), message: 'class name "dog\\nbird" contains U+000A (a control or text-direction character); names may hold neither; image not imported' }]);
    expect(classNames()).toEqual(['cat']);
    const id = project.listImages({ offset: 0, limit: 10 }).items[0].id;
    project.saveMask(id, encodeLabelPng(new Uint8Array(36).fill(1), 6, 6), { source: 'edited' });
    const out = join(tmp.dir, 'out');
    await exportProject(project, { format: 'voc', out });
    expect(readFileSync(join(out, 'classes.txt'), 'utf8')).toBe('background\ncat\n');
  });
});

describe('tag lists name files inside the dataset only', () => {
  it('reports ../, absolute and symlinked paths outside the dataset, and FIFOs, without opening them', async () => {
    const data = join(tmp.dir, 'ds');
    await writeJpeg(join(data, 'in.jpg'), { width: 6, height: 6, seed: 1 });
    await writeJpeg(join(tmp.dir, 'outside.jpg'), { width: 6, height: 6, seed: 2 });
    symlinkSync(join(tmp.dir, 'outside.jpg'), join(data, 'link.jpg'));
    execFileSync('mkfifo', [join(data, 'pipe.jpg')]);
    const csv = join(data, 'tags.csv');
    writeFileSync(csv, `image,tags\nin.jpg,cat\n../outside.jpg,cat\n${join(tmp.dir, 'outside.jpg')},cat\nlink.jpg,cat\npipe.jpg,cat\n`);
    const report = await project.importDataset(data);
    expect(report.added).toBe(1);
    expect(report.errors).toEqual([
      { file: join(tmp.dir, 'outside.jpg'), message: `outside the dataset folder ${data}; listed at ${csv}:3, not imported` },
      { file: join(tmp.dir, 'outside.jpg'), message: `outside the dataset folder ${data}; listed at ${csv}:4, not imported` },
      { file: join(data, 'link.jpg'), message: `outside the dataset folder ${data} (a link to ${join(tmp.dir, 'outside.jpg')}); listed at ${csv}:5, not imported` },
      { file: join(data, 'pipe.jpg'), message: `not a regular file (listed at ${csv}:6)` },
    ]);
    expect(project.listImages({ offset: 0, limit: 10 }).items.map((i) => i.name)).toEqual(['in.jpg']);
  });

  it('reports a row that lists a file again with other tags or split; identical repeats are imported once, counted in one line', async () => {
    const data = join(tmp.dir, 'ds');
    await writeJpeg(join(data, 'a.jpg'), { width: 6, height: 6, seed: 1 });
    const csv = join(data, 'tags.csv');
    // a CSV of many rows of one image: not "N already in the project"
    writeFileSync(csv, `image,tags,split\n${'a.jpg,cat,train\n'.repeat(5000)}a.jpg,dog,train\n./a.jpg,cat,val\n`);
    const report = await project.importDataset(data);
    expect([report.added, report.skipped]).toEqual([1, 0]);
    expect(report.errors).toEqual([
      { file: csv, message: `4999 rows repeat images listed earlier with the same tags (the first at ${csv}:3); each image is imported once` },
      { file: `${csv}:5002`, message: `a.jpg is listed again with other tags (dog, train); the first listing at ${csv}:2 was kept` },
      { file: `${csv}:5003`, message: `a.jpg is listed again with another split (cat, val); the first listing at ${csv}:2 was kept` },
    ]);
    expect(project.listImages({ offset: 0, limit: 10 }).items.map((i) => [i.tags, i.split])).toEqual([[[1], 'train']]);
  });

  it('folder layout: symbolic links are reported, not followed', async () => {
    const data = join(tmp.dir, 'folders');
    await writeJpeg(join(data, 'cat', 'a.jpg'), { width: 6, height: 6, seed: 1 });
    await writeJpeg(join(tmp.dir, 'elsewhere', 'b.jpg'), { width: 6, height: 6, seed: 2 });
    symlinkSync(join(tmp.dir, 'elsewhere', 'b.jpg'), join(data, 'cat', 'b.jpg'));
    symlinkSync(join(tmp.dir, 'elsewhere'), join(data, 'dog'));
    mkdirSync(join(data, 'empty'));
    const report = await project.importDataset(data, { layout: 'folders' });
    expect(report.added).toBe(1);
    const why = 'symbolic link skipped (links are not followed; copy the files into the dataset folder)';
    expect(report.errors).toEqual([
      { file: join(data, 'dog'), message: why },
      { file: join(data, 'cat', 'b.jpg'), message: why },
    ]);
  });
});

describe('odd entries in a dataset', () => {
  it('a FIFO under an image name and a name that is not UTF-8 are listed as skipped, with why', async () => {
    const data = join(tmp.dir, 'odd');
    await writeJpeg(join(data, 'cat', 'a.jpg'), { width: 6, height: 6, seed: 1 });
    await writeJpeg(join(data, 'cat', 'b.jpg'), { width: 6, height: 6, seed: 2 });
    execFileSync('mkfifo', [join(data, 'cat', 'pipe.jpg')]);
    // a file name holding the byte 0xff (Latin-1 'ÿ' written raw): no UTF-8 string names it
    execFileSync('sh', ['-c', `cp "${join(data, 'cat', 'b.jpg')}" "$(printf '${join(data, 'cat')}/caf\\377.jpg')"`]);
    const report = await project.importDataset(data, { layout: 'folders' });
    expect(report.added).toBe(2);
    expect(report.errors).toEqual([
      { file: join(data, 'cat', 'caf\uFFFD.jpg'), message: 'the file name is not valid UTF-8 (bytes 636166ff2e6a7067); rename it, then import again' },
      { file: join(data, 'cat', 'pipe.jpg'), message: 'is a FIFO (named pipe), not a regular file; skipped' },
    ]);
  });

  it('a VOC object name holding an unexpanded XML entity is reported, not made a class', async () => {
    const data = join(tmp.dir, 'voc');
    await writeJpeg(join(data, 'JPEGImages', 'x.jpg'), { width: 6, height: 6, seed: 1 });
    mkdirSync(join(data, 'Annotations'));
    const xml = join(data, 'Annotations', 'x.xml');
    writeFileSync(xml, '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY lol "lol"><!ENTITY lol9 "&lol;&lol;">]><annotation><object><name>&lol9;</name></object><object><name>cat</name></object></annotation>');
    const report = await project.importDataset(data, { layout: 'voc' });
    expect(report.added).toBe(1);
    expect(classNames()).toEqual([]);
    expect(report.errors).toEqual([{ file: xml, message: "object name '&lol9;' holds the XML entity reference &lol9;, which is not expanded (DOCTYPE entities are not read); write the class name itself" }]);
  });

  it('COCO: negative or fractional RLE counts and non-numeric polygon points are refused per annotation; 40 000 annotations of one image import', async () => {
    const data = join(tmp.dir, 'coco-ds');
    await writeJpeg(join(data, 'cat', 'a.jpg'), { width: 4, height: 4, seed: 1 });
    await writeJpeg(join(data, 'cat', 'b.jpg'), { width: 4, height: 4, seed: 2 });
    await writeJpeg(join(data, 'cat', 'c.jpg'), { width: 4, height: 4, seed: 3 });
    await writeJpeg(join(data, 'cat', 'd.jpg'), { width: 4, height: 4, seed: 4 });
    await project.importDataset(data, { layout: 'folders' });
    const file = join(tmp.dir, 'coco.json');
    const img = (id: number, n: string) => ({ id, file_name: `cat/${n}.jpg`, width: 4, height: 4 });
    const many = Array.from({ length: 40_000 }, (_, k) => ({ id: 100 + k, image_id: 4, category_id: 1, segmentation: { size: [4, 4], counts: [k % 16, 1, 15 - (k % 16)] } }));
    writeFileSync(file, JSON.stringify({
      images: [img(1, 'a'), img(2, 'b'), img(3, 'c'), img(4, 'd')],
      categories: [{ id: 1, name: 'cat' }],
      annotations: [
        { id: 1, image_id: 1, category_id: 1, segmentation: { size: [4, 4], counts: [12, -4, 8] } },
        { id: 2, image_id: 2, category_id: 1, segmentation: { size: [4, 4], counts: [1.5, 14.5] } },
        { id: 3, image_id: 3, category_id: 1, segmentation: [[0, 0, 3, 0, 'x', 3]] },
        ...many,
      ],
    }));
    const rep = await importMasks(project, file, { format: 'coco' }); // its time: npm run bench -- probes
    expect(rep.imported).toBe(1);
    expect(rep.errors).toEqual([
      { file: `${file}: image cat/a.jpg`, message: 'RLE count 1 is -4; counts are whole numbers ≥ 0' },
      { file: `${file}: image cat/b.jpg`, message: 'RLE count 0 is 1.5; counts are whole numbers ≥ 0' },
      { file: `${file}: image cat/c.jpg`, message: 'annotation 3: polygon 0 point value 4 is "x", not a number' },
    ]);
    expect([...project.currentMask(4)!.png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
  });
});
