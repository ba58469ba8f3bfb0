// The one contract between the renderer and the services. Imported by the services,
// the Electron main/preload, the browser-mode server and the renderer: no runtime
// dependencies, types and plain constants only.
import type { ExportApi, ExportEvents } from './export.ts';
import type { FilesApi } from './files.ts';
import type { GenerationApi, GenerationEvents } from './generation.ts';
import type { CalibrationApi } from './calibration.ts';
import type { ProjectsApi, ProjectsEvents } from './projects.ts';

import type { ReviewStatus, Split } from './core.ts';

export * from './core.ts';
export type * from './export.ts';
export type * from './files.ts';
export type * from './generation.ts';
export type * from './jobs.ts';
export type * from './projects.ts';

/** A project class. `index` is the label-map value (1..C); 0 is background, 255 ignore. */
export interface ClassInfo {
  index: number;
  name: string;
  /** '#rrggbb' */
  color: string;
  /** images tagged with this class */
  imageCount: number;
}

export interface ProjectInfo {
  name: string;
  /** app and schema versions, shown in the About box and status bar */
  appVersion: string;
  schemaVersion: number;
  images: number;
  classes: ClassInfo[];
  /** images with at least one tag */
  tagged: number;
  /** images with a current mask */
  masks: number;
  approved: number;
  statusCounts: Record<ReviewStatus, number>;
}

export interface ImageSummary {
  id: number;
  /** file name shown to the user (relative path inside the dataset), never used as a path */
  name: string;
  width: number;
  height: number;
  split: Split;
  status: ReviewStatus;
  /** class indices */
  tags: number[];
  hasMask: boolean;
  /** the current mask version's id (null: no mask); a new id means a new mask to show */
  maskId: number | null;
  /** false when the file was not found at its recorded place (relink needed) */
  available: boolean;
}

export type ImageSort = 'name' | 'id' | 'status';

export interface ImageQuery {
  /** only images tagged with this class index */
  classIndex?: number;
  status?: ReviewStatus;
  /** substring of the name, case-insensitive */
  search?: string;
  sort?: ImageSort;
  /**
   * Review order from stored CAMs (see ImageScore): images with scores first, worst first
   * (lowest confidence / highest disagreement), the rest after them in `sort` order.
   */
  rank?: 'confidence' | 'disagreement';
  offset: number;
  limit: number;
}

/** the most images one listImages page (and one imageScores call) may ask for */
export const MAX_PAGE_SIZE = 1000;
/** the longest search text a query may carry */
export const MAX_SEARCH_LENGTH = 200;

export interface ImagePage {
  total: number;
  offset: number;
  items: ImageSummary[];
}

/** Error codes every transport returns in `{ ok: false, error }`. */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'NOT_FOUND'
  | 'UNAUTHORIZED'
  | 'UNKNOWN_METHOD'
  | 'IO_ERROR'
  /** someone else holds what the call needs (another process writing the project, another export in the folder): try again shortly */
  | 'BUSY'
  | 'INTERNAL';

export interface ApiError {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/**
 * Every request the renderer may make. Binary results (thumbnails, images) are
 * `Uint8Array`s; transports carry them as bytes.
 */
export interface StudioApi extends GenerationApi, ExportApi, ProjectsApi, FilesApi, CalibrationApi {
  projectInfo(): Promise<ProjectInfo>;
  listImages(query: ImageQuery): Promise<ImagePage>;
  getImage(id: number): Promise<ImageSummary>;
  /** a JPEG thumbnail, longest side ≤ 256 px */
  thumbnail(id: number): Promise<Uint8Array>;
  /**
   * The current masks drawn for the grid, many images in one answer: for each image a PNG
   * the size of its thumbnail, in the class colours, transparent where there is no class
   * ('fill': every class pixel; 'outline': the borders with a contrasting halo). The bytes
   * are, per id in order, a 4-byte big-endian length then that many PNG bytes (length 0:
   * no mask). At most MAX_OVERLAYS ids. Cached like thumbnails.
   */
  maskOverlays(ids: number[], style: OverlayStyle): Promise<Uint8Array>;
  /**
   * What each image's current mask holds (pixels per class) and how sure its CAMs are:
   * what the grid's attention badges and the inspector's class counts show. At most
   * MAX_PAGE_SIZE ids.
   */
  maskSummaries(imageIds: number[]): Promise<MaskSummary[]>;
  /** the image itself (JPEG or PNG bytes, EXIF orientation applied) */
  imageBytes(id: number): Promise<Uint8Array>;

