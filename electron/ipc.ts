// The only ipcMain user. Two invoke channels, each a {method, params} call routed by
// services/dispatch.ts (the same dispatch browser mode uses):
//   IPC_CALL    → the StudioApi
//   IPC_DESKTOP → the DesktopApi (src/contract/desktop.ts: dialogs and the path-taking actions)
// Every call is accepted only from the studio's own top frame in the studio's own window,
// its payload is checked at runtime, and the answer is always {ok, value} | {ok: false,
// error}: nothing throws across the process boundary. The routing is pure and tested
// without Electron; registerIpc only wires it (type-only Electron imports).
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL, IPC_EVENT, type EventName, type Result, type StudioApi, type StudioEvents } from '../src/contract/api.ts';
import { IPC_DESKTOP, type DesktopApi } from '../src/contract/desktop.ts';
import { dispatch, dispatchDesktop } from '../src/services/dispatch.ts';
import type { EventBus } from '../src/services/events.ts';
import { APP_ORIGIN, isAppUrl } from './security.ts';

export { APP_ORIGIN };

export interface CallSender {
  /** URL of the frame that sent the message */
  url: string;
  /** true when the frame is the window's top frame (not an iframe) */
  topFrame: boolean;
  /** false when the message came from a webContents other than the studio window */
  ownWindow?: boolean;
}

export function trustedSender(sender: CallSender | null): boolean {
  if (!sender || !sender.topFrame || sender.ownWindow === false) return false;
  return isAppUrl(sender.url);
}

/** One channel's handler: method + untrusted params → Result. */
export type ChannelHandler = (method: string, params: unknown) => Promise<Result<unknown>>;
export type ChannelTable = Readonly<Record<string, ChannelHandler>>;

/**
 * `api` is a getter: File › Open swaps the project (and its service) under the same window.
 * `checkPaths` (path-policy.ts's checkCallPaths, bound to the grants and the open project)
 * throws for a path in a StudioApi call that no dialog granted.
 */
export function channelTable(api: () => StudioApi, desktop: DesktopApi, checkPaths: (method: string, params: unknown) => void = () => {}): ChannelTable {
  return {
    [IPC_CALL]: async (method, params) => {
      try {
        checkPaths(method, params);
      } catch (err) {
        const e = err as { code?: unknown; message?: string };
        return { ok: false, error: { code: e.code === 'BAD_REQUEST' ? 'BAD_REQUEST' : 'UNAUTHORIZED', message: e.message ?? 'path refused' } };
      }
      return dispatch(api(), method, params);
    },
    [IPC_DESKTOP]: (method, params) => dispatchDesktop(desktop, method, params),
  };
}

function fail(code: 'UNAUTHORIZED' | 'BAD_REQUEST' | 'UNKNOWN_METHOD', message: string): Result<never> {
  return { ok: false, error: { code, message } };
}

/** Pure: what the main process answers for one invoke on `channel`. */
export async function routeIpc(table: ChannelTable, channel: string, sender: CallSender | null, payload: unknown): Promise<Result<unknown>> {
  if (!Object.prototype.hasOwnProperty.call(table, channel)) return fail('UNKNOWN_METHOD', `unknown IPC channel '${String(channel).slice(0, 80)}'`);
  if (!trustedSender(sender)) return fail('UNAUTHORIZED', `IPC call from an untrusted frame (${sender?.url.slice(0, 100) ?? 'unknown'})`);
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return fail('BAD_REQUEST', 'IPC payload must be an object {method, params}');
  const keys = Object.keys(payload);
  if (keys.some((k) => k !== 'method' && k !== 'params')) return fail('BAD_REQUEST', `IPC payload: unexpected field '${keys.find((k) => k !== 'method' && k !== 'params')}'`);
  const { method, params } = payload as { method?: unknown; params?: unknown };
  if (typeof method !== 'string') return fail('BAD_REQUEST', 'IPC payload: method must be a string');
  return table[channel](method, params);
}

/** The StudioApi channel alone (kept for the services' own IPC tests). */
export function routeCall(api: StudioApi, sender: CallSender | null, payload: unknown): Promise<Result<unknown>> {
  return routeIpc({ [IPC_CALL]: (m, p) => dispatch(api, m, p) }, IPC_CALL, sender, payload);
}

function senderOf(event: IpcMainInvokeEvent, own: WebContents | null): CallSender | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, topFrame: frame.parent === null, ownWindow: own !== null && event.sender.id === own.id };
}

/** Wires every channel of `table` and forwards service events to `target`. Returns the undo. */
export function registerIpc(ipcMain: IpcMain, table: ChannelTable, bus: EventBus, target: () => WebContents | null): () => void {
  for (const channel of Object.keys(table)) {
    ipcMain.handle(channel, (event, payload: unknown) => routeIpc(table, channel, senderOf(event, target()), payload));
  }
  const unsubscribe = bus.subscribe((name, payload) => sendEvent(target(), name, payload));
  return () => {
    for (const channel of Object.keys(table)) ipcMain.removeHandler(channel);
    unsubscribe();
  };
}

export function sendEvent<E extends EventName>(wc: WebContents | null, name: E, payload: StudioEvents[E]): void {
  if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, { name, payload });
}
