// Bundles the Electron side into dist-electron/ with esbuild:
//   main.js           electron/main.ts (ESM)
//   preload.cjs       electron/preload.ts (CommonJS: a sandboxed preload cannot load ES modules)
//   engine-worker.mjs src/jobs/workers/worker.ts (the engine's worker thread with the jobs'
//                     per-image pipeline; it serves plain engine requests too; no tsx needed)
// Native and heavy packages stay external and load from node_modules.
//
// Source files locate things next to themselves with `import.meta.url` (package.json, the
// demo, tfjs's wasm files). In a bundle that would be the bundle's URL, so each source
// file's `import.meta.url` is rewritten to its own original location, expressed relative
// to the bundle (dist-electron/ → ../src/…): right in the checkout and inside app.asar.
// The engine host starts its workers through a tsx bootstrap in development; in the
// bundle it starts engine-worker.mjs instead.
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const ELECTRON_OUT = join(ROOT, 'dist-electron');
export const WORKER_BUNDLE = 'engine-worker.mjs';

const EXTERNAL = ['electron', 'better-sqlite3', 'sharp', 'ws', '@tensorflow/*', 'onnxruntime-node', 'vite', 'esbuild', 'tsx', 'tsx/*'];
const HOST_FILE = join('src', 'engine', 'worker', 'host.ts');
const BOOTSTRAP_REF = "new URL('./bootstrap.mjs', import.meta.url)";

/** The rewrite of one source file (exported for the test). */
export function rewriteImportMetaUrl(source: string, file: string, outDir: string, root = ROOT): string {
  let text = source;
  const rel = relative(root, file);
  if (rel === HOST_FILE) {
    if (!text.includes(BOOTSTRAP_REF)) throw new Error(`${file}: expected ${BOOTSTRAP_REF} (the worker bootstrap) to redirect it to ${WORKER_BUNDLE}`);
    // placeholder so the general rewrite below leaves the bundle-relative reference alone
    text = text.replace(BOOTSTRAP_REF, `new URL('./${WORKER_BUNDLE}', __BUNDLE_URL__)`);
  }
  const fromBundle = relative(outDir, file).split(sep).join('/');
  text = text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromBundle)}, import.meta.url).href`);
  return text.replaceAll('__BUNDLE_URL__', 'import.meta.url');
}

export function sourceUrls(outDir: string): Plugin {
  const srcDir = join(ROOT, 'src') + sep;
  return {
    name: 'studio-source-urls',
    setup(build) {
      build.onLoad({ filter: /\.ts$/ }, async (args) => {
        if (!args.path.startsWith(srcDir)) return undefined;
        const text = await readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        return { contents: rewriteImportMetaUrl(text, args.path, outDir), loader: 'ts' };
      });
    },
  };
}

export async function buildElectron(outDir = ELECTRON_OUT): Promise<{ main: string; preload: string; worker: string }> {
  const esbuild = await import('esbuild');
  const common = { bundle: true, platform: 'node' as const, target: 'node20', sourcemap: true, logLevel: 'warning' as const, external: EXTERNAL };
  // bundled CommonJS dependencies call require(); an ES module has none of its own
  const esm = {
    format: 'esm' as const,
    banner: { js: "import { createRequire as __studioRequire } from 'node:module'; const require = __studioRequire(import.meta.url);" },
    plugins: [sourceUrls(outDir)],
  };
  const main = join(outDir, 'main.js');
  const preload = join(outDir, 'preload.cjs');
  const worker = join(outDir, WORKER_BUNDLE);
  await esbuild.build({ ...common, ...esm, entryPoints: [join(ROOT, 'electron', 'main.ts')], outfile: main });
  await esbuild.build({ ...common, ...esm, entryPoints: [join(ROOT, 'src', 'jobs', 'workers', 'worker.ts')], outfile: worker });
  await esbuild.build({ ...common, entryPoints: [join(ROOT, 'electron', 'preload.ts')], outfile: preload, format: 'cjs' });
  return { main, preload, worker };
}
