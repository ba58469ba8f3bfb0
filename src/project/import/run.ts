// The import pipeline: a layout reader lists the dataset; images are then hashed
// (streamed), probed and thumbnailed a few at a time, and written in batches, one
// transaction per batch (an image, its tags and its mask always land together).
// Memory stays bounded by the batch, whatever the dataset's size.
import { readFile } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { StudioError } from '../../contract/errors.ts';
import { decodeLabelPng } from '../png.ts';
import { readImageFile } from '../../fs/image-file.ts';
import { hashBytes } from '../hash.ts';
import { storedPath } from '../paths.ts';
import type { ClassesRepo } from '../repos/classes.ts';
import type { ImagesRepo } from '../repos/images.ts';
import type { MaskWrites } from '../mask-writes.ts';
import { writeTransaction } from '../transaction.ts';
import { writeThumbnail } from '../thumbnails.ts';
import { checkName } from '../user-names.ts';
import type { ImportOptions, ImportReport } from '../types.ts';
import type { DatasetEntry } from './entries.ts';
import { mapLimit } from './map-limit.ts';
import { planDataset } from './plan.ts';
import { probeImage, type ImageProbe } from './probe.ts';
import { readAnnotationTags, vocOrderFor } from './voc.ts';

export interface ImportTarget {
  dir: string;
  db: Database.Database;
  images: ImagesRepo;
  classes: ClassesRepo;
  maskWrites: MaskWrites;
  now(): string;
}

const BATCH = 64;
const CONCURRENCY = 4;

interface Prepared {
  entry: DatasetEntry;
  stored: string;
  hash: string;
  size: number;
  probe: ImageProbe;
  tags: string[];
  /** dataset-space label map (values: dataset class positions, 0 bg, 255 ignore) */
  mask?: { labels: Uint8Array; file: string };
}

type Outcome = { kind: 'ready'; p: Prepared } | { kind: 'known'; id: number; tags: string[] } | { kind: 'failed' };

