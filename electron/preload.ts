// Runs sandboxed before the renderer: exposes `window.studio` (the StudioBridge) and
// `window.studioDesktop` (dialogs and the path-taking actions of src/contract/desktop.ts), each a
// function over one fixed channel. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, type EventName, type StudioBridge, type StudioEvents } from '../src/contract/api.ts';
import { IPC_DESKTOP, type DesktopBridge } from '../src/contract/desktop.ts';

const bridge: StudioBridge = {
  call(method, params) {
    return ipcRenderer.invoke(IPC_CALL, { method, params });
  },
  onEvent(listener) {
    const handler = (_e: IpcRendererEvent, msg: { name: EventName; payload: StudioEvents[EventName] }) => listener(msg.name, msg.payload);
    ipcRenderer.on(IPC_EVENT, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, handler);
    };
  },
};

const desktop: DesktopBridge = {
  call(method, params) {
    return ipcRenderer.invoke(IPC_DESKTOP, { method, params });
  },
};

contextBridge.exposeInMainWorld('studio', bridge);
contextBridge.exposeInMainWorld('studioDesktop', desktop);
