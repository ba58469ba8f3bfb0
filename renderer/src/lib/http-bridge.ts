// The StudioBridge over browser mode's HTTP + WebSocket transport (see src/server/).
// The session token arrives once in the page URL; it is kept in sessionStorage and taken
// out of the address bar so it is not bookmarked or shared by accident.
import { BINARY_INPUT_METHODS, BINARY_METHODS, type EventName, type MethodName, type Result, type StudioBridge, type StudioEvents } from '../../../src/contract/api.ts';

const TOKEN_KEY = 'relevance-studio.token';

function takeToken(): string {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

export type ConnectionState = 'connecting' | 'open' | 'closed';

export function createHttpBridge(onConnection: (s: ConnectionState) => void): StudioBridge {
  const token = takeToken();
  const listeners = new Set<Parameters<StudioBridge['onEvent']>[0]>();
  const binary = new Set<string>(BINARY_METHODS);
  const binaryInput = new Set<string>(BINARY_INPUT_METHODS);

  let retry = 500;
  function connect(): void {
    onConnection('connecting');
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/events?token=${encodeURIComponent(token)}`);
    ws.onopen = () => {
      retry = 500;
      onConnection('open');
    };
    ws.onmessage = (ev) => {
      let msg: { name: EventName; payload: StudioEvents[EventName] };
      try {
        msg = JSON.parse(String(ev.data)) as typeof msg;
      } catch {
        return;
      }
      for (const l of listeners) l(msg.name, msg.payload);
    };
    ws.onclose = () => {
      onConnection('closed');
      // the server may be restarting: try again, backing off to 10 s
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 10_000);
    };
  }
  connect();

  return {
    async call<M extends MethodName>(method: M, params: unknown[]) {
      let res: Response;
      try {
        // a method whose last parameter is bytes sends them as the body (no base64 bloat)
        const last = params[params.length - 1];
        res =
          binaryInput.has(method) && last instanceof Uint8Array
            ? await fetch(`/api/${method}`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/octet-stream', 'X-Studio-Token': token, 'X-Studio-Params': JSON.stringify(params.slice(0, -1)) },
                body: last as Uint8Array<ArrayBuffer>,
              })
            : await fetch(`/api/${method}`, {
                method: 'POST',
                headers: { 'Content-Type': 'application/json', 'X-Studio-Token': token },
                body: JSON.stringify(params),
              });
      } catch (err) {
        return { ok: false, error: { code: 'IO_ERROR', message: `the studio server does not answer (${(err as Error).message})` } };
      }
      const type = res.headers.get('Content-Type') ?? '';
      if (res.ok && binary.has(method) && !type.startsWith('application/json')) {
        return { ok: true, value: new Uint8Array(await res.arrayBuffer()) } as Result<never>;
      }
      try {
        return (await res.json()) as Result<never>;
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: `${method}: unreadable answer (HTTP ${res.status})` } };
      }
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as StudioBridge;
}
