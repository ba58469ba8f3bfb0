// PASCAL-VOC-style folder: JPEGImages/ (images), Annotations/<stem>.xml (object names →
// tags), ImageSets/{Segmentation,Main}/<split>.txt (split), SegmentationClass/<stem>.png
// (ground-truth masks), optional classes.txt (the label order).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { Split } from '../../contract/api.ts';
import { StudioError } from '../../contract/errors.ts';
import { VOC_CLASSES } from '../../masks/palette.ts';
import { datasetName } from '../paths.ts';
import type { DatasetEntry, DatasetPlan } from './entries.ts';
import { imagesIn } from './scan.ts';

const SPLITS: readonly Exclude<Split, null>[] = ['train', 'val', 'test'];
const xml = new XMLParser({ isArray: (name, jpath) => jpath === 'annotation.object' || name === 'object' });

export function planVoc(dir: string): DatasetPlan {
  const imagesDir = join(dir, 'JPEGImages');
  if (!existsSync(imagesDir)) throw new StudioError('BAD_REQUEST', `${dir}: not a VOC folder (no JPEGImages/)`);
  const splits = readSplits(dir);
  const errors: DatasetPlan['errors'] = [];
  // one listing per folder, not a lookup per image: planning 10 000 images stays a few reads
  const annotations = namesIn(join(dir, 'Annotations'));
  const masks = namesIn(join(dir, 'SegmentationClass'));
  const entries: DatasetEntry[] = imagesIn(imagesDir, errors).map((file) => {
    const stem = basename(file, extname(file));
    return {
      file,
      name: datasetName(dir, file),
      tags: [],
      split: splits.get(stem) ?? null,
      annotationFile: annotations.has(`${stem}.xml`) ? join(dir, 'Annotations', `${stem}.xml`) : undefined,
      maskFile: masks.has(`${stem}.png`) ? join(dir, 'SegmentationClass', `${stem}.png`) : undefined,
    };
  });
  return { layout: 'voc', entries, classOrder: readClassList(dir), errors };
}

/** The names of the files in `dir` (none when it is missing). */
function namesIn(dir: string): Set<string> {
  try {
    return new Set(readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? [] : [e.name])));
  } catch {
    return new Set();
  }
}

/** Segmentation lists win over Main lists; the first split naming a stem wins. */
function readSplits(dir: string): Map<string, Split> {
  const out = new Map<string, Split>();
  for (const set of ['Segmentation', 'Main']) {
    for (const split of SPLITS) {
      const file = join(dir, 'ImageSets', set, `${split}.txt`);
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split(/\r?\n/)) {
        // Main/<class>_train.txt lines are "stem  1"; plain lists are "stem"
        const stem = line.trim().split(/\s+/)[0];
        if (stem && !out.has(stem)) out.set(stem, split);
      }
    }
  }
  return out;
}

/**
 * classes.txt / labels.txt (one name a line, an optional leading 'background' dropped —
 * the format our export writes). Without one, the standard VOC order is used when every
 * annotated name is a VOC class (checked while importing).
 */
function readClassList(dir: string): string[] | undefined {
  for (const name of ['classes.txt', 'labels.txt']) {
    const file = join(dir, name);
    if (!existsSync(file)) continue;
    const lines = readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    if (lines.length && /^_*background_*$/i.test(lines[0])) lines.shift();
    return lines;
  }
  return undefined;
}

/** The standard VOC order when every name is a VOC class. */
export function vocOrderFor(names: Iterable<string>): string[] | undefined {
  for (const n of names) if (!VOC_CLASSES.includes(n)) return undefined;
  return [...VOC_CLASSES];
}

/** Object names (top-level objects only, not parts) from one annotation file. */
export function readAnnotationTags(file: string, text: string): string[] {
  let doc: unknown;
  try {
    doc = xml.parse(text, true);
  } catch (err) {
    throw new StudioError('BAD_REQUEST', `${file}: not valid XML (${(err as Error).message.split('\n')[0]})`);
  }
  const ann = (doc as { annotation?: { object?: { name?: unknown }[] } }).annotation;
  if (!ann || typeof ann !== 'object') throw new StudioError('BAD_REQUEST', `${file}: no <annotation> element`);
  const names = new Set<string>();
  for (const o of ann.object ?? []) {
    if (o && (typeof o.name === 'string' || typeof o.name === 'number')) {
      const n = String(o.name).trim();
      // entities are never expanded (no billion laughs): a reference left in a name is no class name
      const entity = /&(?:#\w+|[A-Za-z_:][\w.:-]*);/.exec(n);
      if (entity) throw new StudioError('BAD_REQUEST', `${file}: object name '${n}' holds the XML entity reference ${entity[0]}, which is not expanded (DOCTYPE entities are not read); write the class name itself`);
      if (n) names.add(n);
    }
  }
  return [...names];
}
