// `serve [dir] [--port N] [--no-open]`: serves the studio in browser mode on 127.0.0.1
// until Ctrl+C and prints the URL (with its session token); opens it in a Chromium app
// window when there is a screen and a Chromium, unless --no-open. Without a folder it
// starts on the Projects home (recent projects, new, open).
import { CliError, flagBool, flagNumber } from '../args.ts';
import type { Command } from '../command.ts';
import { openProject } from '../../project/index.ts';
import { serveStudio } from '../../server/session.ts';
import { dataDir } from '../../services/demo.ts';
import { ensureRendererBuilt } from '../../../build/renderer-bundle.ts';
import { openInBrowser, portFlag, untilStopped } from './start.ts';

export const serve: Command = {
  name: 'serve',
  usage: 'serve [dir] [--port N] [--no-open]',
  summary: 'serve the studio in browser mode on 127.0.0.1, on a project or the Projects home (prints the URL with its token)',
  booleans: ['no-open'],
  async run(args) {
    const [dir, extra] = args.positionals;
    if (extra) throw new CliError(`usage: ${serve.usage}`);
    const port = portFlag(flagNumber(args, 'port'));
    // the project first: a folder that is no project fails in its one line whether or not
    // the UI is built (a test building dist/renderer beside this one must not change it)
    const project = dir ? openProject(dir) : null;
    let staticDir: string | null;
    try {
      staticDir = await ensureRendererBuilt((l) => console.error(l));
    } catch (err) {
      project?.close();
      throw err;
    }
    const served = await serveStudio(project, { port, staticDir });
    console.log(`serving ${project ? project.info().name : 'the Projects home'} at ${served.server.url}`);
    console.log('press Ctrl+C to stop');
    // the Chromium profile lives in the project folder, or the data folder on the home
    const window = flagBool(args, 'no-open') ? null : openInBrowser(served.server.url, project?.dir ?? dataDir());
    await untilStopped(served.close, window);
    return 0;
  },
};
