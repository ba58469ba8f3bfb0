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
}

export interface ExportSummary {
  format: ExportFormatName;
  out: string;
  images: number;
  files: number;
  skipped: { image: string; reason: string }[];
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
  /**
   * Writes the labels into `req.out` (absolute; created when missing). Refused while another
   * export of the project runs, and for a folder that holds files unless `overwrite`.
   */
  exportProject(req: ExportRequest): Promise<ExportSummary>;
}

export interface ExportEvents {
  'export.progress': ExportProgress;
}
