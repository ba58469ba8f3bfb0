// Writes a contact sheet of scenes (top row: images, bottom row: label maps in a palette)
// to look at the generator's output: npx tsx demo/tools/preview-scenes.ts out.png [split] [tier] [seed] [n]
import sharp from 'sharp';
import { createSceneGenerator, type SceneTier } from '../scenes/generator.ts';

const PALETTE: [number, number, number][] = [
  [0, 0, 0], [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48],
  [145, 30, 180], [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 190],
];

async function main(): Promise<void> {
  const [out = 'scenes.png', split = 'test', tier = 'mixed', seed = '1', n = '8'] = process.argv.slice(2);
  const count = Number(n);
  const gen = await createSceneGenerator({ split: split as 'train' | 'test', tier: tier as SceneTier | 'mixed', seed: Number(seed) });
  const S = gen.options.size;
  const sheet = new Uint8Array(count * S * 2 * S * 3);
  const W = count * S;
  for (let k = 0; k < count; k++) {
    const s = gen.next();
    for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) {
      const i = y * S + x;
      const top = (y * W + k * S + x) * 3, bot = ((y + S) * W + k * S + x) * 3;
      for (let c = 0; c < 3; c++) {
        sheet[top + c] = s.rgb[3 * i + c];
        sheet[bot + c] = PALETTE[s.labelMap[i]][c];
      }
    }
    console.log(s.index, s.tier, s.tags.join(','));
  }
  await sharp(Buffer.from(sheet), { raw: { width: W, height: 2 * S, channels: 3 } }).png().toFile(out);
}

await main();
