// Runs sandboxed before the renderer: exposes `window.studio` (the StudioBridge), two
// functions over two fixed channels. ipcRenderer itself never reaches the page.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_CALL, IPC_EVENT, type EventName, type StudioBridge, type StudioEvents } from '../src/contract/api.ts';

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

contextBridge.exposeInMainWorld('studio', bridge);
