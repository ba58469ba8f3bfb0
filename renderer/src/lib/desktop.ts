// Electron's desktop bridge (`window.studioDesktop`, from the preload): native dialogs. In
// browser mode it is absent and the views offer typed paths instead.
import type { DesktopBridge, PickPurpose } from '../../../src/contract/desktop.ts';
import { ApiCallError } from './api.ts';

declare global {
  interface Window {
    studioDesktop?: DesktopBridge;
  }
}

/** the native chooser for `purpose` (the chosen path, null when cancelled); null in browser mode */
export function nativePicker(purpose: PickPurpose): (() => Promise<string | null>) | null {
  const desktop = window.studioDesktop;
  if (!desktop) return null;
  return async () => {
    const r = await desktop.call('pick', [purpose]);
    if (!r.ok) throw new ApiCallError(r.error);
    return r.value?.path ?? null;
  };
}
