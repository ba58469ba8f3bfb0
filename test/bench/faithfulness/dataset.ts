// Where the faithfulness bench's images come from: held-out scenes of the project's scene
// generator (t10k items, rendered at the model's input size; tags and label maps exact), or
// any dataset on disk: images + a tag list in `import`'s CSV layout (`image,tags`, tags by
// class name separated by ';') + ground-truth PNG label maps (`<stem>.png`, 0 background,
// k + 1 = the model's class k).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { StudioError } from '../../../src/contract/errors.ts';
import { decodeImage } from '../../../src/engine/index.ts';
import { planCsv } from '../../../src/project/import/csv.ts';
import { decodeLabelPng } from '../../../src/project/png.ts';
import { createSceneGenerator } from '../../../demo/scenes/generator.ts';
import { HELD_OUT_SEED } from '../../../demo/scenes/presets.ts';

export interface FaithImage {
  /** stable name for caches and reports */
  key: string;
  rgb: Uint8Array;
  width: number;
  height: number;
  /** the model classes the image is tagged with (0-based outputs) */
  tags: number[];
  /** ground-truth label map (k + 1 = class k), null when the dataset has none for this image */
  labels: { data: Uint8Array; width: number; height: number } | null;
}

export interface FaithDataset {
  /** for reports: what the images are */
  describe: string;
  count: number;
  image(i: number): Promise<FaithImage>;
}

/** held-out textured scenes 0…count−1 at `size` px (the seed train.py evaluates on) */
export async function sceneDataset(count: number, size: number): Promise<FaithDataset> {
  const gen = await createSceneGenerator({ split: 'test', tier: 'textured', seed: HELD_OUT_SEED, size });
  return {
    describe: `${count} held-out textured scenes (t10k items, seed ${HELD_OUT_SEED}) at ${size} px`,
    count,
    async image(i) {
      const s = gen.sceneAt(i);
      return { key: `scene-textured-${HELD_OUT_SEED}-${i}-${size}`, rgb: s.rgb, width: size, height: size, tags: s.tags, labels: { data: s.labelMap, width: size, height: size } };
    },
  };
}

/** a dataset on disk; `classNames` are the model's outputs in order (tags name them) */
export function fileDataset(imagesDir: string, tagsFile: string, gtDir: string, classNames: readonly string[], limit?: number): FaithDataset {
  if (!existsSync(imagesDir)) throw new StudioError('NOT_FOUND', `${imagesDir}: no such images folder`);
  if (!existsSync(gtDir)) throw new StudioError('NOT_FOUND', `${gtDir}: no such ground-truth folder`);
  const plan = planCsv(imagesDir, tagsFile);
  if (plan.errors.length > 0) {
    const e = plan.errors[0];
    throw new StudioError('BAD_REQUEST', `${e.file}: ${e.message}${plan.errors.length > 1 ? ` (and ${plan.errors.length - 1} more problems in ${tagsFile})` : ''}`);
  }
  const index = new Map(classNames.map((n, k) => [n, k]));
  const entries = plan.entries.slice(0, limit ?? plan.entries.length).map((e) => {
    const tags = e.tags.map((t) => {
      const k = index.get(t);
      if (k === undefined) throw new StudioError('BAD_REQUEST', `${tagsFile}: ${e.name} is tagged '${t}', which is not one of the model's classes (${classNames.join(', ')})`);
      return k;
    });
    return { file: e.file, name: e.name, tags: [...new Set(tags)].sort((a, b) => a - b) };
  });
  if (entries.length === 0) throw new StudioError('BAD_REQUEST', `${tagsFile}: lists no images`);
  return {
    describe: `${entries.length} images of ${imagesDir} (tags ${path.basename(tagsFile)}, ground truth ${gtDir})`,
    count: entries.length,
    async image(i) {
      const e = entries[i];
      const img = await decodeImage(e.file);
      const gtFile = path.join(gtDir, `${path.parse(e.file).name}.png`);
      let labels: FaithImage['labels'] = null;
      if (existsSync(gtFile)) {
        const d = decodeLabelPng(new Uint8Array(readFileSync(gtFile)), gtFile);
        labels = { data: d.labels, width: d.width, height: d.height };
      }
      const key = `file-${createHash('sha256').update(readFileSync(e.file)).digest('hex').slice(0, 16)}`;
      return { key, rgb: img.rgb, width: img.width, height: img.height, tags: e.tags, labels };
    },
  };
}
