// The jobs vocabulary: what a generation job is (its frozen parameters), what it reports
// while it runs, and what it leaves behind. Plain serialisable data, so the services can
// pass it over IPC / WebSocket unchanged.
import type { ReviewStatus, Split } from '../contract/api.ts';
import type { CamMethod } from '../engine/index.ts';
import type { MaskSettings } from '../masks/cam-mask.ts';

/** Which classes of an image get a CAM. */
export type ClassSource =
  /** the image's tags (default) */
  | { kind: 'tags' }
  /** the model's outputs whose probability is ≥ minProbability (tags ignored) */
  | { kind: 'predicted'; minProbability: number };

/** Which images a job covers; frozen (as image ids) when the job is created. */
export type Selection =
  | { kind: 'all' }
  | { kind: 'without-mask' }
  | { kind: 'filter'; status?: ReviewStatus; classIndex?: number; search?: string; split?: Exclude<Split, null>; imageIds?: number[] }
  /** exactly these images (a grid selection); every id must exist */
  | { kind: 'ids'; ids: number[] };

/** the most images an 'ids' selection may name */
export const MAX_SELECTION_IDS = 100_000;

/** Multi-scale / flip inference (the WSSS standard): maps resized to the scale-1 grid and summed. */
export interface MultiScale {
  scales: number[];
  flip: boolean;
}

export const DEFAULT_MULTI_SCALE: Readonly<MultiScale> = Object.freeze({ scales: [0.5, 1, 1.5, 2], flip: true });

/** A generation job's frozen parameters (stored canonical in jobs.params). */
export interface GenerationParams {
  modelId: number;
  modelHash: string;
  method: CamMethod;
  layer: string;
  classes: ClassSource;
  mask: MaskSettings;
  /** null: one scale, no flip (default) */
  multiScale: MultiScale | null;
  selection: Selection;
}

/** A re-thresholding job: masks rebuilt from a finished job's stored CAMs. */
export interface RethresholdParams {
  sourceJob: number;
  modelHash: string;
  /** the cams table's method key (method plus the multi-scale variant) */
  camKey: string;
  layer: string;
  mask: MaskSettings;
}

export type JobKind = 'generate' | 'rethreshold';

export interface JobError {
  imageId: number;
  name: string;
  message: string;
}

export type JobState = 'starting' | 'running' | 'done' | 'cancelled' | 'failed' | 'paused';

/** One progress event (emitted after every image; the CLI and UI throttle). */
export interface JobProgress {
  jobId: number;
  kind: JobKind;
  state: JobState;
  /** images of this run's scope (the job, or its shard slice) */
  total: number;
  /** done in this scope, including earlier runs of the job */
  done: number;
  failed: number;
  /** images finished by this run (done or failed) */
  processed: number;
  /** this run's throughput over its last images */
  imagesPerSec: number;
  /** seconds until the scope is finished at that rate; null before the first image */
  etaSec: number | null;
  /** failures of this run so far (the newest 100) */
  errors: JobError[];
  errorCount: number;
  /** the engine backend the workers use ('' before they are up) */
  backend: string;
  workers: number;
  /** set when state is 'failed' */
  message?: string;
}

export interface JobSummary {
  jobId: number;
  kind: JobKind;
  state: JobState;
  total: number;
  done: number;
  failed: number;
  /** images finished by this run */
  processed: number;
  /** true when the job existed and this run continued it */
  resumed: boolean;
  /** masks kept as non-current versions because a person edited/imported/approved the current one */
  keptHuman: number;
  errors: JobError[];
  seconds: number;
  backend: string;
  workers: number;
  message?: string;
}
