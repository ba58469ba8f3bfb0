// Prints sha256 hashes of generated scenes (rgb + label map), to check that the generator is
// bit-identical on another machine: npx tsx demo/tools/scene-hash.ts [split] [tier] [seed] [count]
import { createHash } from 'node:crypto';
import { createSceneGenerator, type SceneTier } from '../scenes/generator.ts';

const [split = 'test', tier = 'mixed', seed = '2017', count = '4'] = process.argv.slice(2);
const g = await createSceneGenerator({ split: split as 'train' | 'test', tier: tier as SceneTier | 'mixed', seed: Number(seed) });
const all = createHash('sha256');
for (let i = 0; i < Number(count); i++) {
  const s = g.sceneAt(i);
  all.update(s.rgb);
  all.update(s.labelMap);
  console.log(i, s.tier, s.tags.join(','), 'rgb', createHash('sha256').update(s.rgb).digest('hex'));
}
console.log('all', all.digest('hex'));
