// The import's dry run: what importing a dataset would do, found without writing anything —
// the layout, the images with their classes and splits, ground-truth masks, images the
// project already holds, and the first problems (unreadable files from a sample of image
// headers, annotations that don't parse, tags that are no valid class name or that the
// active model has no output for, the same picture in two class folders). All reads are
// asynchronous, so a 10 000-image dry run never blocks the studio's server.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { DatasetDryRun, DatasetLayout, DatasetProblem } from '../../contract/projects.ts';
import { storedPath } from '../paths.ts';
import { checkName } from '../user-names.ts';
import { resolveDataset, possibleLayouts } from './detect.ts';
import { mapLimit } from './map-limit.ts';
import { planDataset } from './plan.ts';
import { probeImage } from './probe.ts';
import { readImageFile } from '../../fs/image-file.ts';
import { readAnnotationTags } from './voc.ts';

/** the problems a dry run lists (the count says how many there are in all) */
export const MAX_LISTED_PROBLEMS = 50;
/** image headers read at most: enough to catch a folder of broken files, cheap on any dataset */
export const MAX_HEADER_CHECKS = 200;
const CONCURRENCY = 8;

/** What the dry run needs to know of the project it would import into. */
export interface DryRunTarget {
  dir: string;
  classNames: readonly string[];
  /** an image with this stored path is in the project */
  hasPath(stored: string): boolean;
  /** the active model's classes, with its name for the messages; null without a model */
  model: { name: string; classes: readonly string[] } | null;
}

export async function dryRunImport(t: DryRunTarget, path: string, layout?: DatasetLayout): Promise<DatasetDryRun> {
  let detected: DatasetLayout | null = null;
  try {
    detected = resolveDataset(path).layout;
  } catch {
    // an undetectable folder can still be read with a layout the user names
  }
  const { dataset, plan } = planDataset(path, layout);
  const problems: DatasetProblem[] = [...plan.errors];
  let problemCount = plan.errors.length;
  const note = (file: string, message: string) => {
    problemCount++;
    if (problems.length < MAX_LISTED_PROBLEMS) problems.push({ file, message });
  };

  // VOC tags live in the annotation files: read them as the import will
  const tagsOf = await mapLimit(plan.entries, CONCURRENCY, async (e) => {
    if (!e.annotationFile) return e.tags;
    try {
      return [...new Set([...e.tags, ...readAnnotationTags(e.annotationFile, await readFile(e.annotationFile, 'utf8'))])];
    } catch (err) {
      note(e.annotationFile, `${firstLine(err).replace(`${e.annotationFile}: `, '')} (the image is imported untagged)`);
      return e.tags;
    }
  });

  const counts = new Map<string, number>();
  const modelClasses = t.model ? new Set(t.model.classes) : null;
  const order = plan.classOrder ? new Set(plan.classOrder) : null;
  const reported = new Set<string>();
  let untagged = 0;
  plan.entries.forEach((e, i) => {
    const tags = tagsOf[i];
    if (tags.length === 0) untagged++;
    for (const raw of tags) {
      let tag: string;
      try {
        tag = checkName('class', raw);
      } catch (err) {
        note(e.file, `${(err as Error).message}; image not imported`);
        continue;
      }
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
      if (reported.has(tag)) continue;
      if (order && !order.has(tag)) {
        reported.add(tag);
        note(e.annotationFile ?? e.file, `tag '${tag}' names no class of the dataset's class list; it becomes a new class`);
      } else if (modelClasses && !modelClasses.has(tag)) {
        reported.add(tag);
        note(e.file, `tag '${tag}' names no class of the model ${t.model!.name}: no mask can be generated for it`);
      }
    }
  });

  const splits = { train: 0, val: 0, test: 0, none: 0 };
  let masks = 0;
  let alreadyInProject = 0;
  for (const e of plan.entries) {
    splits[e.split ?? 'none']++;
    if (e.maskFile) masks++;
    if (t.hasPath(storedPath(t.dir, e.file))) alreadyInProject++;
  }

  // unreadable images: headers of an evenly spread sample
  const step = Math.max(1, plan.entries.length / MAX_HEADER_CHECKS);
  const sample = Array.from({ length: Math.min(plan.entries.length, MAX_HEADER_CHECKS) }, (_, k) => plan.entries[Math.floor(k * step)]);
  await mapLimit(sample, CONCURRENCY, async (e) => {
    try {
      await probeImage(e.file, await readImageFile(e.file), false);
    } catch (err) {
      note(e.file, `not a readable image (${firstLine(err)}); skipped by the import`);
    }
  });

  if (plan.layout === 'folders') for (const d of await sameImageInTwoFolders(plan.entries.map((e) => ({ file: e.file, name: e.name })))) note(d.file, d.message);

  const known = new Set(t.classNames);
  const classes = [...counts].map(([name, images]) => ({ name, images, inProject: known.has(name) })).sort((a, b) => b.images - a.images || (a.name < b.name ? -1 : 1));
  return {
    dir: dataset.dir,
    layout: plan.layout,
    detected,
    layouts: possibleLayouts(path),
    tagsFile: dataset.tagsFile ?? null,
    images: plan.entries.length,
    untagged,
    classes,
    splits,
    masks,
    alreadyInProject,
    problems,
    problemCount,
    headersChecked: sample.length,
  };
}

/**
 * One folder per class gives a picture with two classes twice (cat/x.jpg, dog/x.jpg): the
 * import keeps them as two images with one tag each. Same file name and size = the same picture.
 */
async function sameImageInTwoFolders(entries: { file: string; name: string }[]): Promise<DatasetProblem[]> {
  const sizes = await mapLimit(entries, CONCURRENCY, async (e) => (await stat(e.file).catch(() => null))?.size ?? -1);
  const seen = new Map<string, string>();
  const out: DatasetProblem[] = [];
  entries.forEach((e, i) => {
    if (sizes[i] < 0) return;
    const key = `${basename(e.file)}\0${sizes[i]}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, e.name);
    else out.push({ file: e.file, message: `probably the same image as ${first} (same name and size): it is imported as a second image; list both tags in one CSV row to keep one` });
  });
  return out;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0];
}
