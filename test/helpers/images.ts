// Real image fixtures for tests and benchmarks: JPEG/PNG files written by sharp, VOC-style
// dataset folders, and broken files. Every helper writes to a path the caller owns.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { encodeLabelPng } from '../../src/project/png.ts';
import { vocPalette } from '../../src/masks/palette.ts';

export interface ImageSpec {
  width: number;
  height: number;
  /** varies the pixels so different files hash differently */
  seed?: number;
  /** EXIF orientation tag 1..8 to store (pixels are written as given) */
  orientation?: number;
}

/** A temp folder removed by the returned cleanup. */
export function tempDir(prefix = 'studio-test-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** RGB pixels: a gradient shifted by `seed`, so content (and hash) differs per seed. */
export function rgbPixels(width: number, height: number, seed = 0): Buffer {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      px[o] = (x * 4 + seed * 37) & 0xff;
      px[o + 1] = (y * 4 + seed * 11) & 0xff;
      px[o + 2] = (seed * 97 + x + y) & 0xff;
    }
  }
  return px;
}

function image(spec: ImageSpec): Sharp {
  const img = sharp(rgbPixels(spec.width, spec.height, spec.seed ?? 0), {
    raw: { width: spec.width, height: spec.height, channels: 3 },
  });
  return spec.orientation ? img.withMetadata({ orientation: spec.orientation }) : img;
}

export async function jpegBytes(spec: ImageSpec): Promise<Buffer> {
  return image(spec).jpeg({ quality: 80 }).toBuffer();
}

export async function writeJpeg(file: string, spec: ImageSpec): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, await jpegBytes(spec));
}

/** The smallest tag-list dataset: 6×6 JPEGs a.jpg (seed 1) and b.jpg (seed 2) in `dir`, and the list `list` holding `text`. */
export async function writeTwoImageDataset(dir: string, list: string, text: string): Promise<void> {
  await writeJpeg(join(dir, 'a.jpg'), { width: 6, height: 6, seed: 1 });
  await writeJpeg(join(dir, 'b.jpg'), { width: 6, height: 6, seed: 2 });
  writeFileSync(join(dir, list), text);
}

export async function writePng(file: string, spec: ImageSpec): Promise<void> {
  mkdirSync(dirname(file), { recursive: true });
  await image(spec).png().toFile(file);
}

/** Bytes that carry a .jpg name but are no image at all. */
export function writeGarbage(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from('this is not a JPEG, just text pretending to be one\n'));
}

/** A real JPEG cut in half: its header reads fine, its pixels do not. */
export async function writeTruncatedJpeg(file: string, spec: ImageSpec): Promise<void> {
  const bytes = await jpegBytes(spec);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

export interface VocItem {
  stem: string;
  width: number;
  height: number;
  seed?: number;
  /** object names in the annotation XML */
  objects: string[];
  split?: 'train' | 'val';
  /** a label map (VOC palette indices) written as SegmentationClass/<stem>.png */
  mask?: Uint8Array;
}

/** A PASCAL-VOC-style folder: JPEGImages, Annotations, ImageSets, SegmentationClass. */
export async function writeVocDataset(dir: string, items: VocItem[], opts: { classesTxt?: string[] } = {}): Promise<void> {
  for (const sub of ['JPEGImages', 'Annotations', 'ImageSets/Main', 'ImageSets/Segmentation', 'SegmentationClass']) {
    mkdirSync(join(dir, sub), { recursive: true });
  }
  const splits: Record<string, string[]> = { train: [], val: [] };
  const segSplits: Record<string, string[]> = { train: [], val: [] };
  for (const it of items) {
    await writeJpeg(join(dir, 'JPEGImages', `${it.stem}.jpg`), { width: it.width, height: it.height, seed: it.seed });
    writeFileSync(join(dir, 'Annotations', `${it.stem}.xml`), vocXml(it));
    if (it.split) splits[it.split].push(it.stem);
    if (it.mask) {
      writeFileSync(join(dir, 'SegmentationClass', `${it.stem}.png`), encodeLabelPng(it.mask, it.width, it.height, vocPalette()));
      if (it.split) segSplits[it.split].push(it.stem);
    }
  }
  for (const s of ['train', 'val']) {
    writeFileSync(join(dir, 'ImageSets/Main', `${s}.txt`), splits[s].map((l) => `${l}\n`).join(''));
    writeFileSync(join(dir, 'ImageSets/Segmentation', `${s}.txt`), segSplits[s].map((l) => `${l}\n`).join(''));
  }
  if (opts.classesTxt) writeFileSync(join(dir, 'classes.txt'), opts.classesTxt.join('\n') + '\n');
}

export function vocXml(it: Pick<VocItem, 'stem' | 'width' | 'height' | 'objects'>): string {
  const objects = it.objects
    .map((name) => `  <object>\n    <name>${name}</name>\n    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>\n  </object>\n`)
    .join('');
  return `<annotation>\n  <filename>${it.stem}.jpg</filename>\n  <size><width>${it.width}</width><height>${it.height}</height><depth>3</depth></size>\n${objects}</annotation>\n`;
}

/** A label map filled with `value`, with a `fg` rectangle in the top-left quarter. */
export function labelMap(width: number, height: number, fg: number, bg = 0): Uint8Array {
  const m = new Uint8Array(width * height).fill(bg);
  for (let y = 0; y < height >> 1; y++) for (let x = 0; x < width >> 1; x++) m[y * width + x] = fg;
  return m;
}

export function readBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** A JPEG made unique by a COM segment after SOI: same pixels, another content hash (the store deduplicates by hash). */
export function uniqueJpeg(base: Buffer, i: number): Buffer {
  const text = Buffer.from(`copy ${i}`);
  const com = Buffer.alloc(4);
  com.writeUInt16BE(0xfffe, 0);
  com.writeUInt16BE(text.length + 2, 2);
  return Buffer.concat([base.subarray(0, 2), com, text, base.subarray(2)]);
}