  // ---- masks (the editor) ----
  /** every stored mask version of the image, oldest first */
  maskVersions(imageId: number): Promise<MaskVersionInfo[]>;
  /**
   * A mask version as an 8-bit grayscale PNG (value = label); versionId null = the current
   * version. Zero bytes when the image has no mask yet.
   */
  maskPng(imageId: number, versionId: number | null): Promise<Uint8Array>;
  /**
   * Stores an edited mask (8-bit grayscale PNG, the image's size) as a new current version
   * (source 'edited'); the image's status becomes 'edited'. Never overwrites a version.
   * The PNG travels as bytes (see BINARY_INPUT_METHODS).
   */
  saveMask(imageId: number, png: Uint8Array): Promise<SavedMask>;
  /**
   * Stores a CAM method's mask from the compare view as the new current version: 'edited'
   * (a person chose it), with the method, layer, chain and τ it was made with. Undone like
   * any version, by restoring the previous one.
   */
  adoptMask(imageId: number, origin: MaskOrigin, png: Uint8Array): Promise<SavedMask>;
  /** Makes an older version current again (status 'edited'); nothing is deleted. */
  restoreMaskVersion(imageId: number, versionId: number): Promise<SavedMask>;

  // ---- review, tags, classes ----
  /** sets the review status of one or many images ('approved' freezes each current mask) */
  setStatus(imageIds: number[], status: ReviewStatus): Promise<void>;
  /** replaces one image's tags */
  setTags(imageId: number, classIndices: number[]): Promise<ImageSummary>;
  /** adds and removes tags on many images at once (one transaction) */
  editTags(imageIds: number[], add: number[], remove: number[]): Promise<void>;
  /** renames and/or recolours a class */
  updateClass(index: number, change: { name?: string; color?: string }): Promise<ClassInfo>;
  /**
   * Merges class `from` into class `into` in one transaction: tags move, every current
   * mask holding `from` gets a new version with `from` relabelled, and `from` is deleted.
   */
  mergeClasses(from: number, into: number): Promise<MergeReport>;

