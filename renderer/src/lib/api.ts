// The renderer's one way to the services: `window.studio` when Electron's preload provides
// it, otherwise the browser-mode HTTP bridge. Calls return values and throw ApiCallError.
import type {
  ApiError,
  EventName,
  MethodName,
  Params,
  Returns,
  StudioApi,
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

/**
 * Every StudioApi method (each a call through the bridge), plus the transport, events and
 * the generic `call`. The methods come from the contract's type, so a method added to
 * StudioApi is callable here with no edit.
 */
export type StudioClient = StudioApi & {
  readonly transport: 'electron' | 'http';
  on<E extends EventName>(name: E, handler: (payload: StudioEvents[E]) => void): () => void;
  call<M extends MethodName>(method: M, ...params: Params<M>): Promise<Returns<M>>;
};

/** property names a caller may probe on any object; they are never service methods */
const NOT_METHODS = new Set(['then', 'catch', 'finally', 'toJSON', 'constructor', 'valueOf', 'toString']);

export function createClient(onConnection: (s: ConnectionState) => void): StudioClient {
  const electron = typeof window.studio === 'object' && window.studio !== null;
  const bridge = electron ? window.studio! : createHttpBridge(onConnection);
  if (electron) onConnection('open');

  async function call<M extends MethodName>(method: M, ...params: Params<M>): Promise<Returns<M>> {
    const r = await bridge.call(method, params);
    if (!r.ok) throw new ApiCallError(r.error);
    return r.value;
  }

  const own = {
    transport: electron ? ('electron' as const) : ('http' as const),
    call,
    on<E extends EventName>(name: E, handler: (payload: StudioEvents[E]) => void): () => void {
      return bridge.onEvent((n, payload) => {
        if ((n as string) === name) handler(payload as StudioEvents[E]);
      });
    },
  };
  // any other name is a StudioApi method: forward it (the services reject an unknown one)
  return new Proxy(own, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop in target || NOT_METHODS.has(prop)) return Reflect.get(target, prop, receiver) as unknown;
      return (...params: unknown[]) => call(prop as MethodName, ...(params as Params<MethodName>));
    },
  }) as unknown as StudioClient;
}

export type { ConnectionState };
