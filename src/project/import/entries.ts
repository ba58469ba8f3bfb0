// What a layout reader produces: the dataset as a list of files with tags, before any
// image is opened.
import type { Split } from '../../contract/api.ts';
import type { DatasetLayout } from '../types.ts';

export interface DatasetEntry {
  /** absolute path of the image file */
  file: string;
  /** path inside the dataset with '/', the image's display name */
  name: string;
  tags: string[];
  split: Split;
  /** VOC: Annotations/<stem>.xml, read while importing */
  annotationFile?: string;
  /** VOC: SegmentationClass/<stem>.png, imported as a ground-truth mask */
  maskFile?: string;
}

export interface DatasetPlan {
  layout: DatasetLayout;
  entries: DatasetEntry[];
  /**
   * The dataset's class list in label order (mask value k is classOrder[k-1]); created
   * in this order up front. Absent: classes are created as tags appear, and mask values
   * map to the project's classes by index.
   */
  classOrder?: string[];
  /** problems found while reading the dataset's lists (bad CSV rows, missing files) */
  errors: { file: string; message: string }[];
}

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff']);
