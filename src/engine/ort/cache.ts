// Disk cache of compiled graphs, keyed by model hash + graph kind (method, options, layer,
// input size) + engine version. The model hash covers the graph's structure and every
// weight, so a changed model file gives a new key (the old entry is simply never read
// again). Any cache failure (read-only folder, full disk) falls back to compiling in memory.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Graph } from '../ir.ts';

/** bump whenever the compiler's output for the same inputs changes */
export const ORT_ENGINE_VERSION = 3;

/** RS_CACHE_DIR, else $XDG_CACHE_HOME or ~/.cache, + relevance-studio/onnx */
export function defaultCacheDir(): string {
  if (process.env.RS_CACHE_DIR) return path.join(process.env.RS_CACHE_DIR, 'onnx');
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'relevance-studio', 'onnx');
}

/** sha-256 of a graph's structure and weights (hex) */
export function graphHash(graph: Graph): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ input: graph.input, output: graph.output, nodes: graph.nodes }));
  for (const name of Object.keys(graph.params).sort()) {
    const p = graph.params[name];
    h.update(`${name}:${p.shape.join('x')};`);
    h.update(new Uint8Array(p.data.buffer, p.data.byteOffset, p.data.byteLength));
  }
  return h.digest('hex');
}

export interface CacheEntry {
  bytes: Uint8Array;
  /** read from disk (true) or compiled now (false) */
  hit: boolean;
  /** the cache file, null when the cache is off or unwritable */
  file: string | null;
}

export class GraphCache {
  /** `dir` null: no disk cache */
  constructor(readonly dir: string | null) {}

  fileFor(modelHash: string, kind: string): string | null {
    if (!this.dir) return null;
    const tag = createHash('sha256').update(kind).digest('hex').slice(0, 16);
    const readable = kind.split('|')[0].replace(/[^a-z0-9]+/gi, '-');
    return path.join(this.dir, `${modelHash.slice(0, 32)}_${readable}_${tag}_v${ORT_ENGINE_VERSION}.onnx`);
  }

  async get(modelHash: string, kind: string, build: () => Uint8Array): Promise<CacheEntry> {
    const file = this.fileFor(modelHash, kind);
    if (file) {
      const bytes = await readFile(file).catch(() => null);
      if (bytes) return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), hit: true, file };
    }
    const bytes = build();
    if (!file) return { bytes, hit: false, file: null };
    // write then rename: a concurrent reader (another worker) never sees half a file
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(tmp, bytes);
      await rename(tmp, file);
      return { bytes, hit: false, file };
    } catch {
      // a full disk: no half-written temp file stays behind
      await rm(tmp, { force: true }).catch(() => undefined);
      return { bytes, hit: false, file: null };
    }
  }
}
