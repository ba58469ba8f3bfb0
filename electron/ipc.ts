// The only ipcMain user. One channel (IPC_CALL) carries {method, params}; each call is
// accepted only from the studio's own top frame, its payload is checked at runtime
// (shape here, parameters in services/validate.ts), and the answer is always
// {ok, value} | {ok: false, error}: nothing throws across the process boundary.
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL, IPC_EVENT, type Result, type StudioApi } from '../src/contract/api.ts';
import { dispatch } from '../src/services/dispatch.ts';
import type { EventBus } from '../src/services/events.ts';

/** Pages the app itself serves (see main.ts's protocol handler). */
export const APP_ORIGIN = 'studio://app';

export interface CallSender {
  /** URL of the frame that sent the message */
  url: string;
  /** true when the frame is the window's top frame (not an iframe) */
  topFrame: boolean;
}

export function trustedSender(sender: CallSender | null): boolean {
  if (!sender || !sender.topFrame) return false;
  try {
    const u = new URL(sender.url);
    return `${u.protocol}//${u.host}` === APP_ORIGIN;
  } catch {
    return false;
  }
}

/** Pure: what the handler answers for one IPC call (tested without Electron). */
export async function routeCall(api: StudioApi, sender: CallSender | null, payload: unknown): Promise<Result<unknown>> {
  if (!trustedSender(sender)) {
    return { ok: false, error: { code: 'UNAUTHORIZED', message: `IPC call from an untrusted frame (${sender?.url.slice(0, 100) ?? 'unknown'})` } };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: 'IPC payload must be an object {method, params}' } };
  }
  const { method, params } = payload as { method?: unknown; params?: unknown };
  if (typeof method !== 'string') return { ok: false, error: { code: 'BAD_REQUEST', message: 'IPC payload: method must be a string' } };
  return dispatch(api, method, params);
}

function senderOf(event: IpcMainInvokeEvent): CallSender | null {
  const frame = event.senderFrame;
  if (!frame) return null;
  return { url: frame.url, topFrame: frame.parent === null };
}

/** Wires the call channel and forwards service events to `target`. Returns the undo. */
export function registerIpc(ipcMain: IpcMain, api: StudioApi, bus: EventBus, target: () => WebContents | null): () => void {
  ipcMain.handle(IPC_CALL, (event, payload: unknown) => routeCall(api, senderOf(event), payload));
  const unsubscribe = bus.subscribe((name, payload) => {
    const wc = target();
    if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, { name, payload });
  });
  return () => {
    ipcMain.removeHandler(IPC_CALL);
    unsubscribe();
  };
}
