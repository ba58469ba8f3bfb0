// The compare view shows the masks the pipeline makes: its cards' label maps (from the
// stored CAMs, at the chosen settings) equal, pixel for pixel, the PNG a job or a
// re-threshold stores for the same CAMs and settings.
import { describe, expect, it } from 'vitest';
import type { MaskThresholds } from '../../../src/contract/generation.ts';
import { maskFromStoredCams } from '../../../src/jobs/mask.ts';
import { CamField } from '../../../src/masks/cam-field.ts';
import { maskSettings, type StoredCam } from '../../../src/masks/cam-mask.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { decodeLabelPng } from '../../../src/project/png.ts';
import { compareLabels, compareMaps, type CompareRefine } from '../../../renderer/src/lib/compare-masks.ts';
import { DEFAULT_CAM_LAYER } from '../../../src/contract/generation.ts';
import { REFINE_PRESETS } from '../../../src/masks/refine/index.ts';

/** two overlapping blobs with ripples, so the band, small regions and holes all occur */
function cams(): StoredCam[] {
  const W = 14;
  const H = 10;
  const map = (cx: number, cy: number, ripple: number) =>
    Float32Array.from({ length: W * H }, (_, i) => {
      const x = i % W;
      const y = Math.floor(i / W);
      const r = Math.hypot(x - cx, y - cy);
      return Math.max(0, 1 - r / 5) + ripple * Math.sin(x * 1.7 + y * 2.3) - 0.05;
    });
  return [
    { classIndex: 3, h: H, w: W, f16: encodeFloat16(map(4, 4, 0.15)) },
    { classIndex: 1, h: H, w: W, f16: encodeFloat16(map(9, 6, 0.2)) },
  ];
}

/** what a compare card shows: its maps (CamCard keeps them across slider moves), thresholded */
function compareMask(fields: readonly CamField[], width: number, height: number, settings: MaskThresholds, refine?: CompareRefine): Uint8Array {
  return compareLabels(compareMaps(fields, width, height, DEFAULT_CAM_LAYER, refine), width, height, settings);
}

describe('compare view masks', () => {
  const settings: MaskThresholds[] = [
    { bg: 0.4, ignoreBand: 0, minArea: 0, fillHoles: false },
    { bg: 0.3, ignoreBand: 0.08, minArea: 0, fillHoles: false },
    { bg: 0.35, ignoreBand: 0.05, minArea: 40, fillHoles: true },
    { bg: 0.55, ignoreBand: 0, minArea: 25, fillHoles: true },
  ];

  it.each(settings)('equal the stored mask for %o', (s) => {
    const stored = cams();
    const W = 101;
    const H = 67;
    const pipeline = decodeLabelPng(maskFromStoredCams({ width: W, height: H, cams: stored }, maskSettings(s)).png).labels;
    const fields = stored.map((c) => new CamField(c, W, H));
    const shown = compareMask(fields, W, H, s);
    expect(shown).toEqual(pipeline);
    // not a trivial map: background, both classes, and (with a band) ignore pixels
    const present = new Set(shown);
    expect([present.has(0), present.has(1), present.has(3)]).toEqual([true, true, true]);
    if (s.ignoreBand > 0) expect(present.has(255)).toBe(true);
  });

  it('re-thresholding the kept maps gives the same masks as fresh fields', () => {
    const stored = cams();
    const fields = stored.map((c) => new CamField(c, 60, 40));
    const first = compareMask(fields, 60, 40, settings[2]);
    compareMask(fields, 60, 40, settings[3]);
    const again = compareMask(fields, 60, 40, settings[2]);
    expect(again).toEqual(first);
    expect(again).toEqual(compareMask(stored.map((c) => new CamField(c, 60, 40)), 60, 40, settings[2]));
  });

  it.each(['fast', 'best'] as const)('through the %s chain equal the stored refined mask (gate on the deeper layers, PAR on the pixels)', (name) => {
    const stored = cams();
    const W = 101;
    const H = 67;
    // the deeper layers: the same blobs, coarser; the image: two coloured discs on grey
    const coarse = (c: StoredCam, k: number): StoredCam => {
      const w = Math.ceil(c.w / k);
      const h = Math.ceil(c.h / k);
      const src = new CamField(c, w, h).upsampled();
      return { classIndex: c.classIndex, w, h, f16: encodeFloat16(src) };
    };
    const deep = { layer3: stored.map((c) => coarse(c, 2)), layer4: stored.map((c) => coarse(c, 4)) };
    const rgb = new Uint8Array(W * H * 3).fill(120);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      if (Math.hypot(x - 30, y - 30) < 18) rgb.set([220, 40, 40], i);
      if (Math.hypot(x - 70, y - 40) < 16) rgb.set([40, 200, 60], i);
    }
    const chain = REFINE_PRESETS[name];
    const s = settings[2];
    const made = maskFromStoredCams({ width: W, height: H, cams: stored, deep, rgb }, maskSettings(s), chain);
    expect(made.steps).toEqual([{ step: 'gate', ran: true }, { step: 'par', ran: true }]);
    const pipeline = decodeLabelPng(made.png).labels;
    const field = (c: StoredCam) => new CamField(c, W, H);
    const shown = compareMask(stored.map(field), W, H, s, { chain, deep: { layer3: deep.layer3.map(field), layer4: deep.layer4.map(field) }, rgb });
    expect(shown).toEqual(pipeline);
    expect(shown).not.toEqual(compareMask(stored.map(field), W, H, s));
  });
});
