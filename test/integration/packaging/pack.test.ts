// Packaging smoke test (no Electron binary here): electron-builder packs the app for Linux
// into a folder (`--linux dir`) around a stub Electron distribution, and the result is
// inspected: app.asar (read with @electron/asar) holds the bundled main/preload/worker and
// the built renderer; the wasm files and native modules are unpacked beside it, with only
// this platform's and architecture's onnxruntime; the demo project ships as a resource.
// Then the packed app's own tree runs under Node: its production dependencies load, and
// the bundled engine worker starts a TF.js backend from it (what main's engine threads do).
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildElectron } from '../../../build/electron-bundle.ts';
import { ensureRendererBuilt } from '../../../build/renderer-bundle.ts';
import { tempDir } from '../../helpers/images.ts';

const run = promisify(execFile);
const require = createRequire(import.meta.url);
const asar = require('@electron/asar') as typeof import('@electron/asar');
const ROOT = join(import.meta.dirname, '..', '..', '..');
const ARCH = process.arch === 'arm64' ? 'arm64' : 'x64';

const tmp = tempDir('studio-pack-');
let resources: string;
let entries: Set<string>;

beforeAll(async () => {
  await ensureRendererBuilt(() => {});
  await buildElectron();
  // a stand-in for the unpacked Electron distribution: electron-builder copies it and
  // renames its 'electron' executable; nothing runs it
  const dist = join(tmp.dir, 'electron-dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'electron'), '#!/bin/sh\necho "stub Electron: the packaging smoke test never runs the app"\nexit 1\n');
  chmodSync(join(dist, 'electron'), 0o755);
  writeFileSync(join(dist, 'version'), 'v41.7.1');
  const out = join(tmp.dir, 'release');
  const cli = require.resolve('electron-builder/cli.js');
  await run(process.execPath, [cli, '--linux', 'dir', `--${ARCH}`, '-c', 'build/electron-builder.config.mjs', `-c.electronDist=${dist}`, '-c.npmRebuild=false', `-c.directories.output=${out}`], {
    cwd: ROOT,
    env: { ...process.env, CI: '1', ELECTRON_BUILDER_OFFLINE: '1' },
    maxBuffer: 16 << 20,
  });
  const unpackedDir = ARCH === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked';
  resources = join(out, unpackedDir, 'resources');
  entries = new Set(asar.listPackage(join(resources, 'app.asar'), { isPack: false }).map((p) => p.replaceAll('\\', '/')));
}, 240_000);
afterAll(() => tmp.cleanup());

describe('the packed Linux app', () => {
  it('has the executable, app.asar and the package manifest pointing at the main bundle', () => {
    expect(existsSync(join(resources, '..', 'relevance-studio'))).toBe(true);
    const pkg = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString()) as { main: string };
    expect(pkg.main).toBe('dist-electron/main.js');
  });

  it('holds the main, preload and engine-worker bundles', () => {
    for (const f of ['/dist-electron/main.js', '/dist-electron/preload.cjs', '/dist-electron/engine-worker.mjs']) expect(entries.has(f), f).toBe(true);
    const main = asar.extractFile(join(resources, 'app.asar'), 'dist-electron/main.js').toString();
    expect(main).toContain('new URL("./engine-worker.mjs", import.meta.url)');
    expect(main).not.toContain('bootstrap.mjs');
  });

  it('holds the built renderer with every asset its index.html names', () => {
    expect(entries.has('/dist/renderer/index.html')).toBe(true);
    const html = asar.extractFile(join(resources, 'app.asar'), 'dist/renderer/index.html').toString();
    const assets = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(entries.has(`/dist/renderer/${a}`), a).toBe(true);
  });

  it('ships the demo project as a resource', () => {
    const demo = join(resources, 'demo');
    expect(existsSync(join(demo, 'demo.json'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(demo, 'demo.json'), 'utf8')) as { dataset?: string };
    expect(existsSync(join(demo, manifest.dataset ?? 'dataset'))).toBe(true);
  });

  it('unpacks the wasm binaries and native modules, byte for byte', () => {
    const unpacked = join(resources, 'app.asar.unpacked');
    const files = [
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm',
      'node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      `node_modules/onnxruntime-node/bin/napi-v6/linux/${ARCH}/onnxruntime_binding.node`,
    ];
    for (const f of files) {
      expect(existsSync(join(unpacked, f)), f).toBe(true);
      expect(readFileSync(join(unpacked, f)).equals(readFileSync(join(ROOT, f))), f).toBe(true);
    }
    const sharpNative = [...entries].find((e) => /^\/node_modules\/@img\/sharp-linux-[^/]+\/lib\/.*\.node$/.test(e));
    expect(sharpNative).toBeDefined();
    expect(existsSync(join(unpacked, sharpNative!))).toBe(true);
  });

  it('packs only this platform and architecture of onnxruntime, and no dev or build-only files', () => {
    const all = [...entries];
    expect(all.filter((e) => /onnxruntime-node\/bin\/napi-v\d+\/(darwin|win32)\b/.test(e))).toEqual([]);
    expect(all.filter((e) => new RegExp(`onnxruntime-node/bin/napi-v\\d+/linux/(?!${ARCH}\\b)[^/]+/`).test(e))).toEqual([]);
    for (const dev of ['electron', 'electron-builder', 'vite', 'vitest', 'typescript', 'svelte', 'tsx', 'esbuild', '@playwright/test']) {
      expect(entries.has(`/node_modules/${dev}`), dev).toBe(false);
    }
    expect(all.filter((e) => e.endsWith('.map'))).toEqual([]);
    expect(all.filter((e) => /better-sqlite3\/(deps|src)\/|obj\.target|sqlite3\.a$/.test(e))).toEqual([]);
    // nothing of the checkout but the bundles, the renderer and the manifest (no src/, test/, demo/ inside)
    expect([...new Set(all.map((e) => e.split('/')[1]))].sort()).toEqual(['dist', 'dist-electron', 'node_modules', 'package.json']);
  });

  it("the packed tree's dependencies load and the bundled engine worker starts from it (under Node)", async () => {
    const app = join(tmp.dir, 'extracted');
    asar.extractAll(join(resources, 'app.asar'), app); // unpacked files come along
    const script = `
      const { Worker } = require('node:worker_threads');
      for (const m of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', 'fast-xml-parser', 'onnx-proto', 'protobufjs', 'ws', 'sharp', 'better-sqlite3', 'onnxruntime-node']) require(m);
      const start = (workerData) => new Promise((done) => {
        const w = new Worker(require('node:path').join(process.cwd(), 'dist-electron', 'engine-worker.mjs'), { workerData });
        w.on('message', (m) => { if (m.type === 'ready') { console.log('READY ' + m.backend); w.terminate().then(done); } });
        w.on('error', (e) => { console.log('ERROR ' + e.message); process.exit(2); });
      });
      const t = setTimeout(() => { console.log('TIMEOUT'); process.exit(3); }, 120000);
      // TF.js on wasm (reads the .wasm files) and the default executor (onnxruntime's native binding)
      start({ backend: 'wasm', executor: 'tfjs' }).then(() => start({})).then(() => { clearTimeout(t); process.exit(0); });
    `;
    const { stdout } = await run(process.execPath, ['-e', script], { cwd: app, env: { ...process.env, RS_EXECUTOR: '', RS_BACKEND: '' } });
    expect(stdout.trim().split('\n')).toEqual(['READY tfjs-wasm', 'READY onnxruntime-cpu']);
  }, 150_000);
});
