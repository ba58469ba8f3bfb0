import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportProject, planExport } from '../../../src/export/index.ts';
import { decodeFloat16, encodeFloat16 } from '../../../src/masks/float16.ts';
import { decodeNpyFloat32 } from '../../../src/masks/npy.ts';
import { vocPalette } from '../../../src/masks/palette.ts';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import { rleArea, rleDecode, rleFromString, rleToBbox } from '../../../src/masks/rle.ts';
import { resizeBilinear } from '../../../src/masks/resize.ts';
import { createProject, importMasks, type Project } from '../../../src/project/index.ts';
import type { MaskImportOptions, MaskImportReport } from '../../../src/project/import/masks/index.ts';
import { makeFixture, type Fixture } from './fixture.ts';
import { closedAfterEach, scratchEach } from '../../helpers/scratch.ts';

let fx: Fixture;
const tmp = scratchEach('studio-export-', async (dir) => {
  fx = await makeFixture(dir);
  return () => fx.p.close();
});
const reopened = closedAfterEach<Project>();

/** the fixture's dataset in a fresh project (`name` in the scratch folder), with the masks under `out` imported (closed after the test) */
async function reimported(name: string, out: string, opts: MaskImportOptions): Promise<{ q: Project; rep: MaskImportReport }> {
  const q = createProject(join(tmp.dir, name));
  reopened.push(q);
  await q.importDataset(fx.data, { layout: 'folders' });
  return { q, rep: await importMasks(q, out, opts) };
}

