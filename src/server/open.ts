// How `start` shows the studio: the Electron window when its binary is installed, else a
// Chromium app window, else just the URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';

const CHROMIUMS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** The Electron binary when electron's postinstall downloaded it (path.txt exists). */
export function electronBinary(): string | null {
  try {
    const require = createRequire(import.meta.url);
    const pkgDir = dirname(require.resolve('electron/package.json'));
    const pathTxt = join(pkgDir, 'path.txt');
    if (!existsSync(pathTxt)) return null;
    const bin = join(pkgDir, 'dist', readFileSync(pathTxt, 'utf8').trim());
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    for (const name of CHROMIUMS) {
      const file = join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  return null;
}

/** A desktop session can show a window (Linux needs an X or Wayland display). */
export function hasDisplay(env: NodeJS.ProcessEnv = process.env): boolean {
  if (process.platform !== 'linux') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** Opens `url` as a Chromium app window with its own profile (so it never joins a running browser). */
export function openChromiumApp(binary: string, url: string, profileDir: string): ChildProcess {
  return spawn(binary, [`--app=${url}`, `--user-data-dir=${profileDir}`, '--no-first-run', '--no-default-browser-check', '--window-size=1400,900'], {
    stdio: 'ignore',
  });
}
