// The contract of the studio's Generate panel: types and plain constants only, imported
// by api.ts into StudioApi/StudioEvents.
import type { ReviewStatus } from './core.ts';
import type { JobInfo, JobProgress, RollbackReport } from './jobs.ts';

export const CAM_METHOD_NAMES = ['rcam', 'gradcam', 'gradcampp', 'layercam', 'scorecam', 'clrp'] as const;
export type CamMethodName = (typeof CAM_METHOD_NAMES)[number];
/** the method a job, the preview and the editor's CAM layer use unless told otherwise */
export const DEFAULT_CAM_METHOD = 'rcam';
export const CAM_LAYER_NAMES = ['layer1', 'layer2', 'layer3', 'layer4'] as const;
export type CamLayerName = (typeof CAM_LAYER_NAMES)[number];
export const DEFAULT_CAM_LAYER = 'layer2';

/** The refinement chains between the CAMs and the labels (src/masks/refine/presets.ts has their values). */
export const REFINE_PRESET_NAMES = ['none', 'fast', 'best'] as const;
export type RefinePresetName = (typeof REFINE_PRESET_NAMES)[number];

export interface ResolvedLayer {
  name: string;
  tensor: string;
  shape: number[];
}

/** A classifier added to the project (the model dialog, or the CLI's `model add`). */
export interface ModelSummary {
  id: number;
  /** the model file's name (not a path the renderer may use) */
  name: string;
  format: 'onnx' | 'tfjs-layers';
  /** class names in output order */
  classNames: string[];
  /** the model's input size [h, w] */
  inputSize: [number, number];
  /** which tensor each of layer1..layer4 resolved to at registration, and its shape [h, w, c] (empty for models registered before this was recorded) */
  layers: ResolvedLayer[];
  addedAt: string;
  /** the model a generation uses when none is named (the latest added unless chosen) */
  active: boolean;
}

/** The mask settings a person can change in the Generate panel. */
export interface MaskThresholds {
  /** τ_bg on the normalised [0, 1] maps */
  bg: number;
  /** δ of the ignore band (0 = off) */
  ignoreBand: number;
  /** class regions smaller than this many pixels become ignore (0 = off) */
  minArea: number;
  fillHoles: boolean;
}

/** Which images a generation covers; frozen when the job starts. */
export type GenerationSelection =
  | { kind: 'all' }
  | { kind: 'without-mask' }
  | { kind: 'filter'; status?: ReviewStatus; classIndex?: number; search?: string }
  /** exactly these images (a grid selection): 1 to MAX_GENERATION_IDS ids, each in the project */
  | { kind: 'ids'; ids: number[] };

/** the most images an 'ids' generation selection may name */
export const MAX_GENERATION_IDS = 100_000;

export interface GenerationRequest {
  /** absent: the active model */
  modelId?: number;
  method: CamMethodName;
  layer: CamLayerName;
  mask: MaskThresholds;
  /** absent: the default chain (status.defaults.refine) */
  refine?: RefinePresetName;
  selection: GenerationSelection;
  /**
   * Store the new masks as versions only, never as the current mask (the compare view's
   * "generate this method": the CAMs are what it needs; the working mask stays).
   */
  keepCurrent?: boolean;
}

export interface PreviewRequest extends MaskThresholds {
  imageId: number;
  modelId?: number;
  method: CamMethodName;
  layer: CamLayerName;
  /** absent: the default chain; 'none': the raw CAMs' mask */
  refine?: RefinePresetName;
}

export interface GenerationStatus {
  /** the running job, else the last one started in this session, else null */
  job: JobProgress | null;
  running: boolean;
  /** the job defaults (the panel's initial values) */
  defaults: { method: CamMethodName; layer: CamLayerName; mask: MaskThresholds; refine: RefinePresetName };
}

export interface GenerationApi {
  /** the project's registered models, oldest first */
  listModels(): Promise<ModelSummary[]>;
  /**
   * Starts (or resumes: the same settings as an unfinished job) a generation job in the
   * background; one at a time per project. `job` is its first progress record.
   */
  startGeneration(req: GenerationRequest): Promise<StartedJob>;
  /**
   * Runs a cancelled, failed or interrupted generation job again with its own settings:
   * exactly the images it did not finish (failed ones included).
   */
  resumeGeneration(jobId: number): Promise<StartedJob>;
  /** Stops the job at once (images already computed are kept; it resumes later). False when it is not running. */
  cancelGeneration(jobId: number): Promise<boolean>;
  /** the project's generation and re-threshold jobs, newest first */
  listJobs(): Promise<JobInfo[]>;
  /** Undoes a job that is not running: its versions removed, the previous masks current again (approved ones kept). */
  rollbackJob(jobId: number): Promise<RollbackReport>;
  generationStatus(): Promise<GenerationStatus>;
  /**
   * The label map (8-bit grayscale PNG, value = label) a job with these settings would store
   * for one image. The CAMs are computed once per image/model/method/layer on an engine
   * worker thread, then every threshold change is a cheap rebuild. Zero bytes: the image
   * has no tag the model knows.
   */
  previewMask(req: PreviewRequest): Promise<Uint8Array>;
  /**
   * Of these images, how many a generation run would leave their current mask to (a person
   * owns it: approved, or an edited, imported or approved-once current version); the new
   * mask is stored beside it as a version. Unknown ids are refused.
   */
  humanMasks(imageIds: number[]): Promise<HumanMasks>;
}

export interface StartedJob {
  jobId: number;
  /** the job existed and this run continues it */
  resumed: boolean;
  /** its first progress record ('starting') */
  job: JobProgress;
}

export interface HumanMasks {
  approved: number;
  /** the other images whose current mask a person made or brought in */
  edited: number;
}

export interface GenerationEvents {
  /** a batch job's progress (every job this process runs: generation, re-thresholding), throttled */
  'job.progress': JobProgress;
  /** the final record of a job the studio started */
  'job.finished': JobProgress;
}
