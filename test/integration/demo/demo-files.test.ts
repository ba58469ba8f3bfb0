// The committed demo dataset is consistent and is what build-demo.ts renders: every image
// has a mask of its size and an annotation, annotation tags = the mask's labels, masks
// equal the generator's exact label maps, images are the generator's scenes (JPEG q92).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeLabelPng } from '../../../src/project/png.ts';
import { createSceneGenerator } from '../../../demo/scenes/generator.ts';
import { DEMO_ITEMS_DIR } from '../../../demo/scenes/idx.ts';
import { FASHION_CLASSES } from '../../../demo/scenes/classes.ts';
import { DEMO_GENERATOR, sceneStem } from '../../../demo/tools/build-demo.ts';

const DATASET = path.resolve(import.meta.dirname, '../../../demo/dataset');
const MODEL = path.resolve(import.meta.dirname, '../../../demo/model');
const xml = new XMLParser({ isArray: (name) => name === 'object' });

function annotationNames(stem: string): string[] {
  const doc = xml.parse(readFileSync(path.join(DATASET, 'Annotations', `${stem}.xml`), 'utf8')) as {
    annotation: { filename: string; object?: { name: string }[] };
  };
  expect(doc.annotation.filename).toBe(`${stem}.jpg`);
  return (doc.annotation.object ?? []).map((o) => String(o.name));
}

describe('demo dataset', () => {
  const images = readdirSync(path.join(DATASET, 'JPEGImages')).filter((f) => f.endsWith('.jpg')).sort();
  const stems = images.map((f) => path.basename(f, '.jpg'));

  it('holds ~60 scenes named scene_XXXX, split into train and val', () => {
    expect(images.length).toBeGreaterThanOrEqual(50);
    expect(stems).toEqual(stems.map((_, i) => sceneStem(i)));
    const read = (s: string) => readFileSync(path.join(DATASET, 'ImageSets/Segmentation', `${s}.txt`), 'utf8').split('\n').filter(Boolean);
    const train = read('train');
    const val = read('val');
    expect([...train, ...val].sort()).toEqual(stems);
    expect(val.length).toBeGreaterThan(0);
  });

  it('class lists match the model: dataset classes.txt = background + model classes.txt', () => {
    const model = readFileSync(path.join(MODEL, 'classes.txt'), 'utf8').split('\n').filter(Boolean);
    expect(model).toEqual([...FASHION_CLASSES]);
    const ds = readFileSync(path.join(DATASET, 'classes.txt'), 'utf8').split('\n').filter(Boolean);
    expect(ds).toEqual(['background', ...model]);
  });

  it('every image has a same-size mask and an annotation whose tags are the mask labels', async () => {
    for (const stem of stems) {
      const meta = await sharp(path.join(DATASET, 'JPEGImages', `${stem}.jpg`)).metadata();
      const maskFile = path.join(DATASET, 'SegmentationClass', `${stem}.png`);
      expect(existsSync(maskFile), maskFile).toBe(true);
      const mask = decodeLabelPng(new Uint8Array(readFileSync(maskFile)), maskFile);
      expect([mask.width, mask.height]).toEqual([meta.width, meta.height]);
      expect(mask.palette).toBeDefined();
      const labels = new Set(mask.labels);
      labels.delete(0);
      for (const v of labels) expect(v).toBeLessThanOrEqual(FASHION_CLASSES.length);
      const names = annotationNames(stem);
      expect(new Set(names).size).toBe(names.length);
      expect(names.map((n) => FASHION_CLASSES.indexOf(n as (typeof FASHION_CLASSES)[number]) + 1).sort((a, b) => a - b))
        .toEqual([...labels].sort((a, b) => a - b));
    }
  });

  it('masks are the generator label maps and images its scenes', async () => {
    const gen = await createSceneGenerator({ ...DEMO_GENERATOR, fashionDir: DEMO_ITEMS_DIR });
    let tiers = new Set<string>();
    for (const [k, stem] of stems.entries()) {
      const scene = gen.sceneAt(k);
      tiers.add(scene.tier);
      const mask = decodeLabelPng(new Uint8Array(readFileSync(path.join(DATASET, 'SegmentationClass', `${stem}.png`))));
      expect(mask.labels).toEqual(scene.labelMap);
      const { data } = await sharp(path.join(DATASET, 'JPEGImages', `${stem}.jpg`)).raw().toBuffer({ resolveWithObject: true });
      let err = 0;
      for (let i = 0; i < data.length; i++) err += Math.abs(data[i] - scene.rgb[i]);
      // JPEG q92 4:4:4: a few grey levels on average, never a different picture
      expect(err / data.length).toBeLessThan(4);
    }
    expect(tiers).toEqual(new Set(['flat', 'textured']));
  });
});
