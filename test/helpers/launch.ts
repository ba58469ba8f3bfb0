// The studio's own command line as a child process, the way a user starts it: the renderer
// build skipped (the tests that need the page build it first) and no display, so nothing opens.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/relevance-studio.mjs', import.meta.url));

export interface Launched {
  child: ChildProcess;
  /** the `http://127.0.0.1:PORT/?token=…` line `serve`/`start` prints; rejects when the process exits first */
  url: Promise<string>;
  /** everything it printed so far (stdout and stderr) */
  out(): string;
}

export function launchStudio(args: string[], env: Record<string, string> = {}): Launched {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, RS_SKIP_RENDERER_BUILD: '1', DISPLAY: '', WAYLAND_DISPLAY: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = new Promise<string>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
      if (m) resolve(m[1]);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing a URL:\n${out}`)));
  });
  return { child, url, out: () => out };
}
