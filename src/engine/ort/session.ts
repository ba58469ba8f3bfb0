// onnxruntime-node sessions: loading the package (optional at run time: anything failing
// here makes the executor choice fall back to TF.js), execution providers, session options.
//
// Providers: CPU always. A GPU provider is tried first where it can exist — CUDA on Linux /
// Windows x64 (its binaries are not in the npm package: `npm install` skips onnxruntime-
// node's download script, see environment.md; users add them with
// `node node_modules/onnxruntime-node/script/install --onnxruntime-node-install=cuda12`),
// DirectML on Windows (bundled), CoreML on macOS (bundled). A provider whose session
// creation fails is remembered and never tried again in this thread; nothing fails.
// RS_ORT_PROVIDER=cpu|cuda|dml|coreml (comma list) overrides the order; RS_ORT_THREADS sets
// intra-op threads (default 1 for a session made here; the engine host gives each worker's
// sessions the cores divided by the workers: one each at one worker per core, the robust
// setting on a shared CPU, all of them for a lone worker such as the studio's preview).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as Ort from 'onnxruntime-node';

export type OrtModule = typeof Ort;
export type OrtProvider = 'cpu' | 'cuda' | 'dml' | 'coreml';

let loaded: Promise<OrtModule | null> | null = null;
let loadError = '';

/** onnxruntime-node, or null when it can't load (missing package, binary for another platform…) */
export function loadOrt(): Promise<OrtModule | null> {
  loaded ??= (async () => {
    try {
      const spec: string = 'onnxruntime-node';
      const mod = (await import(spec)) as OrtModule & { default?: OrtModule };
      const ort = mod.InferenceSession ? mod : (mod.default as OrtModule);
      if (!ort?.InferenceSession) throw new Error('the package has no InferenceSession');
      return ort;
    } catch (e) {
      loadError = (e as Error).message;
      return null;
    }
  })();
  return loaded;
}

/** why loadOrt() returned null */
export function ortLoadError(): string {
  return loadError;
}

const failed = new Set<OrtProvider>();

function bindingDir(): string | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('onnxruntime-node/package.json');
    return path.join(path.dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return null;
  }
}

/** providers to try, best first; always ends with cpu */
export function providerOrder(env: string | undefined = process.env.RS_ORT_PROVIDER): OrtProvider[] {
  const valid: OrtProvider[] = ['cpu', 'cuda', 'dml', 'coreml'];
  if (env) {
    const asked = env.split(',').map((s) => s.trim()).filter((s): s is OrtProvider => (valid as string[]).includes(s));
    return [...new Set([...asked, 'cpu' as const])];
  }
  const order: OrtProvider[] = [];
  const dir = bindingDir();
  const has = (f: string) => dir !== null && existsSync(path.join(dir, f));
  if ((process.platform === 'linux' && has('libonnxruntime_providers_cuda.so')) || (process.platform === 'win32' && has('onnxruntime_providers_cuda.dll'))) order.push('cuda');
  if (process.platform === 'win32') order.push('dml');
  if (process.platform === 'darwin') order.push('coreml');
  order.push('cpu');
  return order;
}

/** intra-op threads: `asked`, else RS_ORT_THREADS, else `fallback` */
export function sessionThreads(asked?: number, fallback = 1): number {
  if (asked !== undefined && asked >= 1) return Math.floor(asked);
  return Math.max(1, Math.floor(Number(process.env.RS_ORT_THREADS) || fallback));
}

export interface SessionConfig {
  /** intra-op threads (default RS_ORT_THREADS or 1) */
  threads?: number;
  providers?: OrtProvider[];
}

function options(provider: OrtProvider, threads: number): Ort.InferenceSession.SessionOptions {
  return {
    executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
    // a GPU provider that can't load is expected (we fall back); don't print its error
    logSeverityLevel: provider === 'cpu' ? 2 : 4,
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    enableCpuMemArena: true,
    // DirectML wants no memory pattern
    enableMemPattern: provider !== 'dml',
    // spinning threads steal the core from the other workers (environment.md)
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

export interface OpenSession {
  session: Ort.InferenceSession;
  provider: OrtProvider;
}

/** creates a session on the best provider that works (never fails over a GPU provider) */
export async function createSession(ort: OrtModule, bytes: Uint8Array, cfg: SessionConfig = {}): Promise<OpenSession> {
  const threads = sessionThreads(cfg.threads);
  const order = cfg.providers ?? providerOrder();
  let lastError: Error | null = null;
  for (const provider of order) {
    if (failed.has(provider) && provider !== 'cpu') continue;
    try {
      return { session: await ort.InferenceSession.create(bytes, options(provider, threads)), provider };
    } catch (e) {
      lastError = e as Error;
      if (provider !== 'cpu') failed.add(provider);
    }
  }
  throw lastError ?? new Error('no onnxruntime execution provider');
}
