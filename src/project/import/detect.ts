// Which layout a dataset folder uses, when the user did not say.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { StudioError } from '../../contract/errors.ts';
import type { DatasetLayout } from '../types.ts';
import { imagesUnder, subdirs } from './scan.ts';

const TAG_LISTS = ['tags.csv', 'labels.csv', 'tags.json', 'labels.json'];

export interface ResolvedDataset {
  dir: string;
  layout: DatasetLayout;
  tagsFile?: string;
}

/**
 * `dataset` may be the folder or the CSV/JSON tag list itself (its folder is then the
 * dataset folder).
 */
export function resolveDataset(dataset: string, layout?: DatasetLayout, tagsFile?: string): ResolvedDataset {
  let st;
  try {
    st = statSync(dataset);
  } catch {
    throw new StudioError('NOT_FOUND', `${dataset}: no such dataset folder`);
  }
  if (st.isFile()) {
    const ext = extname(dataset).toLowerCase();
    if (ext !== '.csv' && ext !== '.json') throw new StudioError('BAD_REQUEST', `${dataset}: a dataset is a folder, or a .csv/.json tag list`);
    return resolveDataset(dirname(dataset), layout ?? (ext === '.json' ? 'json' : 'csv'), tagsFile ?? dataset);
  }
  if (tagsFile && !existsSync(tagsFile)) throw new StudioError('NOT_FOUND', `${tagsFile}: no such tag list`);
  if (layout === 'csv' || layout === 'json') {
    const file = tagsFile ?? findTagList(dataset, layout);
    if (!file) throw new StudioError('BAD_REQUEST', `${dataset}: no ${layout === 'csv' ? 'tags.csv' : 'tags.json'} here; pass --tags FILE`);
    return { dir: dataset, layout, tagsFile: file };
  }
  if (layout) return { dir: dataset, layout };
  if (tagsFile) return { dir: dataset, layout: extname(tagsFile).toLowerCase() === '.json' ? 'json' : 'csv', tagsFile };
  if (existsSync(join(dataset, 'JPEGImages'))) return { dir: dataset, layout: 'voc' };
  const list = findTagList(dataset);
  if (list) return { dir: dataset, layout: extname(list) === '.json' ? 'json' : 'csv', tagsFile: list };
  if (subdirs(dataset).some((d) => imagesUnder(join(dataset, d)).length > 0)) return { dir: dataset, layout: 'folders' };
  throw new StudioError(
    'BAD_REQUEST',
    `${dataset}: cannot tell the dataset layout (expected JPEGImages/ for VOC, a ${TAG_LISTS.join('/')} tag list, or one folder of images per class); pass --layout`,
  );
}

/** Every layout the path can be read as (the dry run offers them), in detection order. */
export function possibleLayouts(dataset: string): DatasetLayout[] {
  let st;
  try {
    st = statSync(dataset);
  } catch {
    return [];
  }
  if (st.isFile()) {
    const ext = extname(dataset).toLowerCase();
    return ext === '.csv' ? ['csv'] : ext === '.json' ? ['json'] : [];
  }
  const out: DatasetLayout[] = [];
  if (existsSync(join(dataset, 'JPEGImages'))) out.push('voc');
  if (findTagList(dataset, 'csv')) out.push('csv');
  if (findTagList(dataset, 'json')) out.push('json');
  if (subdirs(dataset).some((d) => imagesUnder(join(dataset, d)).length > 0)) out.push('folders');
  return out;
}

function findTagList(dir: string, layout?: 'csv' | 'json'): string | undefined {
  const names = TAG_LISTS.filter((n) => !layout || extname(n) === `.${layout}`);
  const hit = names.find((n) => existsSync(join(dir, n)));
  return hit && join(dir, basename(hit));
}
