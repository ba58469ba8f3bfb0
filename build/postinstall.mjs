// Runs after `npm install`. Never fails the install; each step says in one line what it did.
// 1. Electron's binary (Electron's own install.js), with a short timeout; offline this fails
//    and the studio runs in browser mode instead.
// 2. When Electron is there: better-sqlite3 for Electron's ABI (better-sqlite3 is not N-API,
//    and node_modules keeps Node's build for the CLI, tests and browser mode). Its prebuild is
//    fetched with prebuild-install into ELECTRON_SQLITE_DIR, where electron/native.ts finds
//    it. Without it the Electron window cannot open a project, and `npm start` falls back
//    to browser mode.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// keep in step with electron/native.ts
const ELECTRON_SQLITE_DIR = join(ROOT, 'node_modules', '.relevance-studio', 'better-sqlite3-electron');
const require = createRequire(import.meta.url);

let installJs;
try {
  installJs = require.resolve('electron/install.js');
} catch {
  process.exit(0); // production install without devDependencies: nothing to do
}
const electronDir = installJs.replace(/install\.js$/, '');
const timeoutMs = Number(process.env.RS_ELECTRON_DOWNLOAD_TIMEOUT_MS ?? 60000);
const skip = process.env.RS_SKIP_ELECTRON_DOWNLOAD === '1' || Boolean(process.env.CI);

if (!existsSync(electronDir + 'path.txt')) {
  if (skip) {
    console.log('relevance-studio: skipping the Electron download (CI or RS_SKIP_ELECTRON_DOWNLOAD=1): the studio opens in browser mode.');
    process.exit(0);
  }
  const r = spawnSync(process.execPath, [installJs], { cwd: electronDir, timeout: timeoutMs, stdio: 'pipe', encoding: 'utf8' });
  if (r.status === 0 && existsSync(electronDir + 'path.txt')) {
    console.log('relevance-studio: Electron binary installed; `npm start` opens the desktop window.');
  } else {
    const why = r.error?.code === 'ETIMEDOUT' ? `no answer within ${timeoutMs / 1000} s` : errorLine(r.stderr) || `exit ${r.status}`;
    console.log(`relevance-studio: Electron binary not available (${why}); \`npm start\` opens the studio in browser mode.`);
    process.exit(0);
  }
}

electronSqlite();

/** better-sqlite3's Electron-ABI prebuild, fetched next to (not over) Node's build. */
function electronSqlite() {
  const target = join(ELECTRON_SQLITE_DIR, 'build', 'Release', 'better_sqlite3.node');
  let electronVersion, sqlitePkg, prebuildBin;
  try {
    electronVersion = JSON.parse(readFileSync(electronDir + 'package.json', 'utf8')).version;
    sqlitePkg = require.resolve('better-sqlite3/package.json');
    prebuildBin = join(dirname(require.resolve('prebuild-install/package.json', { paths: [dirname(sqlitePkg)] })), 'bin.js');
  } catch (err) {
    console.log(`relevance-studio: cannot fetch better-sqlite3 for Electron (${err.message.split('\n')[0]}); \`npm start\` uses browser mode.`);
    return;
  }
  // a copy fetched for another Electron or better-sqlite3 version is replaced
  const stamp = join(ELECTRON_SQLITE_DIR, 'package.json');
  const sqliteVersion = JSON.parse(readFileSync(sqlitePkg, 'utf8')).version;
  const fetchedFor = existsSync(stamp) ? JSON.parse(readFileSync(stamp, 'utf8')) : null;
  if (existsSync(target) && fetchedFor?.version === sqliteVersion && fetchedFor?.electronTarget === electronVersion) return;
  if (skip) return;
  mkdirSync(ELECTRON_SQLITE_DIR, { recursive: true });
  copyFileSync(sqlitePkg, stamp); // prebuild-install reads the package's name, version and binary host from here
  const r = spawnSync(process.execPath, [prebuildBin, '--runtime', 'electron', '--target', electronVersion, '--arch', process.arch, '--platform', process.platform], {
    cwd: ELECTRON_SQLITE_DIR,
    timeout: timeoutMs,
    stdio: 'pipe',
    encoding: 'utf8',
  });
  if (r.status === 0 && existsSync(target)) {
    const pkg = JSON.parse(readFileSync(stamp, 'utf8'));
    pkg.electronTarget = electronVersion;
    writeFileSync(stamp, JSON.stringify(pkg, null, 2));
    console.log(`relevance-studio: better-sqlite3 for Electron ${electronVersion} installed; \`npm start\` opens the desktop window.`);
  } else {
    const why = r.error?.code === 'ETIMEDOUT' ? `no answer within ${timeoutMs / 1000} s` : errorLine(r.stderr) || `exit ${r.status}`;
    console.log(`relevance-studio: better-sqlite3 for Electron not available (${why}); \`npm start\` opens the studio in browser mode.`);
  }
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
  const warned = lines.find((l) => /\bwarn\b/.test(l) && !isNoise(l));
  return (thrown ?? coded ?? warned ?? lines.find((l) => !isNoise(l)) ?? '').slice(0, 200);
}
