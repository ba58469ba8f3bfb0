// What the job runner needs from the engine, as an interface: a pool whose workers run an
// image's whole pipeline (decode, preprocess, the model, the float16 maps, the refinement
// chain, the mask PNG) and hand back only bytes to store. Tensors never cross it — a task
// is a file name (and, for a mask from stored maps, the maps' bytes), a result is bytes.
import type { CamMethod, CamRequest, CamResult, EngineImage } from '../../engine/index.ts';
import type { MaskSettings, StoredCam } from '../../masks/cam-mask.ts';
import type { RefineSettings, StepRecord } from '../../masks/refine/index.ts';
import type { MadeMask } from '../mask.ts';
import type { PreprocessConfig } from '../preprocess-spec.ts';
import type { ClassSource, MultiScale } from '../types.ts';

/** Everything a worker needs to run a job's model on an image, set up once per job. Structured-clone safe. */
export interface EngineSpec {
  modelFile: string;
  preprocess: PreprocessConfig;
  method: CamMethod;
  layer: string;
  multiScale: MultiScale | null;
  /** model output k → project class index */
  classMap: number[];
  classes: ClassSource;
  mask: MaskSettings;
  refine: RefineSettings | null;
  /** deeper layers whose CAMs are computed and stored next to `layer`'s (what `refine` reads, or more) */
  deepLayers: string[];
  /** RS_BACKEND-style preference (tensorflow, wasm, cpu); default: the engine's choice */
  backend?: string;
}

/** A pool's set-up, handed to every worker: the model side (null: masks from stored maps only). */
export interface PipelineConfig {
  spec: EngineSpec | null;
  /** decoded images a worker keeps (the preview rebuilds one image's mask on every slider move) */
  keepPixels: number;
}

/** One image through the whole pipeline. */
export interface CamTask {
  imageId: number;
  file: string;
  /** the stored image size (after EXIF orientation): the mask's size */
  width: number;
  height: number;
  /** model outputs to explain (from the image's tags); null: the model's predictions (spec.classes) */
  targets: number[] | null;
}

export interface CamTaskResult {
  imageId: number;
  /** ascending class index */
  cams: StoredCam[];
  /** deeper layers' CAMs, by layer (ascending class index) */
  deep: Record<string, StoredCam[]>;
  /** 8-bit grayscale label PNG computed from `cams` (and `deep`) as stored */
  png: Uint8Array;
  /** the classes the PNG's labels hold */
  classes: number[];
  /** what each refinement step did */
  steps: StepRecord[];
  /** the τ_bg the mask was cut at */
  bg: number;
  /** where the worker's time went, ms */
  timings: PipelineTimings;
}

export interface PipelineTimings {
  decode: number;
  model: number;
  mask: number;
}

/** One mask from maps already computed (a re-threshold / re-refine job, the preview's slider). */
export interface MaskTask {
  width: number;
  height: number;
  cams: StoredCam[];
  deep: Record<string, StoredCam[]>;
  /** the image, decoded when the chain has a PAR step; null: none (PAR records that it did not run) */
  file: string | null;
  settings: MaskSettings;
  refine: RefineSettings | null;
}

/** What a worker is asked to do (the worker entry's tasks). */
export type PipelineTask = ({ kind: 'image' } & CamTask) | ({ kind: 'mask' } & MaskTask);

export interface EnginePool {
  readonly size: number;
  readonly backend: string;
  /** one image's maps and mask; rejects with an Error whose message says what went wrong with that image */
  run(task: CamTask): Promise<CamTaskResult>;
  /** a mask from maps already computed */
  mask(task: MaskTask): Promise<MadeMask>;
  close(): Promise<void>;
}

export type { MadeMask };

export type EnginePoolFactory = (config: PipelineConfig, workers: number) => Promise<EnginePool>;

/** The model side only: preprocessed images in, CAM results out (a worker's engine, or this thread's). */
export interface ModelRunner {
  run(images: EngineImage[], cam: CamRequest): Promise<CamResult[]>;
}
