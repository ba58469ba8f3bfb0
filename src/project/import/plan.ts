// A dataset path → its plan (the list of files with tags, before any image is opened):
// the layout resolved (given or detected), then that layout's reader. Shared by the import
// and its dry run, so both see the same dataset.
import type { DatasetLayout } from '../types.ts';
import { planCsv } from './csv.ts';
import { resolveDataset, type ResolvedDataset } from './detect.ts';
import type { DatasetPlan } from './entries.ts';
import { planFolders } from './folders.ts';
import { planJson } from './json.ts';
import { planVoc } from './voc.ts';

export interface PlannedDataset {
  dataset: ResolvedDataset;
  plan: DatasetPlan;
}

export function planDataset(path: string, layout?: DatasetLayout, tagsFile?: string): PlannedDataset {
  const ds = resolveDataset(path, layout, tagsFile);
  const plan =
    ds.layout === 'voc' ? planVoc(ds.dir) : ds.layout === 'folders' ? planFolders(ds.dir) : ds.layout === 'csv' ? planCsv(ds.dir, ds.tagsFile!) : planJson(ds.dir, ds.tagsFile!);
  return { dataset: ds, plan };
}
