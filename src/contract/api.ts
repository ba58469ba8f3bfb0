// The one contract between the renderer and the services. Imported by the services,
// the Electron main/preload, the browser-mode server and the renderer: no runtime
// dependencies, types and plain constants only.
import type { GenerationApi, GenerationError, GenerationEvents } from './generation.ts';

export type * from './generation.ts';

export type ReviewStatus = 'unreviewed' | 'generated' | 'edited' | 'approved' | 'rejected';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['unreviewed', 'generated', 'edited', 'approved', 'rejected'];

export type Split = 'train' | 'val' | 'test' | null;

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
  offset: number;
  limit: number;
}

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
export interface StudioApi extends GenerationApi {
  projectInfo(): Promise<ProjectInfo>;
  listImages(query: ImageQuery): Promise<ImagePage>;
  getImage(id: number): Promise<ImageSummary>;
  /** a JPEG thumbnail, longest side ≤ 256 px */
  thumbnail(id: number): Promise<Uint8Array>;
  /** the image itself (JPEG or PNG bytes, EXIF orientation applied) */
  imageBytes(id: number): Promise<Uint8Array>;
}

export type MethodName = keyof StudioApi;
export type Params<M extends MethodName> = Parameters<StudioApi[M]>;
export type Returns<M extends MethodName> = Awaited<ReturnType<StudioApi[M]>>;

/** Methods whose result is binary (sent as bytes, not JSON). */
export const BINARY_METHODS = ['thumbnail', 'imageBytes', 'previewMask'] as const satisfies readonly MethodName[];

/** Events pushed from the services to the renderer. */
export interface StudioEvents extends GenerationEvents {
  'project.changed': { reason: string };
  /** Electron: a native menu command the editor carries out (Edit › Undo / Redo) */
  'app.command': { command: 'undo' | 'redo' };
  /** a batch job's progress (the Electron main forwards src/jobs' events, throttled) */
  'job.progress': {
    jobId: number;
    state: string;
    done: number;
    failed: number;
    total: number;
    etaSec: number | null;
    /** the studio's own generation service adds these (the Generate panel shows them) */
    imagesPerSec?: number;
    errors?: GenerationError[];
    errorCount?: number;
    backend?: string;
    message?: string;
  };
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
