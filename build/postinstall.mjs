// Runs after `npm install`. Tries to fetch Electron's binary (Electron's own install.js),
// with a short timeout; offline this fails and the studio runs in browser mode instead.
// Never fails the install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let installJs;
try {
  installJs = require.resolve('electron/install.js');
} catch {
  process.exit(0); // production install without devDependencies: nothing to do
}
const electronDir = installJs.replace(/install\.js$/, '');
if (existsSync(electronDir + 'path.txt')) process.exit(0); // binary already there

if (process.env.RS_SKIP_ELECTRON_DOWNLOAD === '1' || process.env.CI) {
  console.log('relevance-studio: skipping the Electron download (CI or RS_SKIP_ELECTRON_DOWNLOAD=1): the studio opens in browser mode.');
  process.exit(0);
}
const timeoutMs = Number(process.env.RS_ELECTRON_DOWNLOAD_TIMEOUT_MS ?? 60000);
const r = spawnSync(process.execPath, [installJs], { cwd: electronDir, timeout: timeoutMs, stdio: 'pipe', encoding: 'utf8' });
if (r.status === 0 && existsSync(electronDir + 'path.txt')) {
  console.log('relevance-studio: Electron binary installed; `npm start` opens the desktop window.');
} else {
  const why = r.error?.code === 'ETIMEDOUT' ? `no answer within ${timeoutMs / 1000} s` : errorLine(r.stderr) || `exit ${r.status}`;
  console.log(`relevance-studio: Electron binary not available (${why}); \`npm start\` opens the studio in browser mode.`);
}

/**
 * The line of a failed install's stderr that says what went wrong: Node prints the error
 * message ("RequestError: getaddrinfo ENOTFOUND github.com") above its stack frames
 * ("    at ClientRequest.<anonymous> (…)"), so the last line is useless.
 */
function errorLine(stderr) {
  const lines = (stderr || '').split('\n').map((l) => l.trim()).filter(Boolean);
  const isNoise = (l) => l.startsWith('at ') || /^(node:|file:)/.test(l) || /^\^+$/.test(l) || /^Node\.js v\d/.test(l);
  const thrown = lines.find((l) => /^[A-Za-z]*(Error|Exception)( \[\w+\])?: /.test(l));
  const coded = lines.find((l) => !isNoise(l) && /\bE[A-Z]{3,}\b/.test(l));
  return (thrown ?? coded ?? lines.find((l) => !isNoise(l)) ?? '').slice(0, 200);
}
