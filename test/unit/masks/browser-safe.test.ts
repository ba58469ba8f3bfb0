// The layering the renderer depends on: it imports from src/ only the contract and the mask
// kernel, and the kernel is browser-safe (no Node module, nothing from src/ but the
// contract), so the same code runs in the store, the jobs and the renderer.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p, ext) : ext.test(e.name) ? [p] : [];
  });
}

/** every module specifier a file imports or re-exports (static and dynamic) */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g)) out.push(m[1]);
  for (const m of text.matchAll(/import\(\s*'([^']+)'\s*\)/g)) out.push(m[1]);
  return out;
}

/** the src/ folder a relative import lands in ('contract', 'masks', …), or null outside src/ */
function srcFolder(from: string, spec: string): string | null {
  if (!spec.startsWith('.')) return null;
  const rel = relative(resolve('src'), resolve(dirname(from), spec));
  return rel.startsWith('..') ? null : rel.split(/[\\/]/)[0];
}

describe('module boundaries of the renderer and the mask kernel', () => {
  it('the renderer imports nothing from src/ but src/contract and src/masks', () => {
    const seen = new Set<string>();
    for (const f of files(resolve('renderer'), /\.(ts|svelte)$/)) {
      for (const spec of specifiers(f)) {
        const folder = srcFolder(f, spec);
        if (folder === null) continue;
        seen.add(folder);
        expect(['contract', 'masks'], `${relative('.', f)} imports ${spec}`).toContain(folder);
      }
    }
    expect([...seen].sort()).toEqual(['contract', 'masks']);
  });

  it('src/masks imports no Node module and nothing from src/ but src/contract', () => {
    for (const f of files(resolve('src/masks'), /\.ts$/)) {
      for (const spec of specifiers(f)) {
        expect(spec, relative('.', f)).not.toMatch(/^node:|^(fs|path|zlib|os|crypto|worker_threads)$/);
        const folder = srcFolder(f, spec);
        expect(folder === null || folder === 'masks' || folder === 'contract', `${relative('.', f)} imports ${spec}`).toBe(true);
        if (!spec.startsWith('.')) throw new Error(`${relative('.', f)} imports the package '${spec}'`);
      }
    }
  });
});
