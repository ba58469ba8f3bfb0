// `start [--no-open] [--port N]` (what `npm start` runs): opens the demo working copy in
// the user's data folder (made from demo/ on first use), then shows it: the Electron
// window when Electron's binary is installed, else a Chromium app window, else the URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { CliError, flagBool, flagNumber } from '../args.ts';
import type { Command } from '../command.ts';
import { openProject, type Project } from '../../project/index.ts';
import { dataDir, openDemoCopy } from '../../services/demo.ts';
import { buildElectron } from '../../../build/electron-bundle.ts';
import { electronBinary, findChromium, hasDisplay, openChromiumApp } from '../../server/open.ts';
import { ensureRendererBuilt } from '../../../build/renderer-bundle.ts';
import { serveProject } from '../../server/session.ts';

export const start: Command = {
  name: 'start',
  usage: 'start [--no-open] [--port N]',
  summary: 'open the demo project (a working copy in your data folder) in the studio',
  booleans: ['no-open'],
  async run(args) {
    if (args.positionals.length) throw new CliError(`usage: ${start.usage}`);
    const port = portFlag(flagNumber(args, 'port'));
    const noOpen = flagBool(args, 'no-open') || Boolean(process.env.CI);
    const where = join(dataDir(), 'demo');
    const { project, notes } = await openDemoCopy(where);
    for (const n of notes) console.log(n);
    let staticDir: string | null;
    try {
      staticDir = await ensureRendererBuilt((l) => console.log(l));
    } catch (err) {
      project.close();
      throw err;
    }

    const electron = noOpen ? null : electronBinary();
    if (electron && hasDisplay() && staticDir) {
      project.close(); // the Electron main opens the project itself, through the same services
      const code = await runElectron(electron, where);
      if (code === 0) return 0;
      // e.g. better-sqlite3 built for Node's ABI, not Electron's: the browser mode still works
      console.log(`the Electron window failed (exit ${code}); opening the studio in browser mode instead`);
      return serveAndWait(openProject(where), port, staticDir, where, noOpen);
    }
    return serveAndWait(project, port, staticDir, where, noOpen);
  },
};

async function runElectron(binary: string, projectDir: string): Promise<number> {
  const { main } = await buildElectron();
  console.log('opening the studio window (Electron)');
  const child = spawn(binary, [main, '--project', projectDir], { stdio: 'inherit' });
  return new Promise<number>((done) => {
    child.on('error', () => done(1));
    child.on('exit', (code) => done(code ?? 1));
  });
}

async function serveAndWait(project: Project, port: number | undefined, staticDir: string | null, where: string, noOpen: boolean): Promise<number> {
  const served = await serveProject(project, { port, staticDir });
  console.log(`studio: ${served.server.url}`);
  const window = noOpen ? null : openInBrowser(served.server.url, where);
  if (!window && !noOpen) console.log('open that URL in a browser (no Electron binary, or no screen or Chromium found); press Ctrl+C to stop');
  else console.log('press Ctrl+C to stop');
  await untilStopped(served.close, window);
  return 0;
}

export function portFlag(port: number | undefined): number | undefined {
  if (port === undefined) return undefined;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError(`--port must be an integer in 0..65535, got ${port}`);
  return port;
}

/** A Chromium app window on `url`, or null when there is no screen or no Chromium. */
export function openInBrowser(url: string, projectDir: string): ChildProcess | null {
  const chromium = hasDisplay() ? findChromium() : null;
  if (!chromium) return null;
  console.log(`opening ${chromium} --app`);
  return openChromiumApp(chromium, url, join(projectDir, '.cache', 'chromium-profile'));
}

/**
 * Serves until Ctrl+C / SIGTERM, or until the window closes (when it ran long enough to be
 * a window: a Chromium that dies at once leaves the server up and the URL printed).
 */
export function untilStopped(close: () => Promise<void>, window: ChildProcess | null = null): Promise<void> {
  return new Promise((done) => {
    let stopping = false;
    const opened = Date.now();
    const stop = () => {
      if (stopping) return;
      stopping = true;
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      window?.kill();
      close().then(done, (err: Error) => {
        console.error(`relevance-studio: ${err.message}`);
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    window?.on('error', (err) => console.log(`could not open the window (${err.message}); open the URL above instead`));
    window?.on('exit', (code) => {
      if (Date.now() - opened < 5000 && code !== 0) {
        console.log(`the browser window exited at once (code ${code}); the studio keeps serving at the URL above`);
        return;
      }
      console.log('window closed: stopping');
      stop();
    });
  });
}
