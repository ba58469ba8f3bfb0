// The Electron bundles (esbuild, into a temp folder): the sandboxed preload requires only
// 'electron'; source files keep their own location for import.meta.url; the engine host
// starts the bundled worker instead of the tsx bootstrap. Plus where main looks for the
// Electron-ABI better-sqlite3.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { electronSqliteBinding, isAbiMismatch } from '../../../electron/native.ts';
import { buildElectron, rewriteImportMetaUrl } from '../../../build/electron-bundle.ts';
import { tempDir } from '../../helpers/images.ts';

const tmp = tempDir('studio-bundle-');
let out: { main: string; preload: string; worker: string };
beforeAll(async () => {
  out = await buildElectron(join(tmp.dir, 'dist-electron'));
}, 120_000);
afterAll(() => tmp.cleanup());

describe('bundles', () => {
  it('the preload requires nothing but electron (a sandboxed preload cannot)', () => {
    const text = readFileSync(out.preload, 'utf8');
    const required = [...text.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(text).toContain('exposeInMainWorld("studio"');
    expect(text).toContain('exposeInMainWorld("studioDesktop"');
  });
  it('main starts the bundled engine worker, not the tsx bootstrap', () => {
    const text = readFileSync(out.main, 'utf8');
    expect(text).toContain('new URL("./engine-worker.mjs", import.meta.url)');
    expect(text).not.toContain('bootstrap.mjs');
    expect(readFileSync(out.worker, 'utf8')).not.toMatch(/from ["']tsx/);
  });
});

describe('import.meta.url rewrite', () => {
  const root = '/repo';
  const outDir = '/repo/dist-electron';
  it("points each source file's import.meta.url at its own place, relative to the bundle", () => {
    const src = "const p = new URL('../../package.json', import.meta.url);";
    expect(rewriteImportMetaUrl(src, '/repo/src/project/version.ts', outDir, root)).toBe(`const p = new URL('../../package.json', new URL("../src/project/version.ts", import.meta.url).href);`);
    // what that resolves to from the bundle: the checkout's package.json
    const bundleUrl = 'file:///repo/dist-electron/main.js';
    expect(new URL('../../package.json', new URL('../src/project/version.ts', bundleUrl).href).pathname).toBe('/repo/package.json');
  });
  it('redirects the engine host to the worker bundle, and fails loudly if the host changes', () => {
    const host = "const BOOTSTRAP = new URL('./bootstrap.mjs', import.meta.url);\nconst ENTRY = new URL('./worker.ts', import.meta.url).href;";
    const r = rewriteImportMetaUrl(host, '/repo/src/engine/worker/host.ts', outDir, root);
    expect(r).toContain("const BOOTSTRAP = new URL('./engine-worker.mjs', import.meta.url);");
    expect(r).toContain('new URL("../src/engine/worker/host.ts", import.meta.url).href');
    expect(() => rewriteImportMetaUrl('const x = 1;', '/repo/src/engine/worker/host.ts', outDir, root)).toThrow(/bootstrap/);
  });
});

describe('Electron-ABI better-sqlite3', () => {
  it('is looked up in its own folder, never in Node’s build', () => {
    const seen: string[] = [];
    expect(electronSqliteBinding('/app', (p) => (seen.push(p), false))).toBeNull();
    expect(seen).toEqual([resolve('/app/node_modules/.relevance-studio/better-sqlite3-electron/build/Release/better_sqlite3.node')]);
    expect(electronSqliteBinding('/app', () => true)).toBe(seen[0]);
  });
  it('recognises an ABI mismatch', () => {
    expect(isAbiMismatch("The module '/x/better_sqlite3.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 145.")).toBe(true);
    expect(isAbiMismatch('/p/project.sqlite: cannot open the project database (SQLITE_CANTOPEN)')).toBe(false);
  });
});
