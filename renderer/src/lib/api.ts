// The renderer's one way to the services: `window.studio` when Electron's preload provides
// it, otherwise the browser-mode HTTP bridge. Calls return values and throw ApiCallError.
import type {
  ApiError,
  CamInfo,
  CamKey,
  ClassInfo,
  EventName,
  ImagePage,
  ImageQuery,
  ImageScore,
  ImageSummary,
  MaskVersionInfo,
  MergeReport,
  MethodName,
  Params,
  ProjectInfo,
  Returns,
  ReviewStatus,
  SavedMask,
  StudioBridge,
  StudioEvents,
} from '../../../src/contract/api.ts';
import { createHttpBridge, type ConnectionState } from './http-bridge.ts';

declare global {
  interface Window {
    studio?: StudioBridge;
  }
}

export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  constructor(error: ApiError) {
    super(error.message);
    this.code = error.code;
  }
}

export interface StudioClient {
  readonly transport: 'electron' | 'http';
  projectInfo(): Promise<ProjectInfo>;
  listImages(q: ImageQuery): Promise<ImagePage>;
  getImage(id: number): Promise<ImageSummary>;
  thumbnail(id: number): Promise<Uint8Array>;
  imageBytes(id: number): Promise<Uint8Array>;
  maskVersions(imageId: number): Promise<MaskVersionInfo[]>;
  maskPng(imageId: number, versionId: number | null): Promise<Uint8Array>;
  saveMask(imageId: number, png: Uint8Array): Promise<SavedMask>;
  restoreMaskVersion(imageId: number, versionId: number): Promise<SavedMask>;
  setStatus(imageIds: number[], status: ReviewStatus): Promise<void>;
  setTags(imageId: number, classIndices: number[]): Promise<ImageSummary>;
  editTags(imageIds: number[], add: number[], remove: number[]): Promise<void>;
  updateClass(index: number, change: { name?: string; color?: string }): Promise<ClassInfo>;
  mergeClasses(from: number, into: number): Promise<MergeReport>;
  listCams(imageId: number): Promise<CamInfo[]>;
  camData(key: CamKey): Promise<Uint8Array>;
  imageScores(imageIds: number[]): Promise<ImageScore[]>;
  on<E extends EventName>(name: E, handler: (payload: StudioEvents[E]) => void): () => void;
  /** any StudioApi method (the Generate panel and Export dialog use this) */
  call<M extends MethodName>(method: M, ...params: Params<M>): Promise<Returns<M>>;
}

export function createClient(onConnection: (s: ConnectionState) => void): StudioClient {
  const electron = typeof window.studio === 'object' && window.studio !== null;
  const bridge = electron ? window.studio! : createHttpBridge(onConnection);
  if (electron) onConnection('open');

  async function call<M extends MethodName>(method: M, ...params: Params<M>): Promise<Returns<M>> {
    const r = await bridge.call(method, params);
    if (!r.ok) throw new ApiCallError(r.error);
    return r.value;
  }

  return {
    transport: electron ? 'electron' : 'http',
    call,
    projectInfo: () => call('projectInfo'),
    listImages: (q) => call('listImages', q),
    getImage: (id) => call('getImage', id),
    thumbnail: (id) => call('thumbnail', id),
    imageBytes: (id) => call('imageBytes', id),
    maskVersions: (id) => call('maskVersions', id),
    maskPng: (id, v) => call('maskPng', id, v),
    saveMask: (id, png) => call('saveMask', id, png),
    restoreMaskVersion: (id, v) => call('restoreMaskVersion', id, v),
    setStatus: (ids, status) => call('setStatus', ids, status),
    setTags: (id, tags) => call('setTags', id, tags),
    editTags: (ids, add, remove) => call('editTags', ids, add, remove),
    updateClass: (index, change) => call('updateClass', index, change),
    mergeClasses: (from, into) => call('mergeClasses', from, into),
    listCams: (id) => call('listCams', id),
    camData: (key) => call('camData', key),
    imageScores: (ids) => call('imageScores', ids),
    on(name, handler) {
      return bridge.onEvent((n, payload) => {
        if ((n as string) === name) handler(payload as StudioEvents[typeof name]);
      });
    },
  };
}

export type { ConnectionState };
