// Renders the embedded demo dataset (PASCAL-VOC layout) from held-out Fashion-MNIST items:
//   npx tsx demo/tools/build-demo.ts [--count 60] [--items-only]
// (needs the full Fashion-MNIST: Debian's dataset-fashion-mnist or FASHION_MNIST_DIR)
// demo/dataset/JPEGImages/scene_XXXX.jpg, Annotations/scene_XXXX.xml, SegmentationClass/
// scene_XXXX.png (indexed, value = class index 1..10, 0 background), ImageSets/Segmentation/
// {train,val}.txt and classes.txt. DEMO_SCENES = train.py's DEMO_SEED/DEMO_TIER, so the
// expected logits in demo/model/expected-logits.json are those of scenes 0..3 here.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import sharp from 'sharp';
import { createSceneGenerator, type Scene } from '../scenes/generator.ts';
import { FASHION_CLASSES } from '../scenes/classes.ts';
import { encodeLabelPng } from '../../src/project/png.ts';
import { vocPalette } from '../../src/masks/palette.ts';
import { DEMO_SCENES } from '../scenes/presets.ts';
import { DEMO_ITEMS_DIR, encodeIdx, idxFile, readFashionImages, readFashionLabels } from '../scenes/idx.ts';

export const DEMO_GENERATOR = DEMO_SCENES;
export const DEMO_JPEG_QUALITY = 92;
const ROOT = path.resolve(import.meta.dirname, '..', '..');

export function sceneStem(index: number): string {
  return `scene_${String(index).padStart(4, '0')}`;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** VOC annotation: one <object> per class present, its box the extent of its mask pixels. */
export function annotationXml(scene: Scene, stem: string): string {
  const S = scene.size;
  const objects = scene.tags.map((t) => {
    let x0 = S, y0 = S, x1 = -1, y1 = -1;
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      if (scene.labelMap[y * S + x] !== t + 1) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
    // VOC boxes are 1-based inclusive pixel coordinates
    return `  <object>
    <name>${escapeXml(FASHION_CLASSES[t])}</name>
    <pose>Unspecified</pose>
    <truncated>0</truncated>
    <difficult>0</difficult>
    <bndbox><xmin>${x0 + 1}</xmin><ymin>${y0 + 1}</ymin><xmax>${x1 + 1}</xmax><ymax>${y1 + 1}</ymax></bndbox>
  </object>`;
  });
  return `<annotation>
  <folder>dataset</folder>
  <filename>${stem}.jpg</filename>
  <source><database>Relevance Studio demo (Fashion-MNIST t10k items, scikit-image CC0 textures)</database></source>
  <size><width>${S}</width><height>${S}</height><depth>3</depth></size>
  <segmented>1</segmented>
${objects.join('\n')}
</annotation>
`;
}

/**
 * demo/scenes/fashion-mnist-demo/: every t10k label (the generator picks items by class over
 * all of them) and the images of the items scenes 0..count−1 use; the other images are
 * blank (gzip makes them almost free), so the demo's tests regenerate the demo scenes
 * without the full dataset. Returns how many items it kept.
 */
export async function writeDemoItems(count: number): Promise<number> {
  const gen = await createSceneGenerator(DEMO_GENERATOR);
  const keep = new Set<number>();
  for (let k = 0; k < count; k++) for (const it of gen.sceneAt(k).items) keep.add(it.sourceIndex);
  const images = readFashionImages(DEMO_GENERATOR.split);
  const labels = readFashionLabels(DEMO_GENERATOR.split);
  const pixels = new Uint8Array(images.pixels.length);
  for (const i of keep) pixels.set(images.pixels.subarray(i * 784, (i + 1) * 784), i * 784);
  await mkdir(DEMO_ITEMS_DIR, { recursive: true });
  const gz = (b: Uint8Array) => gzipSync(b, { level: 9 });
  await writeFile(idxFile(DEMO_ITEMS_DIR, DEMO_GENERATOR.split, 'images'), gz(encodeIdx([images.count, images.rows, images.cols], pixels)));
  await writeFile(idxFile(DEMO_ITEMS_DIR, DEMO_GENERATOR.split, 'labels'), gz(encodeIdx([labels.length], labels)));
  return keep.size;
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--count');
  const count = i >= 0 ? Number(process.argv[i + 1]) : 60;
  const kept = await writeDemoItems(count);
  console.log(`wrote the ${kept} Fashion-MNIST items of ${count} demo scenes to ${DEMO_ITEMS_DIR}`);
  if (process.argv.includes('--items-only')) return;
  const out = path.join(ROOT, 'demo', 'dataset');
  await rm(out, { recursive: true, force: true });
  for (const d of ['JPEGImages', 'Annotations', 'SegmentationClass', 'ImageSets/Segmentation']) {
    await mkdir(path.join(out, d), { recursive: true });
  }
  const gen = await createSceneGenerator(DEMO_GENERATOR);
  const palette = vocPalette();
  const stems: string[] = [];
  for (let k = 0; k < count; k++) {
    const scene = gen.sceneAt(k);
    const stem = sceneStem(k);
    stems.push(stem);
    const S = scene.size;
    // 4:4:4 keeps the items' colour edges where the exact masks put them
    const jpeg = await sharp(Buffer.from(scene.rgb), { raw: { width: S, height: S, channels: 3 } })
      .jpeg({ quality: DEMO_JPEG_QUALITY, chromaSubsampling: '4:4:4' }).toBuffer();
    await writeFile(path.join(out, 'JPEGImages', `${stem}.jpg`), jpeg);
    await writeFile(path.join(out, 'SegmentationClass', `${stem}.png`), encodeLabelPng(scene.labelMap, S, S, palette));
    await writeFile(path.join(out, 'Annotations', `${stem}.xml`), annotationXml(scene, stem));
  }
  const nTrain = Math.round(count * 0.8);
  await writeFile(path.join(out, 'ImageSets/Segmentation/train.txt'), stems.slice(0, nTrain).join('\n') + '\n');
  await writeFile(path.join(out, 'ImageSets/Segmentation/val.txt'), stems.slice(nTrain).join('\n') + '\n');
  await writeFile(path.join(out, 'classes.txt'), ['background', ...FASHION_CLASSES].join('\n') + '\n');
  console.log(`wrote ${count} scenes to ${out}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
