// Masks are byte for byte what the pipeline made before it moved into the engine workers
// (and before the PAR step's layout changed): golden/masks-c0b0b99.json holds, for the first
// six demo scenes, the float16 maps that pipeline stored (layer2, and layer3/4 for the
// gate) and the sha256 of the mask PNG it made from them for each preset × four mask
// settings, recorded with the code of commit c0b0b99. The maps are the recorded bytes (a
// model run may differ in the last bit between machines); the chain, labels and PNG run
// here, through the worker pipeline's mask task, which reads and decodes the image itself.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openPipeline } from '../../../src/jobs/workers/pipeline.ts';
import { maskSettings, type MaskSettings, type StoredCam } from '../../../src/masks/cam-mask.ts';
import { REFINE_PRESETS, type RefinePreset } from '../../../src/masks/refine/index.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

interface Golden {
  settings: Partial<MaskSettings>[];
  images: {
    image: string;
    width: number;
    height: number;
    cams: { classIndex: number; h: number; w: number; f16: string }[];
    deep: Record<string, { classIndex: number; h: number; w: number; f16: string }[]>;
    masks: Record<string, string>;
  }[];
}

const golden = JSON.parse(readFileSync(path.join(import.meta.dirname, 'golden', 'masks-c0b0b99.json'), 'utf8')) as Golden;
const stored = (cs: Golden['images'][number]['cams']): StoredCam[] => cs.map((c) => ({ classIndex: c.classIndex, h: c.h, w: c.w, f16: new Uint8Array(Buffer.from(c.f16, 'base64')) }));
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('masks equal the recorded ones', () => {
  const pipeline = openPipeline({ spec: null, keepPixels: 2 }, null);
  it.each(['none', 'fast', 'best'] as RefinePreset[])('chain %s: every recorded image and setting gives the same PNG bytes', async (preset) => {
    let checked = 0;
    for (const g of golden.images) {
      for (const [i, s] of golden.settings.entries()) {
        const made = await pipeline.mask({ width: g.width, height: g.height, cams: stored(g.cams), deep: Object.fromEntries(Object.entries(g.deep).map(([l, cs]) => [l, stored(cs)])), file: path.join(ROOT, g.image), settings: maskSettings(s), refine: REFINE_PRESETS[preset] });
        expect(sha(made.png), `${g.image} ${preset} settings ${i}`).toBe(g.masks[`${preset}/${i}`]);
        if (preset !== 'none') expect(made.steps).toEqual([{ step: 'gate', ran: true }, { step: 'par', ran: true }]);
        checked++;
      }
    }
    expect(checked).toBe(golden.images.length * golden.settings.length);
  });
});