function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const f of readdirSync(d).sort()) {
      const file = join(d, f);
      if (statSync(file).isDirectory()) walk(file);
      else out[relative(dir, file)] = createHash('sha256').update(readFileSync(file)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

const text = (file: string) => readFileSync(file, 'utf8');

describe('VOC export', () => {
  it('writes indexed PNGs with the VOC palette, lists, classes and label map', async () => {
    const out = join(tmp.dir, 'voc');
    const rep = await exportProject(fx.p, { format: 'voc', out });
    expect(rep).toMatchObject({ format: 'voc', images: 3, skipped: [] });
    // cat/a and dog/a share the stem 'a' → dataset paths; cat/b keeps its stem; dog/c has no mask
    expect(readdirSync(join(out, 'SegmentationClass')).sort()).toEqual(['b.png', 'cat__a.png', 'dog__a.png']);
    const png = new Uint8Array(readFileSync(join(out, 'SegmentationClass', 'cat__a.png')));
    expect(Buffer.from(png.subarray(12, 16)).toString('latin1')).toBe('IHDR');
    expect(png[25]).toBe(3); // colour type: indexed
    expect(Buffer.from(png).includes(Buffer.from('PLTE'))).toBe(true);
    const d = decodeLabelPng(png);
    expect(d.palette).toEqual(vocPalette());
    expect(d.labels).toEqual(fx.masks.get('cat/a.jpg')!.labels);
    expect(text(join(out, 'classes.txt'))).toBe('background\ncat\ndog\n');
    expect(text(join(out, 'labelmap.txt'))).toBe('# label:color_rgb:parts:actions\nbackground:0,0,0::\ncat:128,0,0::\ndog:0,128,0::\n');
    expect(text(join(out, 'ImageSets/Segmentation/train.txt'))).toBe('b\ncat__a\ndog__a\n');
    expect(text(join(out, 'ImageSets/Segmentation/val.txt'))).toBe('');
    expect(text(join(out, 'ImageSets/Segmentation/trainval.txt'))).toBe('b\ncat__a\ndog__a\n');
  });

  it('is deterministic: two exports give byte-identical files', async () => {
    for (const format of ['voc', 'coco', 'yolo'] as const) {
      await exportProject(fx.p, { format, out: join(tmp.dir, `${format}1`), split: { val: 0.34, seed: 3 } });
      await exportProject(fx.p, { format, out: join(tmp.dir, `${format}2`), split: { val: 0.34, seed: 3 } });
      const a = hashes(join(tmp.dir, `${format}1`));
      expect(Object.keys(a).length).toBeGreaterThanOrEqual(format === "coco" ? 1 : 4);
      expect(hashes(join(tmp.dir, `${format}2`))).toEqual(a);
    }
  });

  it('limits to approved masks, splits by seed, copies upright images, uses project colours', async () => {
    const out = join(tmp.dir, 'approved');
    const rep = await exportProject(fx.p, { format: 'voc', out, approvedOnly: true, copyImages: true, palette: 'project' });
    expect(rep.images).toBe(1);
    expect(readdirSync(join(out, 'SegmentationClass'))).toEqual(['cat__a.png']);
    expect(readdirSync(join(out, 'JPEGImages'))).toEqual(['cat__a.jpg']);
    const split = join(tmp.dir, 'split');
    await exportProject(fx.p, { format: 'voc', out: split, split: { val: 0.34, seed: 1 } });
    expect(text(join(split, 'ImageSets/Segmentation/val.txt')).trim().split('\n')).toHaveLength(1);
    expect(text(join(split, 'ImageSets/Segmentation/train.txt')).trim().split('\n')).toHaveLength(2);
  });

  it('imports exported masks as ground truth beside the working masks with masks: ground-truth', async () => {
    const out = join(tmp.dir, 'voc-gt');
    await exportProject(fx.p, { format: 'voc', out });
    const { q, rep } = await reimported('proj-gt', out, { format: 'voc', masks: 'ground-truth' });
    expect(rep).toEqual({ imported: 3, errors: [] });
    for (const img of q.listImages({ offset: 0, limit: 10, sort: 'id' }).items) {
      expect(q.currentMask(img.id)).toBeNull();
      const want = fx.masks.get(img.name);
      const gt = q.groundTruthMask(img.id);
      if (!want) expect(gt).toBeNull();
      else expect(decodeLabelPng(gt!.png).labels).toEqual(want.labels);
    }
  });

  it('round-trips: export VOC → import into a fresh project → identical label maps', async () => {
    const out = join(tmp.dir, 'voc');
    await exportProject(fx.p, { format: 'voc', out });
    const { q, rep } = await reimported('proj2', out, { format: 'voc' });
    expect(rep).toEqual({ imported: 3, errors: [] });
    for (const img of q.listImages({ offset: 0, limit: 10, sort: 'id' }).items) {
      const want = fx.masks.get(img.name);
      const cur = q.currentMask(img.id);
      if (!want) {
        expect(cur).toBeNull();
        continue;
      }
      expect(cur!.version.provenance.source).toBe('imported');
      expect(decodeLabelPng(cur!.png).labels).toEqual(want.labels);
    }
  });

  it('maps classes by name through classes.txt, and reports bad files one by one', async () => {
    const src = join(tmp.dir, 'ext');
    mkdirSync(join(src, 'SegmentationClass'), { recursive: true });
    // the dataset's order is dog=1, cat=2: the reverse of the project's
    writeFileSync(join(src, 'classes.txt'), 'background\ndog\ncat\nzebra\n');
    const m = new Uint8Array(48);
    m[5] = 1;
    m[6] = 2;
    writeFileSync(join(src, 'SegmentationClass', 'cat__a.png'), encodeLabelPng(m, 8, 6, vocPalette()));
    writeFileSync(join(src, 'SegmentationClass', 'dog__a.png'), encodeLabelPng(new Uint8Array(30), 6, 5)); // wrong size
    const z = new Uint8Array(70);
    z[3] = 3; // zebra
    writeFileSync(join(src, 'SegmentationClass', 'b.png'), encodeLabelPng(z, 10, 7));
    writeFileSync(join(src, 'SegmentationClass', 'nobody.png'), encodeLabelPng(new Uint8Array(4), 2, 2));
    writeFileSync(join(src, 'SegmentationClass', 'c.png'), 'not a png');
    const rep = await importMasks(fx.p, src, { format: 'voc' });
    expect(rep.imported).toBe(1);
    const errs = Object.fromEntries(rep.errors.map((e) => [e.file.split('/').pop(), e.message]));
    expect(errs['dog__a.png']).toMatch(/dog__a\.png is 6x5, the image dog\/a\.jpg is 8x6/);
    expect(errs['b.png']).toMatch(/not in the project: 3 \(zebra\)/);
    expect(errs['nobody.png']).toMatch(/no image in the project matches 'nobody'/);
    expect(errs['c.png']).toMatch(/not a PNG/);
    const got = decodeLabelPng(fx.p.currentMask(fx.ids.get('cat/a.jpg')!)!.png).labels;
    expect([got[5], got[6]]).toEqual([2, 1]); // dog → 2, cat → 1 in the project
  });
});

describe('COCO export', () => {
  it('writes pycocotools RLE per region that decodes to the label map; bbox and area match', async () => {
    const out = join(tmp.dir, 'coco');
    await exportProject(fx.p, { format: 'coco', out });
    const coco = JSON.parse(text(join(out, 'annotations.json')));
    expect(coco.categories).toEqual([
      { id: 1, name: 'cat', supercategory: '' },
      { id: 2, name: 'dog', supercategory: '' },
    ]);
    expect(coco.images.map((i: { file_name: string }) => i.file_name)).toEqual(['cat/a.jpg', 'cat/b.png', 'dog/a.jpg']);
    // dog/a: one cat region + two dog regions
    const dogA = coco.images.find((i: { file_name: string }) => i.file_name === 'dog/a.jpg');
    const anns = coco.annotations.filter((a: { image_id: number }) => a.image_id === dogA.id);
    expect(anns.map((a: { category_id: number }) => a.category_id)).toEqual([1, 2, 2]);
    expect(anns.map((a: { bbox: number[] }) => a.bbox)).toEqual([[4, 2, 2, 1], [0, 0, 2, 2], [6, 4, 2, 2]]);
    expect(anns.map((a: { area: number }) => a.area)).toEqual([2, 4, 4]);
    for (const img of coco.images) {
      const want = fx.masks.get(img.file_name)!;
      const painted = new Uint8Array(img.width * img.height);
      for (const a of coco.annotations.filter((x: { image_id: number }) => x.image_id === img.id)) {
        expect(a.iscrowd).toBe(0);
        const rle = { size: a.segmentation.size as [number, number], counts: rleFromString(a.segmentation.counts) };
        const m = rleDecode(rle);
        expect(rleArea(rle)).toBe(a.area);
        expect(rleToBbox(rle)).toEqual(a.bbox);
        m.forEach((v, i) => {
          if (v) {
            expect(painted[i]).toBe(0); // regions never overlap
            painted[i] = a.category_id;
          }
        });
      }
      // identical to the studio's map, except that ignore is not annotated
      expect(painted).toEqual(want.labels.map((v) => (v === 255 ? 0 : v)));
    }
  });

  it('per-class mode gives one annotation per class; COCO import round-trips', async () => {
    const out = join(tmp.dir, 'coco');
    await exportProject(fx.p, { format: 'coco', out, cocoAnnotations: 'class' });
    const coco = JSON.parse(text(join(out, 'annotations.json')));
    expect(coco.annotations).toHaveLength(1 + 2 + 1);
    const { q, rep } = await reimported('proj2', out, { format: 'coco' });
    expect(rep).toEqual({ imported: 3, errors: [] });
    for (const img of q.listImages({ offset: 0, limit: 10, sort: 'id' }).items) {
      const want = fx.masks.get(img.name);
      if (want) expect(decodeLabelPng(q.currentMask(img.id)!.png).labels).toEqual(want.labels.map((v) => (v === 255 ? 0 : v)));
    }
  });

  it('imports polygons (even–odd) and reports unknown categories and size mismatches per image', async () => {
    const file = join(tmp.dir, 'poly.json');
    writeFileSync(
      file,
      JSON.stringify({
        images: [
          { id: 1, file_name: 'a.jpg', width: 8, height: 6 }, // ambiguous base name
          { id: 2, file_name: 'cat/b.png', width: 10, height: 7 },
          { id: 3, file_name: 'dog/c.jpg', width: 12, height: 9 },
          { id: 4, file_name: 'dog/a.jpg', width: 9, height: 6 },
        ],
        categories: [{ id: 5, name: 'dog' }, { id: 6, name: 'unicorn' }],
        annotations: [
          { id: 1, image_id: 2, category_id: 5, segmentation: [[1, 1, 5, 1, 5, 4, 1, 4]] },
          { id: 2, image_id: 3, category_id: 6, segmentation: [[0, 0, 2, 0, 2, 2]] },
        ],
      }),
    );
    const rep = await importMasks(fx.p, file, { format: 'coco' });
    expect(rep.imported).toBe(1);
    const msgs = rep.errors.map((e) => `${e.file.split(': ').pop()}: ${e.message}`);
    expect(msgs).toEqual([
      "image a.jpg: 'a.jpg' matches several project images; use the full name",
      'image dog/c.jpg: categories not in the project: unicorn',
      'image dog/a.jpg: size 9x6 in the JSON, the project image is 8x6',
    ]);
    const got = decodeLabelPng(fx.p.currentMask(fx.ids.get('cat/b.png')!)!.png).labels;
    const dog = fx.p.listClasses().find((c) => c.name === 'dog')!.index;
    const expected = new Uint8Array(70);
    for (let y = 1; y < 4; y++) for (let x = 1; x < 5; x++) expected[y * 10 + x] = dog;
    expect(got).toEqual(expected);
  });
});

describe('YOLO export', () => {
  it('writes the polygon of a known rectangle, class id = label − 1, and data.yaml', async () => {
    const out = join(tmp.dir, 'yolo');
    await exportProject(fx.p, { format: 'yolo', out });
    // cat/a: rectangle x 2..5, y 1..3 on 8×6 → corners (2,1) (5,1) (5,3) (2,3) / (8, 6)
    expect(text(join(out, 'labels/train/cat__a.txt'))).toBe('0 0.250000 0.166667 0.625000 0.166667 0.625000 0.500000 0.250000 0.500000\n');
    // cat/b: a ring; the hole is covered (outer boundary only)
    expect(text(join(out, 'labels/train/b.txt'))).toBe('0 0.200000 0.142857 0.700000 0.142857 0.700000 0.714286 0.200000 0.714286\n');
    // dog/a: the 2-pixel cat region is below minArea 4 and left out; two dog squares
    expect(text(join(out, 'labels/train/dog__a.txt')).trim().split('\n').map((l) => l.split(' ')[0])).toEqual(['1', '1']);
    expect(text(join(out, 'data.yaml'))).toContain('train: images/train\nval: images/val\nnc: 2\nnames:\n  0: "cat"\n  1: "dog"\n');
  });
});

describe('CAM arrays', () => {
  it('writes float32 .npy per (image, class) at feature or image resolution', async () => {
    const id = fx.ids.get('cat/a.jpg')!;
    const values = Float32Array.from({ length: 12 }, (_, i) => i / 11 - 0.25);
    const now = new Date().toISOString();
    fx.p.cams.put({ imageId: id, classIndex: 1, modelHash: 'm1', method: 'rcam', layer: 'layer2', h: 3, w: 4, data: encodeFloat16(values) }, now);
    fx.p.cams.put({ imageId: id, classIndex: 2, modelHash: 'm1', method: 'rcam', layer: 'layer2', h: 3, w: 4, data: encodeFloat16(values.map((v) => -v)) }, now);
    const out = join(tmp.dir, 'cams');
    const rep = await exportProject(fx.p, { format: 'cams', out });
    expect(rep.images).toBe(1);
    const f = decodeNpyFloat32(new Uint8Array(readFileSync(join(out, 'cams', 'cat__a_c1.npy'))));
    expect(f.shape).toEqual([3, 4]);
    expect(f.data).toEqual(decodeFloat16(encodeFloat16(values)));
    expect(existsSync(join(out, 'cams', 'cat__a_c2.npy'))).toBe(true);
    const manifest = JSON.parse(text(join(out, 'cams.json')));
    expect(manifest[0]).toMatchObject({ file: 'cams/cat__a_c1.npy', image: 'cat/a.jpg', class: 1, className: 'cat', shape: [3, 4], method: 'rcam', layer: 'layer2' });
    const big = join(tmp.dir, 'cams-img');
    await exportProject(fx.p, { format: 'cams', out: big, camResolution: 'image' });
    const g = decodeNpyFloat32(new Uint8Array(readFileSync(join(big, 'cams', 'cat__a_c1.npy'))));
    expect(g.shape).toEqual([6, 8]);
    expect(g.data).toEqual(resizeBilinear(decodeFloat16(encodeFloat16(values)), 4, 3, 8, 6));
  });
});

describe('export options', () => {
  it('says what it leaves out and why, and refuses an export with nothing to write', async () => {
    // dog/c has no mask; cat/a is approved; reject dog/a
    fx.p.setStatus(fx.ids.get('dog/a.jpg')!, 'rejected');
    const plan = planExport(fx.p, { format: 'voc' });
    expect(plan.chosen.map((i) => i.name)).toEqual(['cat/a.jpg', 'cat/b.png']);
    expect(plan.leftOut).toEqual([
      { reason: 'rejected', count: 1, examples: ['dog/a.jpg'] },
      { reason: 'no-mask', count: 1, examples: ['dog/c.jpg'] },
    ]);
    expect(planExport(fx.p, { format: 'voc', approvedOnly: true }).leftOut).toEqual([
      { reason: 'rejected', count: 1, examples: ['dog/a.jpg'] },
      { reason: 'not-approved', count: 2, examples: ['cat/b.png', 'dog/c.jpg'] },
    ]);
    const rep = await exportProject(fx.p, { format: 'voc', out: join(tmp.dir, 'voc') });
    expect(rep.images).toBe(2);
    expect(rep.leftOut.map((l) => [l.reason, l.count])).toEqual([['rejected', 1], ['no-mask', 1]]);
    // CAM arrays: no image has stored CAMs
    await expect(exportProject(fx.p, { format: 'cams', out: join(tmp.dir, 'cams') })).rejects.toThrow(
      'export: nothing to write: every image is left out (1 rejected, 3 without stored CAMs)',
    );
    expect(existsSync(join(tmp.dir, 'cams'))).toBe(false);
  });

  it('leaves out COCO regions under the minimum size, and copies the images on request', async () => {
    const out = join(tmp.dir, 'coco');
    await exportProject(fx.p, { format: 'coco', out, minArea: 3 });
    const coco = JSON.parse(text(join(out, 'annotations.json')));
    // dog/a's 2-pixel cat block goes; its two 4-pixel dog regions and the other images' regions stay
    expect(coco.annotations.map((a: { area: number }) => a.area).sort((a: number, b: number) => a - b)).toEqual([4, 4, 12, 18]);
    const yolo = join(tmp.dir, 'yolo');
    await exportProject(fx.p, { format: 'yolo', out: yolo, copyImages: true, minArea: 3 });
    expect(readdirSync(join(yolo, 'images', 'train')).sort()).toEqual(['b.png', 'cat__a.jpg', 'dog__a.jpg']);
  });

  it('refuses an unknown format and the project folder as output', async () => {
    await expect(exportProject(fx.p, { format: 'tiff' as 'voc', out: join(tmp.dir, 'x') })).rejects.toThrow(/unknown format 'tiff'/);
    await expect(exportProject(fx.p, { format: 'voc', out: fx.p.dir })).rejects.toThrow(/is the project folder/);
  });
});
