// The jobs vocabulary: what a generation job is (its frozen parameters), what it reports
// while it runs (the contract's JobProgress) and what it leaves behind. Plain serialisable
// data, so the services can pass it over IPC / WebSocket unchanged.
import type { RefineSettings } from '../masks/refine/index.ts';
import type { ReviewStatus, Split } from '../contract/api.ts';
import type { JobProgress } from '../contract/jobs.ts';
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
  /** the refinement chain between the CAMs and the labels; null: raw CAMs (jobs made before the chain existed read as null) */
  refine: RefineSettings | null;
  /** null: one scale, no flip (default) */
  multiScale: MultiScale | null;
  selection: Selection;
  /** present (true) when the masks go in as versions only, never current (absent in every other job, so their parameters keep matching) */
  keepCurrent?: true;
}

/** A re-thresholding job: masks rebuilt from a finished job's stored CAMs. */
export interface RethresholdParams {
  sourceJob: number;
  modelHash: string;
  /** the cams table's method key (method plus the multi-scale variant) */
  camMethod: string;
  layer: string;
  mask: MaskSettings;
  refine: RefineSettings | null;
}

export type { JobError, JobKind, JobProgress, JobState } from '../contract/jobs.ts';

/** What a run of a job leaves behind: its last progress record, and more. */
export type JobSummary = JobProgress & {
  /** true when the job existed and this run continued it */
  resumed: boolean;
  seconds: number;
};