  // ---- stored CAMs (compare view, heatmap, smart region) ----
  /** which CAMs are stored for the image (written by generation jobs) */
  listCams(imageId: number): Promise<CamInfo[]>;
  /** one stored CAM: height×width little-endian float16 values */
  camData(key: CamKey): Promise<Uint8Array>;
  /** per-image review scores from stored CAMs (see ImageScore) for the given images */
  imageScores(imageIds: number[]): Promise<ImageScore[]>;
}

export interface MaskVersionInfo {
  id: number;
  createdAt: string;
  source: 'generated' | 'edited' | 'imported';
  /** the CAM method, layer, refinement chain ('none', 'fast', 'best' or 'custom') and τ_bg it was made with */
  method?: string;
  layer?: string;
  refine?: string;
  bg?: number;
  /** the generation job that stored it */
  jobId?: number;
  current: boolean;
  /** frozen by an approval: kept forever */
  frozen: boolean;
  /** a reference mask (a dataset's own labels, imported as ground truth) */
  groundTruth: boolean;
}

/** How an adopted mask was made (the compare view's settings for that method). */
export interface MaskOrigin {
  method: string;
  layer: string;
  refine: string;
  bg: number;
}

/** What the grid can outline and fill: the current mask drawn as an overlay. */
export type OverlayStyle = 'fill' | 'outline';

/** the most overlays one maskOverlays answer carries */
export const MAX_OVERLAYS = 100;


/** See StudioApi.maskSummaries. */
export interface MaskSummary {
  imageId: number;
  /** the current mask version (null: no mask; then `pixels` is empty) */
  maskId: number | null;
  /** [label, pixel count] for each label present but background, ascending (255 = ignore) */
  pixels: [number, number][];
  /** width × height of the mask */
  total: number;
  /** the image's CAM confidence (ImageScore.confidence); null without stored CAMs */
  confidence: number | null;
}

/** below this CAM confidence (ImageScore.confidence) the grid flags a mask as uncertain */
export const LOW_CONFIDENCE = 0.25;

export interface SavedMask {
  version: MaskVersionInfo;
  status: ReviewStatus;
}

export interface MergeReport {
  /** images whose tags moved */
  images: number;
  /** current masks rewritten as new versions */
  masks: number;
}

export interface CamKey {
  imageId: number;
  classIndex: number;
  method: string;
  layer: string;
  modelHash: string;
}

export interface CamInfo extends CamKey {
  /** feature-map size */
  width: number;
  height: number;
}

/**
 * Review scores from an image's stored CAMs and its current mask:
 * - confidence: the mask's predicted mIoU (0..1) from the refinement's evidence — the stored CAMs
 *   run again through the mask's chain at its working size (how stable the mask is around τ_bg),
 *   and the mask's own shape (a tagged class missing, extra pieces, the smallest class's area,
 *   ragged edges); low = review first (src/services/fix-evidence.ts, docs/quality/fixcost.md).
 * - disagreement: 1 − mean pairwise IoU of the foreground/class masks (at τ_bg) of the stored
 *   methods at the same layer; null with fewer than two methods.
 * Both null when the image has no stored CAMs.
 */
export interface ImageScore {
  imageId: number;
  confidence: number | null;
  disagreement: number | null;
  methods: string[];
}

export type MethodName = keyof StudioApi;
export type Params<M extends MethodName> = Parameters<StudioApi[M]>;
export type Returns<M extends MethodName> = Awaited<ReturnType<StudioApi[M]>>;

/** Methods whose result is binary (sent as bytes, not JSON). */
export const BINARY_METHODS = ['thumbnail', 'maskOverlays', 'imageBytes', 'maskPng', 'camData', 'previewMask'] as const satisfies readonly MethodName[];

/**
 * Methods whose LAST parameter is bytes. Over HTTP the body is those bytes
 * (application/octet-stream) and the other parameters travel as a JSON array in the
 * X-Studio-Params header; Electron IPC carries the Uint8Array as is.
 */
export const BINARY_INPUT_METHODS = ['saveMask', 'adoptMask'] as const satisfies readonly MethodName[];

/**
 * Electron: the native menu's commands the page carries out. Edit › Undo / Redo go to the
 * editor; File › Import Dataset… and Add Model… open the page's own import wizard and model
 * dialog, so a menu import has its dry run and runs as the page's import job.
 */
export const APP_COMMANDS = ['undo', 'redo', 'import-dataset', 'add-model'] as const;
export type AppCommand = (typeof APP_COMMANDS)[number];

/** Events pushed from the services to the renderer. */
export interface StudioEvents extends GenerationEvents, ExportEvents, ProjectsEvents {
  /** 'open': another project (or none) is open now; 'import', 'model', …: this project's data changed */
  'project.changed': { reason: string };
  /** Electron: a native menu command the page carries out */
  'app.command': { command: AppCommand };
}
export type EventName = keyof StudioEvents;

/**
 * What the Electron preload exposes as `window.studio` (and what the browser-mode client
 * implements over HTTP + WebSocket): one generic call and one event subscription.
 */
export interface StudioBridge {
  call<M extends MethodName>(method: M, params: Params<M>): Promise<Result<Returns<M>>>;
  /** Returns the unsubscribe function. */
  onEvent(listener: <E extends EventName>(name: E, payload: StudioEvents[E]) => void): () => void;
}

/** The IPC channels the preload and electron/ipc.ts share. */
export const IPC_CALL = 'studio:call';
export const IPC_EVENT = 'studio:event';
