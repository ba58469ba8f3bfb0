// Electron's desktop bridge (`window.studioDesktop`, from the preload): native dialogs. In
// browser mode it is absent and the views offer typed paths instead. Read from globalThis
// (the page's window) so this file needs no DOM types.
import type { DesktopBridge, PickPurpose } from '../../../src/contract/desktop.ts';

/** the native chooser for `purpose` (the chosen path, null when cancelled); null in browser mode */
export function nativePicker(purpose: PickPurpose): (() => Promise<string | null>) | null {
  const desktop = (globalThis as { studioDesktop?: DesktopBridge }).studioDesktop;
  if (!desktop) return null;
  return async () => {
    const r = await desktop.call('pick', [purpose]);
    if (!r.ok) throw new Error(r.error.message);
    return r.value?.path ?? null;
  };
}