export async function importDataset(t: ImportTarget, dataset: string, opts: ImportOptions = {}): Promise<ImportReport> {
  const { plan } = planDataset(dataset, opts.layout, opts.tagsFile);
  const report: ImportReport = { layout: plan.layout, added: 0, skipped: 0, errors: [...plan.errors], newClasses: [], masks: 0, cancelled: false };
  const withThumbs = opts.thumbnails ?? true;
  const total = plan.entries.length;
  let done = 0;
  opts.onProgress?.({ done, total });

  let classOrder = plan.classOrder;
  if (classOrder) {
    const order = classOrder;
    writeTransaction(t.db, () => report.newClasses.push(...t.classes.ensure(order).created));
  }

  for (let start = 0; start < total; start += BATCH) {
    // between batches only: a batch's images, tags and masks land together or not at all
    if (opts.signal?.aborted) {
      report.cancelled = true;
      break;
    }
    const batch = plan.entries.slice(start, start + BATCH);
    const outcomes = await mapLimit(batch, CONCURRENCY, async (entry) => {
      const o = await prepare(t, entry, withThumbs, report);
      done++;
      opts.onProgress?.({ done, total, file: entry.file });
      return o;
    });
    // VOC without classes.txt: the standard VOC order when the names allow it, decided
    // on the first batch that carries masks (masks need an order to map their values).
    if (plan.layout === 'voc' && !classOrder && outcomes.some((o) => o.kind === 'ready' && o.p.mask)) {
      const names = outcomes.flatMap((o) => (o.kind === 'ready' ? o.p.tags : []));
      classOrder = vocOrderFor(names);
      if (classOrder) {
        const order = classOrder;
        writeTransaction(t.db, () => report.newClasses.push(...t.classes.ensure(order).created));
      }
    }
    const thumbs: [number, Buffer][] = [];
    writeTransaction(t.db, () => {
      for (const o of outcomes) {
        if (o.kind === 'failed') continue;
        if (o.kind === 'known') {
          // already imported: nothing is added twice, but tags new to this list are merged
          t.images.addTags(o.id, ensureClasses(t, o.tags, report));
          report.skipped++;
          continue;
        }
        const { p } = o;
        // the same file may be listed twice in one CSV
        if (t.images.byPath(p.stored) || t.images.byNameHash(p.entry.name, p.hash)) {
          report.skipped++;
          continue;
        }
        const id = t.images.insert(
          {
            name: p.entry.name,
            path: p.stored,
            hash: p.hash,
            size: p.size,
            width: p.probe.width,
            height: p.probe.height,
            orientation: p.probe.orientation,
            format: p.probe.format,
            split: p.entry.split,
          },
          t.now(),
        );
        t.images.addTags(id, ensureClasses(t, p.tags, report));
        if (p.mask) {
          const labels = mapMask(t, p.mask, classOrder, report);
          if (labels) {
            // a dataset's own masks are its ground truth; 'current' also makes them the working masks
            t.maskWrites.imported(id, { labels, width: p.probe.width, height: p.probe.height }, { groundTruth: true, current: (opts.masks ?? 'current') === 'current' });
            report.masks++;
          }
        }
        report.added++;
        if (p.probe.thumbnail) thumbs.push([id, p.probe.thumbnail]);
      }
    });
    // after the commit: a thumbnail is a cache, regenerated when missing
    for (const [id, bytes] of thumbs) {
      try {
        writeThumbnail(t.dir, id, bytes);
      } catch (err) {
        throw new StudioError('IO_ERROR', `${t.dir}: cannot write thumbnails (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
      }
    }
  }
  return report;
}

async function prepare(t: ImportTarget, entry: DatasetEntry, withThumbs: boolean, report: ImportReport): Promise<Outcome> {
  const fail = (file: string, message: string): Outcome => {
    report.errors.push({ file, message });
    return { kind: 'failed' };
  };
  let tags = entry.tags;
  const cleanTags = (): string | null => {
    try {
      tags = tags.map((tag) => checkName('class', tag));
      return null;
    } catch (err) {
      return `${(err as Error).message}; image not imported`;
    }
  };
  if (entry.annotationFile) {
    try {
      tags = [...new Set([...tags, ...readAnnotationTags(entry.annotationFile, await readFile(entry.annotationFile, 'utf8'))])];
    } catch (err) {
      // the image is still imported, untagged; the bad annotation is reported
      report.errors.push({ file: entry.annotationFile, message: (err as Error).message.replace(`${entry.annotationFile}: `, '') });
    }
  }
  const badTag = cleanTags();
  if (badTag) return fail(entry.file, badTag);
  const stored = storedPath(t.dir, entry.file);
  const byPath = t.images.byPath(stored);
  if (byPath) return { kind: 'known', id: byPath.id, tags };
  // read once, under the image-file rule: the bytes hashed are the bytes probed
  let bytes: Buffer;
  try {
    bytes = await readImageFile(entry.file);
  } catch (err) {
    return fail(entry.file, firstLine(err).replace(`${entry.file}: `, ''));
  }
  const hashed = { hash: hashBytes(bytes), size: bytes.length };
  const same = t.images.byNameHash(entry.name, hashed.hash);
  if (same) return { kind: 'known', id: same.id, tags };
  let probe: ImageProbe;
  try {
    probe = await probeImage(entry.file, bytes, withThumbs);
  } catch (err) {
    const msg = firstLine(err);
    return fail(entry.file, err instanceof StudioError ? msg.replace(`${entry.file}: `, '') : `not a readable image (${msg})`);
  }
  const p: Prepared = { entry, stored, ...hashed, probe, tags };
  if (entry.maskFile) {
    try {
      const m = decodeLabelPng(await readImageFile(entry.maskFile), entry.maskFile);
      if (m.width !== probe.width || m.height !== probe.height) {
        throw new Error(`mask is ${m.width}x${m.height} but its image is ${probe.width}x${probe.height}`);
      }
      p.mask = { labels: m.labels, file: entry.maskFile };
    } catch (err) {
      report.errors.push({ file: entry.maskFile, message: firstLine(err).replace(`${entry.maskFile}: `, '') });
    }
  }
  return { kind: 'ready', p };
}

function ensureClasses(t: ImportTarget, names: string[], report: ImportReport): number[] {
  const { indices, created } = t.classes.ensure(names);
  report.newClasses.push(...created);
  return [...indices.values()];
}

/**
 * Dataset label values → project class indices: value k is classOrder[k-1] when the
 * dataset has an order, else project class k. 0 and 255 stay. A value with no class
 * rejects the mask (reported), never a silent relabel.
 */
function mapMask(t: ImportTarget, mask: { labels: Uint8Array; file: string }, order: string[] | undefined, report: ImportReport): Uint8Array | null {
  const lut = new Int16Array(256).fill(-1);
  lut[0] = 0;
  lut[255] = 255;
  const present = new Set<number>(mask.labels);
  for (const v of present) {
    if (v === 0 || v === 255) continue;
    const idx = order ? (order[v - 1] !== undefined ? t.classes.indexOf(order[v - 1]) : undefined) : t.classes.list().some((c) => c.index === v) ? v : undefined;
    if (idx === undefined) {
      report.errors.push({ file: mask.file, message: `label value ${v} has no class (${order ? `the class list has ${order.length}` : 'no classes.txt and no project class with that index'}); mask not imported` });
      return null;
    }
    lut[v] = idx;
  }
  const out = new Uint8Array(mask.labels.length);
  for (let i = 0; i < out.length; i++) out[i] = lut[mask.labels[i]];
  return out;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
