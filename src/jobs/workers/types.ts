// What the job runner needs from the engine, as an interface: a pool that turns one image
// into its CAMs (float16, at feature resolution) and the mask made from exactly those
// bytes. Tensors never cross it — a task is a file name, a result is bytes.
import type { CamMethod, CamRequest, CamResult, EngineImage } from '../../engine/index.ts';
import type { MaskSettings, StoredCam } from '../../masks/cam-mask.ts';
import type { RefineSettings, StepRecord } from '../../masks/refine/index.ts';
import type { PreprocessConfig } from '../preprocess-spec.ts';
import type { ClassSource, MultiScale } from '../types.ts';

/** Everything a worker needs to set up once per job. Structured-clone safe. */
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
  /** deeper layers' CAMs the refinement chain read, by layer (ascending class index) */
  deep: Record<string, StoredCam[]>;
  /** 8-bit grayscale label PNG computed from `cams` (and `deep`) as stored */
  png: Uint8Array;
  /** what each refinement step did */
  steps: StepRecord[];
  /** the τ_bg the mask was cut at */
  bg: number;
  /** the decoded image when it is at the mask's size (kept by the preview; not sent between threads) */
  rgb: Uint8Array | null;
  ms: number;
}

export interface EnginePool {
  readonly size: number;
  readonly backend: string;
  /** rejects with an Error whose message says what went wrong with that image */
  run(task: CamTask): Promise<CamTaskResult>;
  close(): Promise<void>;
  /** tf.memory() and RSS of every worker (benchmarks) */
  stats?(): Promise<{ numTensors: number; numBytes: number; rss: number }[]>;
}

export type EnginePoolFactory = (spec: EngineSpec, workers: number) => Promise<EnginePool>;

/** The model side only: preprocessed images in, CAM results out (a worker host, or this thread). */
export interface ModelRunner {
  readonly size: number;
  readonly backend: string;
  run(images: EngineImage[], cam: CamRequest): Promise<CamResult[]>;
  close(): Promise<void>;
}
