import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSceneGenerator, itemSource, splitImages, type Scene } from '../../../demo/scenes/generator.ts';
import { ITEM_ALPHA_THRESHOLD, itemAlpha } from '../../../demo/scenes/composite.ts';
import { DEMO_ITEMS_DIR, readFashionLabels } from '../../../demo/scenes/idx.ts';
import { DEMO_SCENES } from '../../../demo/scenes/presets.ts';
import { requireFashionMnist } from '../../helpers/system-data.ts';

requireFashionMnist();

function sceneHash(scenes: Scene[]): string {
  const h = createHash('sha256');
  for (const s of scenes) {
    h.update(s.rgb);
    h.update(s.labelMap);
  }
  return h.digest('hex');
}

/** The label map recomputed from the scene's item list, painting bottom to top. */
function labelMapFromItems(scene: Scene, split: 'train' | 'test'): Uint8Array {
  const S = scene.size;
  const images = splitImages(split);
  const out = new Uint8Array(S * S);
  for (const it of scene.items) {
    const a = itemAlpha(itemSource(images, it.sourceIndex, it.flipped), it.size);
    for (let j = 0; j < it.size; j++) {
      for (let i = 0; i < it.size; i++) if (a[j * it.size + i] >= ITEM_ALPHA_THRESHOLD) out[(it.y + j) * S + it.x + i] = it.label + 1;
    }
  }
  return out;
}

describe('scene generator', () => {
  it('gives the same bytes for the same seed, other bytes for another seed', async () => {
    const a = await createSceneGenerator({ split: 'test', tier: 'mixed', seed: 11 });
    const b = await createSceneGenerator({ split: 'test', tier: 'mixed', seed: 11 });
    const c = await createSceneGenerator({ split: 'test', tier: 'mixed', seed: 12 });
    const sa = Array.from({ length: 6 }, () => a.next());
    expect(sceneHash(sa)).toBe(sceneHash(Array.from({ length: 6 }, () => b.next())));
    expect(sceneHash(sa)).not.toBe(sceneHash(Array.from({ length: 6 }, () => c.next())));
    // random access equals the stream
    expect(sceneHash([a.sceneAt(3)])).toBe(sceneHash([sa[3]]));
  });

  it('reproduces the committed golden hash (bit-identical across machines)', async () => {
    const g = await createSceneGenerator({ split: 'test', tier: 'mixed', seed: 2017 });
    const scenes = Array.from({ length: 4 }, (_, i) => g.sceneAt(i));
    // the same value as demo/model/expected-logits.json's rgbSha256 for scene 0
    expect(createHash('sha256').update(scenes[0].rgb).digest('hex')).toBe(GOLDEN_SCENE0_RGB);
    expect(sceneHash(scenes)).toBe(GOLDEN_4_SCENES);
  });

  it('label maps match the pasted items and tags are the classes present', async () => {
    for (const split of ['train', 'test'] as const) {
      const g = await createSceneGenerator({ split, tier: 'mixed', seed: 3 });
      for (let k = 0; k < 40; k++) {
        const s = g.next();
        expect(s.labelMap).toEqual(labelMapFromItems(s, split));
        const present = new Set(s.labelMap);
        present.delete(0);
        expect(s.tags).toEqual([...present].map((v) => v - 1).sort((x, y) => x - y));
        expect(s.items.length).toBeGreaterThanOrEqual(1);
        expect(s.items.length).toBeLessThanOrEqual(3);
        expect(new Set(s.items.map((i) => i.label)).size).toBe(s.items.length);
        for (const it of s.items) {
          expect(it.x).toBeGreaterThanOrEqual(0);
          expect(it.y).toBeGreaterThanOrEqual(0);
          expect(it.x + it.size).toBeLessThanOrEqual(s.size);
          expect(it.y + it.size).toBeLessThanOrEqual(s.size);
        }
      }
    }
  });

  it('draws items of the scene class from the requested split', async () => {
    const testLabels = readFashionLabels('test');
    const trainLabels = readFashionLabels('train');
    expect(testLabels.length).toBe(10000);
    expect(trainLabels.length).toBe(60000);
    for (const [split, labels] of [['test', testLabels], ['train', trainLabels]] as const) {
      const g = await createSceneGenerator({ split, tier: 'flat', seed: 8 });
      for (let k = 0; k < 30; k++) for (const it of g.next().items) expect(labels[it.sourceIndex]).toBe(it.label);
    }
  });

  it('tiers differ: flat backgrounds are one colour, textured ones vary', async () => {
    const outsideItems = (s: Scene) => {
      const colours = new Set<number>();
      for (let y = 0; y < s.size; y++) {
        for (let x = 0; x < s.size; x++) {
          if (s.items.some((it) => x >= it.x && x < it.x + it.size && y >= it.y && y < it.y + it.size)) continue;
          const o = 3 * (y * s.size + x);
          colours.add((s.rgb[o] << 16) | (s.rgb[o + 1] << 8) | s.rgb[o + 2]);
        }
      }
      return colours.size;
    };
    const flat = await createSceneGenerator({ split: 'test', tier: 'flat', seed: 4 });
    const tex = await createSceneGenerator({ split: 'test', tier: 'textured', seed: 4 });
    for (let k = 0; k < 10; k++) {
      const f = flat.next();
      const t = tex.next();
      expect(f.tier).toBe('flat');
      expect(t.tier).toBe('textured');
      expect(outsideItems(f)).toBe(1);
      expect(outsideItems(t)).toBeGreaterThan(50);
    }
    const mixed = await createSceneGenerator({ split: 'test', tier: 'mixed', seed: 4 });
    const tiers = new Set(Array.from({ length: 20 }, () => mixed.next().tier));
    expect(tiers).toEqual(new Set(['flat', 'textured']));
  });

  it('the committed demo subset renders the demo scenes exactly as the full dataset does, and refuses others', async () => {
    const full = await createSceneGenerator(DEMO_SCENES);
    const subset = await createSceneGenerator({ ...DEMO_SCENES, fashionDir: DEMO_ITEMS_DIR });
    const n = 60;
    expect(sceneHash(Array.from({ length: n }, (_, i) => subset.sceneAt(i)))).toBe(sceneHash(Array.from({ length: n }, (_, i) => full.sceneAt(i))));
    const other = await createSceneGenerator({ ...DEMO_SCENES, seed: 5, fashionDir: DEMO_ITEMS_DIR });
    expect(() => Array.from({ length: 10 }, (_, i) => other.sceneAt(i))).toThrow(/Fashion-MNIST item \d+ is not in .*fashion-mnist-demo.*install Debian's dataset-fashion-mnist/);
  });

  it('renders other sizes', async () => {
    const g = await createSceneGenerator({ split: 'test', tier: 'textured', seed: 1, size: 64 });
    const s = g.next();
    expect(s.rgb.length).toBe(64 * 64 * 3);
    expect(s.labelMap).toEqual(labelMapFromItems(s, 'test'));
  });
});

const GOLDEN_SCENE0_RGB = '2ea5928da57adaabc19ec063fe1a75df07748126be2287f7d4b50f771afb1d81';
const GOLDEN_4_SCENES = '860b3704ec71879e61502f11fdc35ab3864e466cfc027ede1c2c4bda77b5ddcb';
