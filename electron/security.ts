// The desktop window's security settings as plain data and pure decisions, so tests check
// them without the Electron binary (main.ts only applies them). Nothing here imports
// 'electron': under plain Node that module is just the path of a binary.
import type { BrowserWindowConstructorOptions } from 'electron';

/** Pages the app itself serves (main.ts's studio:// protocol handler). */
export const APP_SCHEME = 'studio';
export const APP_ORIGIN = `${APP_SCHEME}://app`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;

/**
 * Strict CSP for every page of the app: only the app's own scripts (no inline script, no
 * eval), no network beyond the app's own origin, no plugins, no framing, no form posts.
 * Inline styles stay allowed: Svelte's style bindings set them.
 */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Headers every app response carries. */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
});

export interface Bounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

/** The one window's options: sandboxed, isolated, no Node, no webviews, no remote content. */
export function windowOptions(preload: string, bounds: Bounds): BrowserWindowConstructorOptions {
  return {
    ...bounds,
    minWidth: 800,
    minHeight: 560,
    show: false,
    backgroundColor: '#141517',
    title: 'Relevance Studio',
    webPreferences: {
      preload,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: true,
    },
  };
}

/** True for a URL of the app's own pages (same scheme and host; any path/hash). */
export function isAppUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === 'app' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect: only within the app's own pages. */
export function navigationAllowed(url: string): boolean {
  return isAppUrl(url);
}

/** setWindowOpenHandler: every window.open / target=_blank is refused. */
export function windowOpenDecision(_url: string): { action: 'deny' } {
  return { action: 'deny' };
}

/** Links the user clicks to http(s) pages open in the system browser; nothing else leaves. */
export function externalLink(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** Permission requests (camera, notifications, …): the studio needs none. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}

/**
 * studio://app/<path> → the file below `rendererDir` to serve, or null (404). Refuses
 * other hosts, traversal out of the folder and encoded separators.
 */
export function rendererFile(url: string, rendererDir: string, sep: string, resolve: (...p: string[]) => string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== 'app') return null;
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname === '/' || u.pathname === '' ? '/index.html' : u.pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0') || rel.includes('\\')) return null;
  const root = resolve(rendererDir);
  const file = resolve(root, '.' + rel);
  return file.startsWith(root + sep) ? file : null;
}
