// Import of existing masks as 'imported' mask versions: labels to correct (they become
// the current masks) or ground truth (kept beside the working masks, see
// ImportOptions.masks in src/project). Each file is checked on its own: a size mismatch, a
// class the project lacks, an image that is not in the project, an unreadable file —
// each is one error naming the file, and the import goes on with the rest.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StudioError } from '../../../contract/errors.ts';
import type { Project } from '../../project.ts';
import { planCocoImport } from './coco.ts';
import type { MaskImportPlan } from './plan.ts';
import { planVocImport } from './voc.ts';

export interface MaskImportOptions {
  format: 'voc' | 'coco';
  /** 'current' (default): the working masks; 'ground-truth': reference masks, not current */
  masks?: 'current' | 'ground-truth';
  onProgress?: (p: { done: number; total: number; file?: string }) => void;
}

export interface MaskImportReport {
  imported: number;
  errors: { file: string; message: string }[];
}

export async function importMasks(project: Project, src: string, opts: MaskImportOptions): Promise<MaskImportReport> {
  if (!existsSync(src)) throw new StudioError('NOT_FOUND', `${src}: not found`);
  let plan: MaskImportPlan;
  if (opts.format === 'voc') {
    if (!statSync(src).isDirectory()) throw new StudioError('BAD_REQUEST', `${src}: a VOC mask import needs a folder (SegmentationClass/ or a folder of PNGs)`);
    plan = planVocImport(project, src);
  } else if (opts.format === 'coco') {
    const file = statSync(src).isDirectory() ? join(src, 'annotations.json') : src;
    if (!existsSync(file)) throw new StudioError('NOT_FOUND', `${src}: no annotations.json in this folder`);
    plan = planCocoImport(project, file);
  } else {
    throw new StudioError('BAD_REQUEST', `import-masks: unknown format '${String(opts.format)}' (expected voc or coco)`);
  }
  const report: MaskImportReport = { imported: 0, errors: [] };
  const total = plan.items.length;
  for (let k = 0; k < total; k++) {
    const it = plan.items[k];
    opts.onProgress?.({ done: k, total, file: it.file });
    if ('error' in it) {
      report.errors.push({ file: it.file, message: it.error });
      continue;
    }
    try {
      const img = project.getImage(it.imageId);
      project.maskWrites.imported(it.imageId, { labels: it.build(), width: img.width, height: img.height }, { groundTruth: opts.masks === 'ground-truth' });
      report.imported++;
    } catch (err) {
      report.errors.push({ file: it.file, message: (err as Error).message });
    }
    // let progress events and other work through on long imports
    if (k % 256 === 255) await new Promise((r) => setImmediate(r));
  }
  opts.onProgress?.({ done: total, total });
  return report;
}
