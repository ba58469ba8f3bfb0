// Where the Electron-ABI copy of better-sqlite3 lives. better-sqlite3 is not N-API: the
// copy in node_modules is built for Node (tests, CLI, browser mode); build/postinstall.mjs
// fetches the Electron prebuild into this folder when online. Keep in step with
// ELECTRON_SQLITE_DIR in build/postinstall.mjs. No Electron import.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const ELECTRON_SQLITE_DIR = join('node_modules', '.relevance-studio', 'better-sqlite3-electron');

export function electronSqliteBinding(appRoot: string, exists: (p: string) => boolean = existsSync): string | null {
  const file = join(appRoot, ELECTRON_SQLITE_DIR, 'build', 'Release', 'better_sqlite3.node');
  return exists(file) ? file : null;
}

/**
 * True when `message` says a native module was compiled for another ABI (Node's build of
 * better-sqlite3 loaded into Electron): `npm start` then falls back to browser mode.
 */
export function isAbiMismatch(message: string): boolean {
  return /NODE_MODULE_VERSION|compiled against a different Node\.js version|ERR_DLOPEN_FAILED/.test(message);
}

/** The exit code main uses for that case (start.ts prints it and opens browser mode). */
export const EXIT_NATIVE_ABI = 3;
