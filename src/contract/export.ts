// The contract of the Export dialog and the desktop menu's export: types and plain
// constants only, imported by api.ts into StudioApi/StudioEvents.

export const EXPORT_FORMAT_NAMES = ['voc', 'coco', 'yolo', 'cams'] as const;
export type ExportFormatName = (typeof EXPORT_FORMAT_NAMES)[number];

export interface ExportRequest {
  format: ExportFormatName;
  /** absolute output folder; created when missing */
  out: string;
  approvedOnly: boolean;
  /** null: the images' own splits; else a random train/val assignment */
  split: { val: number; seed: number } | null;
  /** allow writing into a folder that already holds files */
  overwrite: boolean;
  /** VOC, YOLO: also write the (upright) images beside the labels */
  copyImages: boolean;
  /** COCO, YOLO: class regions smaller than this many pixels are left out (0 = keep all) */
  minArea: number;
}

/** the minimum region the Export dialog proposes for COCO and YOLO (1-pixel specks are never objects) */
export const DEFAULT_EXPORT_MIN_AREA = 30;

/** Why an image is not in an export (ExportPlan, ExportSummary). */
export type LeftOutReason = 'rejected' | 'no-mask' | 'not-approved' | 'no-cams';

export interface LeftOut {
  reason: LeftOutReason;
  count: number;
  /** the first few images' names */
  examples: string[];
}

/** What an export with these settings would write, before it runs. */
export interface ExportPlan {
  format: ExportFormatName;
  /** images it writes */
  images: number;
  /** images it leaves out, by reason */
  leftOut: LeftOut[];
}

export interface ExportSummary {
  format: ExportFormatName;
  out: string;
  images: number;
  files: number;
  /** images that could not be written (an unreadable mask, a missing source image) */
  skipped: { image: string; reason: string }[];
  /** images not exported by the settings (rejected, no mask, not approved), by reason */
  leftOut: LeftOut[];
  seconds: number;
}

export interface ExportProgress {
  done: number;
  total: number;
  file?: string;
}

export interface ExportApi {
  /** a suggested output folder: <project>/exports/<format>-<date> */
  defaultExportFolder(format: ExportFormatName): Promise<string>;
  /** What exporting with these settings would write and leave out (the dialog shows it first). */
  exportPlan(req: Pick<ExportRequest, 'format' | 'approvedOnly'>): Promise<ExportPlan>;
  /**
   * Writes the labels into `req.out` (absolute; created when missing). Refused while another
   * export of the project runs, for a folder that holds files unless `overwrite`, and when
   * there is nothing to write (saying why).
   */
  exportProject(req: ExportRequest): Promise<ExportSummary>;
}

export interface ExportEvents {
  'export.progress': ExportProgress;
}
