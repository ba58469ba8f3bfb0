// Bundles electron/main.ts (ESM) and electron/preload.ts (CommonJS: a sandboxed preload
// cannot load ES modules) into dist-electron/ with esbuild, which Vite and tsx bring along.
// Native and heavy packages stay external and load from node_modules.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ELECTRON_OUT = join(ROOT, 'dist-electron');

const EXTERNAL = ['electron', 'better-sqlite3', 'sharp', 'ws', '@tensorflow/*', 'onnxruntime-node', 'vite'];

export async function buildElectron(): Promise<{ main: string; preload: string }> {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node' as const, target: 'node20', sourcemap: true, logLevel: 'warning' as const, external: EXTERNAL };
  const main = join(ELECTRON_OUT, 'main.js');
  const preload = join(ELECTRON_OUT, 'preload.cjs');
  await esbuild.build({
    ...common,
    entryPoints: [join(ROOT, 'electron', 'main.ts')],
    outfile: main,
    format: 'esm',
    // bundled CommonJS dependencies call require(); an ES module has none of its own
    banner: { js: "import { createRequire as __studioRequire } from 'node:module'; const require = __studioRequire(import.meta.url);" },
  });
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'electron', 'preload.ts')], outfile: preload, format: 'cjs' });
  return { main, preload };
}
