// The renderer's one way to the services: `window.studio` when Electron's preload provides
// it, otherwise the browser-mode HTTP bridge. Calls return values and throw ApiCallError.
import type { ApiError, EventName, ImagePage, ImageQuery, ImageSummary, MethodName, Params, ProjectInfo, Returns, StudioBridge, StudioEvents } from '../../../src/contract/api.ts';
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
  on<E extends EventName>(name: E, handler: (payload: StudioEvents[E]) => void): () => void;
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
    projectInfo: () => call('projectInfo'),
    listImages: (q) => call('listImages', q),
    getImage: (id) => call('getImage', id),
    thumbnail: (id) => call('thumbnail', id),
    imageBytes: (id) => call('imageBytes', id),
    on(name, handler) {
      return bridge.onEvent((n, payload) => {
        if ((n as string) === name) handler(payload as StudioEvents[typeof name]);
      });
    },
  };
}

export type { ConnectionState };
