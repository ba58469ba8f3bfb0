// Types the Project API exposes beyond the renderer contract (src/contract/api.ts).
import type { RefineSettings, StepRecord } from '../masks/refine/index.ts';
import type { DatasetLayout, ReviewStatus, Split } from '../contract/core.ts';

export { DATASET_LAYOUTS, type DatasetLayout } from '../contract/core.ts';

export interface ImportProgress {
  done: number;
  total: number;
  file?: string;
}

export interface ImportOptions {
  /** detected from the folder when absent */
  layout?: DatasetLayout;
  /** the CSV/JSON tag list (csv/json layouts); default: tags.csv / labels.csv / tags.json / labels.json in the dataset */
  tagsFile?: string;
  onProgress?: (p: ImportProgress) => void;
  /** decode every image fully to validate it and write its thumbnail (default true) */
  thumbnails?: boolean;
  /**
   * What a dataset's own masks (VOC SegmentationClass/) become: 'current' (default) — the
   * working masks, to correct; 'ground-truth' — reference masks kept beside the working
   * ones (not current), so generation fills the working masks and the compare view and
   * quality checks score against the reference.
   */
  masks?: 'current' | 'ground-truth';
  /** stops before the next batch (the batches already stored stay) */
  signal?: AbortSignal;
}

export interface ImportReport {
  layout: DatasetLayout;
  added: number;
  /** already in the project (same path, or same name and content) */
  skipped: number;
  errors: { file: string; message: string }[];
  /** classes created by this import, in index order */
  newClasses: string[];
  /** ground-truth masks imported (VOC SegmentationClass) */
  masks: number;
  /** stopped by `signal` before the end */
  cancelled: boolean;
}

export interface RelinkReport {
  relinked: number;
  /** images still not found at their recorded place */
  missing: number;
}

export interface MaskProvenance {
  source: 'generated' | 'edited' | 'imported';
  method?: string;
  layer?: string;
  thresholds?: Record<string, number>;
  modelHash?: string;
  engineVersion?: string;
  jobId?: number;
  /** the refinement chain the mask was made with and what each step did (absent: raw CAMs) */
  refine?: { settings: RefineSettings; steps: StepRecord[] };
}

export interface MaskVersion {
  id: number;
  imageId: number;
  createdAt: string;
  width: number;
  height: number;
  provenance: MaskProvenance;
  current: boolean;
  frozen: boolean;
  /** a reference mask (a dataset's own labels): what scores and the compare view measure against */
  groundTruth: boolean;
}

/** What the store keeps about an image (internal: carries the path). */
export interface ImageRecord {
  id: number;
  name: string;
  path: string;
  hash: string;
  size: number;
  width: number;
  height: number;
  orientation: number;
  format: string;
  split: Split;
  status: ReviewStatus;
  addedAt: string;
}

/** An image as the import inserts it (the store assigns id, status and addedAt). */
export type NewImage = Omit<ImageRecord, 'id' | 'status' | 'addedAt'>;

export interface ModelRecord {
  id: number;
  file: string;
  format: 'tfjs-layers' | 'onnx';
  preprocessing: Record<string, unknown>;
  hash: string;
  /** model output k → project class index */
  classMap: number[];
  addedAt: string;
}

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface JobRecord {
  id: number;
  kind: string;
  params: Record<string, unknown>;
  status: JobStatus;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  /** set when the job's results were rolled back (migration 003) */
  rolledBackAt?: string | null;
}

export interface CamRecord {
  imageId: number;
  classIndex: number;
  modelHash: string;
  method: string;
  layer: string;
  h: number;
  w: number;
  /** h*w IEEE half floats, little-endian */
  data: Uint8Array;
}
