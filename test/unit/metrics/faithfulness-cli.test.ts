// `npm run bench -- faithfulness --images DIR --tags FILE --gt DIR --model FILE [--layers …]
// [--json OUT]` on a tiny dataset written here from the committed demo project (three scenes,
// a tag list in import's CSV layout, their PNG label maps): the JSON has exactly the row keys
// issue #27 names, one row per method × layer (+ CLRP at the input), values in range, and the
// localisation IoU of one row equals what the engine and the box of each tagged class give
// when computed here directly. Bad arguments are one-line errors.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { run } from '../../bench/faithfulness.bench.ts';
import { boxMask, localisationIous } from '../../bench/metrics/faithfulness.ts';
import { createCamExecutor, decodeImage, displayMap, loadModel, preprocessRgb, readPreprocessFor } from '../../../src/engine/index.ts';
import { decodeLabelPng } from '../../../src/project/png.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const MODEL = path.join(ROOT, 'demo/model/classifier.onnx');
const SCENES = ['scene_0003', 'scene_0011', 'scene_0024'];
const KEYS = ['method', 'layer', 'averageDrop', 'increase', 'averageDropStd', 'increaseStd', 'deletionAuc', 'insertionAuc', 'locIoU25', 'locIoU75', 'locIoU25TopK', 'locIoU75TopK'];

const dir = mkdtempSync(path.join(tmpdir(), 'faith-cli-'));
const images = path.join(dir, 'images');
const gt = path.join(dir, 'gt');
const tagsFile = path.join(dir, 'tags.csv');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const classNames = readFileSync(path.join(ROOT, 'demo/model/classes.txt'), 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);

/** the scene's tags: the classes present in its label map */
function tagsOf(scene: string): number[] {
  const d = decodeLabelPng(new Uint8Array(readFileSync(path.join(gt, `${scene}.png`))));
  return [...new Set(d.labels)].filter((v) => v > 0 && v <= classNames.length).map((v) => v - 1).sort((a, b) => a - b);
}

function writeDataset(): void {
  mkdirSync(images);
  mkdirSync(gt);
  for (const s of SCENES) {
    copyFileSync(path.join(ROOT, 'demo/dataset/JPEGImages', `${s}.jpg`), path.join(images, `${s}.jpg`));
    copyFileSync(path.join(ROOT, 'demo/dataset/SegmentationClass', `${s}.png`), path.join(gt, `${s}.png`));
  }
  const lines = ['image,tags', ...SCENES.map((s) => `${s}.jpg,"${tagsOf(s).map((k) => classNames[k]).join(';')}"`)];
  writeFileSync(tagsFile, lines.join('\n') + '\n');
}

async function bench(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a) => void err.push(a.join(' ')));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    await run(args);
    return { out: out.join('\n'), err: err.join('\n'), code: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = undefined;
    log.mockRestore();
    error.mockRestore();
    stderr.mockRestore();
  }
}

describe('faithfulness bench on a dataset given by flags', () => {
  writeDataset();
  const dataset = ['--images', images, '--tags', tagsFile, '--gt', gt, '--model', MODEL];

  it('writes one row per method × layer (and CLRP at the input) with exactly the issue\'s keys', async () => {
    const jsonFile = path.join(dir, 'rows.json');
    const r = await bench([...dataset, '--layers', 'layer3,layer4', '--methods', 'rcam,clrp,gradcam', '--steps', '3', '--no-cache', '--json', jsonFile]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Beside the paper\'s Table 2');
    const doc = JSON.parse(readFileSync(jsonFile, 'utf8')) as { rows: Record<string, unknown>[] };
    expect(Object.keys(doc)).toEqual(['rows']);
    expect(doc.rows.map((x) => `${x.method}@${x.layer}`)).toEqual(['rcam@layer3', 'rcam@layer4', 'clrp@layer3', 'clrp@layer4', 'gradcam@layer3', 'gradcam@layer4', 'clrp@input']);
    for (const row of doc.rows) {
      expect(Object.keys(row)).toEqual(KEYS);
      for (const k of ['increase', 'averageDropStd', 'increaseStd']) expect(row[k] as number).toBeGreaterThanOrEqual(0);
      for (const k of ['increase', 'averageDropStd', 'increaseStd']) expect(row[k] as number).toBeLessThanOrEqual(100);
      for (const k of KEYS.slice(6)) {
        expect(row[k] as number).toBeGreaterThanOrEqual(0);
        expect(row[k] as number).toBeLessThanOrEqual(1);
      }
    }

    // rcam@layer4's IoU at 25 % of max, computed here from the engine and the label maps
    const graph = await loadModel(MODEL);
    const pre = await readPreprocessFor(MODEL);
    const exec = await createCamExecutor(graph);
    const ious: number[] = [];
    try {
      for (const s of SCENES) {
        const img = await decodeImage(path.join(images, `${s}.jpg`));
        const x = preprocessRgb(img.rgb, img.width, img.height, pre).data;
        const tags = tagsOf(s);
        const res = await exec.run(x, [128, 128], { method: 'rcam', layer: 'layer4', targets: tags });
        const labels = decodeLabelPng(new Uint8Array(readFileSync(path.join(gt, `${s}.png`))));
        res.maps.forEach((m, j) => {
          const box = boxMask(labels.labels, labels.width, labels.height, tags[j] + 1, 128, 128) as Uint8Array;
          ious.push(localisationIous(displayMap(m.data, m.h, m.w, 128, 128), box).locIoU25);
        });
      }
    } finally {
      await exec.dispose();
    }
    const want = ious.reduce((a, v) => a + v, 0) / ious.length;
    expect(doc.rows[1].locIoU25 as number).toBeCloseTo(want, 6);
  });

  it('a dataset missing one of its flags, or tagged with a class the model lacks, is a one-line error', async () => {
    const r = await bench(['--images', images, '--tags', tagsFile, '--model', MODEL]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('bench faithfulness: a dataset needs all of --images DIR --tags FILE --gt DIR --model FILE');
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, `image,tags\n${SCENES[0]}.jpg,Umbrella\n`);
    const b = await bench(['--images', images, '--tags', bad, '--gt', gt, '--model', MODEL]);
    expect(b.code).toBe(2);
    expect(b.err).toMatch(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${SCENES[0]}.jpg is tagged 'Umbrella', which is not one of the model's classes`));
    expect(b.err.split('\n')).toHaveLength(1);
  });
});
