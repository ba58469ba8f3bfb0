// Backend choice: `tensorflow` (tfjs-node-gpu, else tfjs-node) when the
// user installed it, else `wasm` (SIMD, single-threaded: wasm threads don't work in Node
// workers here), else `cpu`. RS_BACKEND=tensorflow|wasm|cpu overrides. tfjs-node is never
// a dependency (its install downloads libtensorflow); it is only looked up at run time:
//   npm install @tensorflow/tfjs-node@4.22.0     (or @tensorflow/tfjs-node-gpu@4.22.0)
import { createRequire } from 'node:module';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { StudioError } from '../../contract/errors.ts';

export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

let ready: Promise<BackendName> | null = null;

/** Picks and initialises the backend once per thread; returns its name. */
export function initBackend(prefer: string | undefined = process.env.RS_BACKEND): Promise<BackendName> {
  ready ??= choose(prefer);
  return ready;
}

/** the active backend's name in the terms above */
export function backendName(): BackendName {
  const b = tf.getBackend();
  return b === 'wasm' ? 'wasm' : b === 'cpu' ? 'cpu' : 'tensorflow';
}

async function choose(prefer: string | undefined): Promise<BackendName> {
  if (prefer && !['tensorflow', 'wasm', 'cpu'].includes(prefer)) {
    throw new StudioError('BAD_REQUEST', `RS_BACKEND=${prefer}: expected tensorflow, wasm or cpu`);
  }
  const order: BackendName[] = prefer ? [prefer as BackendName] : ['tensorflow', 'wasm', 'cpu'];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (await tryBackend(name)) return name;
      failures.push(`${name}: not installed`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new StudioError('INTERNAL', `no TF.js backend could start (${failures.join('; ')})`);
}

async function tryBackend(name: BackendName): Promise<boolean> {
  if (name === 'cpu') return tf.setBackend('cpu');
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
    wasm.setWasmPaths(dist + path.sep);
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return tf.setBackend('wasm');
  }
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    if (!resolvable(pkg)) continue;
    // a variable specifier keeps bundlers and tsc from resolving the optional package
    const spec: string = pkg;
    await import(spec);
    if (await tf.setBackend('tensorflow')) return true;
  }
  return false;
}

function resolvable(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
