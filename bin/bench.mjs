#!/usr/bin/env node
// `npm run bench -- <name> [args]`: runs test/bench/<name>.bench.ts (a module exporting
// `run(args)`), or every benchmark when no name is given. Benchmarks print tables with
// ratios against a baseline measured in the same run; they are not tests.
import { register } from 'tsx/esm/api';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

register();
const dir = fileURLToPath(new URL('../test/bench/', import.meta.url));
const available = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const [name, ...args] = process.argv.slice(2);
const names = name ? [name] : available;
for (const n of names) {
  if (!available.includes(n)) {
    console.error(`bench: no benchmark '${n}' (available: ${available.join(', ') || 'none'})`);
    process.exit(2);
  }
  console.log(`\n## bench ${n}\n`);
  const mod = await import(new URL(`../test/bench/${n}.bench.ts`, import.meta.url).href);
  await mod.run(args);
}
