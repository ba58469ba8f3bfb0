// What an export takes and reports.
import type { Split } from '../contract/api.ts';
import { EXPORT_FORMAT_NAMES, type ExportFormatName, type LeftOut } from '../contract/export.ts';

export type ExportFormat = ExportFormatName;
export const EXPORT_FORMATS: readonly ExportFormat[] = EXPORT_FORMAT_NAMES;

export interface ExportProgress {
  done: number;
  total: number;
  file?: string;
}

export interface ExportOptions {
  format: ExportFormat;
  /** output folder, absolute (created when missing) */
  out: string;
  /** a folder that holds files: replace the entries this export writes (default: refuse it) */
  overwrite?: boolean;
  /** only images whose review status is 'approved' (default: every image with a mask, except 'rejected') */
  approvedOnly?: boolean;
  /** random train/val assignment instead of the images' own splits */
  split?: { val: number; seed: number };
  onProgress?: (p: ExportProgress) => void;
  /** VOC/YOLO: also write the (upright) images (VOC: JPEGImages/, YOLO: images/<split>/) */
  copyImages?: boolean;
  /** VOC: colours in the PNG palette: the VOC colour map (default) or the project's class colours */
  palette?: 'voc' | 'project';
  /** COCO: one annotation per connected region (default) or one per class */
  cocoAnnotations?: 'region' | 'class';
  /** COCO, YOLO: regions smaller than this many pixels are left out (default: COCO 0 = keep all, YOLO 4) */
  minArea?: number;
  /** CAMs: 'feature' (as stored, default) or 'image' (bilinear to the image size) */
  camResolution?: 'feature' | 'image';
  /** CAMs: only maps from this model / method / layer (default: the current mask's, else the newest) */
  cam?: { modelHash?: string; method?: string; layer?: string };
}

export interface ExportReport {
  format: ExportFormat;
  out: string;
  /** images written */
  images: number;
  /** files written */
  files: number;
  /** images left out, with why (unreadable mask, missing source image, no CAMs…) */
  skipped: { image: string; reason: string }[];
  /** images not exported by the settings (rejected, no mask, not approved, no CAMs), by reason */
  leftOut: LeftOut[];
}

/** One image on its way out. */
export interface ExportItem {
  id: number;
  /** the image's name inside its dataset ('/' separated) */
  name: string;
  width: number;
  height: number;
  /** file-name stem in the export, safe and unique */
  stem: string;
  split: Exclude<Split, null>;
}
