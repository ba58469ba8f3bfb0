// Writes scenes as fixed-size binary records to stdout, for the Python training script:
//   npx tsx demo/tools/stream-scenes.ts --split train --tier mixed --seed 7 --start 0 --count 1000 [--size 128]
// Record (no header), S = size:  rgb S·S·3 bytes (row-major RGB) | label map S·S bytes
//   (0 bg, 1..10 = class+1) | tags 10 bytes (multi-hot over model outputs) | tier 1 byte (0 flat, 1 textured)
import { once } from 'node:events';
import { createSceneGenerator, type SceneTier } from '../scenes/generator.ts';
import { NUM_CLASSES } from '../scenes/classes.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const split = arg('split', 'train');
  const tier = arg('tier', 'mixed');
  if (split !== 'train' && split !== 'test') throw new Error(`--split must be train or test, got ${split}`);
  if (!['flat', 'textured', 'mixed'].includes(tier)) throw new Error(`--tier must be flat, textured or mixed, got ${tier}`);
  const gen = await createSceneGenerator({
    split, tier: tier as SceneTier | 'mixed', seed: Number(arg('seed', '0')),
    start: Number(arg('start', '0')), size: Number(arg('size', '128')),
  });
  const count = Number(arg('count', '100'));
  const S = gen.options.size;
  const recordSize = S * S * 4 + NUM_CLASSES + 1;
  for (let n = 0; n < count; n++) {
    const s = gen.next();
    const rec = Buffer.alloc(recordSize);
    rec.set(s.rgb, 0);
    rec.set(s.labelMap, S * S * 3);
    for (const t of s.tags) rec[S * S * 4 + t] = 1;
    rec[recordSize - 1] = s.tier === 'flat' ? 0 : 1;
    if (!process.stdout.write(rec)) await once(process.stdout, 'drain');
  }
}

// The reader may stop early (the trainer's prefetcher at the end): that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main().catch((e: unknown) => {
  process.stderr.write(`stream-scenes: ${(e as Error).message}\n`);
  process.exit(1);
});
