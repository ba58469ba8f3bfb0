// The demo dataset goes through the store's VOC importer as the app imports it on first
// start (a copy; demo/ stays read-only): every scene, tag and ground-truth mask arrives,
// and the project's classes are the model's classes in output order.
import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createProject } from '../../../src/project/index.ts';
import { decodeLabelPng } from '../../../src/project/png.ts';
import { FASHION_CLASSES } from '../../../demo/scenes/classes.ts';
import { createSceneGenerator } from '../../../demo/scenes/generator.ts';
import { DEMO_ITEMS_DIR } from '../../../demo/scenes/idx.ts';
import { DEMO_GENERATOR } from '../../../demo/tools/build-demo.ts';

const DATASET = path.resolve(import.meta.dirname, '../../../demo/dataset');
const tmp = mkdtempSync(path.join(tmpdir(), 'demo-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('demo dataset import', () => {
  it('imports every scene with its tags and exact mask', async () => {
    const copy = path.join(tmp, 'project', 'dataset');
    cpSync(DATASET, copy, { recursive: true });
    const project = createProject(path.join(tmp, 'project'), { name: 'demo' });
    try {
      const report = await project.importDataset(copy);
      const count = readdirSync(path.join(DATASET, 'JPEGImages')).length;
      expect(report.errors).toEqual([]);
      expect(report.layout).toBe('voc');
      expect(report.added).toBe(count);
      expect(report.masks).toBe(count);
      expect(project.classes.list().map((c) => [c.index, c.name])).toEqual(FASHION_CLASSES.map((n, i) => [i + 1, n]));

      const gen = await createSceneGenerator({ ...DEMO_GENERATOR, fashionDir: DEMO_ITEMS_DIR });
      const page = project.listImages({ offset: 0, limit: 1000 });
      expect(page.total).toBe(count);
      for (const item of page.items.slice(0, 8)) {
        const k = Number(/scene_(\d+)/.exec(item.name)![1]);
        const scene = gen.sceneAt(k);
        // project class index k = model output k−1 (classes.txt order)
        expect([...item.tags].sort((a, b) => a - b)).toEqual(scene.tags.map((t) => t + 1));
        expect(item.split).toBe(k < Math.round(count * 0.8) ? 'train' : 'val');
        const mask = project.masks.current(item.id);
        expect(mask).not.toBeNull();
        expect(decodeLabelPng(mask!.png).labels).toEqual(scene.labelMap);
      }
    } finally {
      project.close();
    }
  });
});
