// `npm run dist [-- <electron-builder args>]`: builds the renderer and the Electron bundles,
// then packs installers for this platform with build/electron-builder.config.mjs into
// release/ (Linux: AppImage, deb, tar.gz; macOS: dmg; Windows: nsis). Extra arguments go
// to electron-builder, e.g. `npm run dist -- --linux dir` or `-- --win --x64`.
// Needs the network (Electron's zip, native rebuilds, packaging tools) unless
// `-c.electronDist=<unpacked Electron>` and `-c.npmRebuild=false` say otherwise.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

const { build } = await import('vite');
await build({ configFile: join(ROOT, 'renderer', 'vite.config.ts'), logLevel: 'warn' });
const { buildElectron } = await import('./electron-bundle.ts');
const out = await buildElectron();
console.log(`bundled ${Object.values(out).map((f) => f.slice(ROOT.length + 1)).join(', ')}`);

const cli = require.resolve('electron-builder/cli.js');
const r = spawnSync(process.execPath, [cli, '-c', join('build', 'electron-builder.config.mjs'), ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(r.status ?? 1);
