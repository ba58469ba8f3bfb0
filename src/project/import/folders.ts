// One folder per class: <dataset>/<class>/**/<image>. Images directly in the dataset
// folder are imported untagged.
import { join } from 'node:path';
import { datasetName } from '../paths.ts';
import type { DatasetPlan } from './entries.ts';
import { imagesIn, imagesUnder, subdirs } from './scan.ts';

export function planFolders(dir: string): DatasetPlan {
  const errors: DatasetPlan['errors'] = [];
  const entries = imagesIn(dir, errors).map((file) => ({ file, name: datasetName(dir, file), tags: [] as string[], split: null }));
  for (const cls of subdirs(dir, errors)) {
    for (const file of imagesUnder(join(dir, cls), errors)) entries.push({ file, name: datasetName(dir, file), tags: [cls], split: null });
  }
  return { layout: 'folders', entries, errors };
}
