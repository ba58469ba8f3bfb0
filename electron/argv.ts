// Which project folder a command line names: `--project <dir>`, `--project=<dir>`, or a
// plain folder argument (`relevance-studio-app ~/data/pets`, a file manager's "open with").
// Used for the first launch and for the argv a second instance forwards. No Electron import.
import { isAbsolute, resolve } from 'node:path';

/**
 * `argv` is process.argv as Electron gives it; `skip` is how many leading entries are the
 * program itself (2 for `electron main.js …` in development, 1 for a packaged app).
 */
export function projectFromArgv(argv: readonly string[], cwd: string, skip: number): string | null {
  const rest = argv.slice(skip);
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--project' && rest[i + 1] && !rest[i + 1].startsWith('-')) return resolve(cwd, rest[i + 1]);
    if (a.startsWith('--project=') && a.length > '--project='.length) return resolve(cwd, a.slice('--project='.length));
  }
  // the last plain argument; Chromium switches (--foo, -psn_… on macOS) are not folders
  for (let i = rest.length - 1; i >= 0; i--) {
    const a = rest[i];
    if (a.startsWith('-')) continue;
    return isAbsolute(a) ? resolve(a) : resolve(cwd, a);
  }
  return null;
}
