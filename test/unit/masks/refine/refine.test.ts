// The refinement chain end to end: CAMs + image → labels.
import { describe, expect, it } from 'vitest';
import { camsToLabels, type ClassCam } from '../../../../src/masks/cam-mask.ts';
import { ConfusionMatrix } from '../../../../src/masks/confusion.ts';
import { downsampleRgb, refinedLabels, refineMaps, workSize, type RefineSettings } from '../../../../src/masks/refine/index.ts';

const CHAIN: RefineSettings = { workSide: 128, gate: { deep: ['layer3'], a: 0.5 }, par: { dilations: [1, 4, 16], iterations: 10, colour: 0.3, position: 0.01 } };

/**
 * A 64×64 scene: a red 24×24 square (class 1) on grey; its layer2 CAM (8×8) lights the
 * square's outline and a stripe of background texture, its layer3 CAM (4×4) a blob on it.
 */
function scene() {
  const W = 64, H = 64;
  const rgb = new Uint8Array(W * H * 3).fill(128);
  const gt = new Uint8Array(W * H);
  for (let y = 20; y < 44; y++) for (let x = 20; x < 44; x++) {
    const i = y * W + x;
    gt[i] = 1;
    rgb[3 * i] = 220; rgb[3 * i + 1] = 30; rgb[3 * i + 2] = 30;
  }
  const l2 = new Float32Array(64);
  for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
    const edge = (x === 2 || x === 5) && y >= 2 && y <= 5 || (y === 2 || y === 5) && x >= 2 && x <= 5;
    l2[y * 8 + x] = edge ? 1 : y === 7 ? 0.8 : 0.05;
  }
  const l3 = Float32Array.from([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0]);
  const cams: ClassCam[] = [{ classIndex: 1, width: 8, height: 8, data: l2 }];
  const deep = { layer3: [{ classIndex: 1, width: 4, height: 4, data: l3 }] };
  return { W, H, rgb, gt, cams, deep };
}
const iou = (gt: Uint8Array, lab: Uint8Array) => {
  const c = new ConfusionMatrix(2);
  c.add(gt, lab);
  return c.iou()[1];
};

describe('refinedLabels', () => {
  it('without a chain is camsToLabels byte for byte', () => {
    const s = scene();
    const got = refinedLabels({ width: s.W, height: s.H, rgb: s.rgb, cams: s.cams, deep: s.deep }, null, { bg: 0.4, fillHoles: true });
    expect(got.steps).toEqual([]);
    expect(Buffer.from(got.labels).equals(Buffer.from(camsToLabels(s.cams, s.W, s.H, { bg: 0.4, fillHoles: true })))).toBe(true);
  });

  it('turns an outline CAM into the object: gate + PAR beat the raw map', () => {
    const s = scene();
    const input = { width: s.W, height: s.H, rgb: s.rgb, cams: s.cams, deep: s.deep };
    const raw = iou(s.gt, camsToLabels(s.cams, s.W, s.H, { bg: 0.4 }));
    const refined = refinedLabels(input, CHAIN, { bg: 0.4 });
    expect(refined.steps).toEqual([{ step: 'gate', ran: true }, { step: 'par', ran: true }]);
    const r = iou(s.gt, refined.labels);
    expect(raw).toBeLessThan(0.6);
    expect(r).toBeGreaterThan(0.85);
    expect(r).toBeGreaterThan(raw + 0.3);
  });

  it('is deterministic: the same input gives the same bytes', () => {
    const s = scene();
    const input = { width: s.W, height: s.H, rgb: s.rgb, cams: s.cams, deep: s.deep };
    const a = refinedLabels(input, CHAIN, { bg: 0.35 }).labels;
    const b = refinedLabels({ ...input, rgb: s.rgb.slice(), cams: s.cams.map((c) => ({ ...c, data: c.data.slice() })) }, CHAIN, { bg: 0.35 }).labels;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });

  it('records a gate it could not run (no deep maps) and still refines with PAR', () => {
    const s = scene();
    const r = refineMaps({ width: s.W, height: s.H, rgb: s.rgb, cams: s.cams, deep: {} }, CHAIN, 'relu-max');
    expect(r.steps).toEqual([{ step: 'gate', ran: false, reason: 'no layer3 maps' }, { step: 'par', ran: true }]);
    const other = refineMaps({ width: s.W, height: s.H, rgb: s.rgb, cams: s.cams, deep: { layer3: [{ ...s.deep.layer3[0], classIndex: 2 }] } }, CHAIN, 'relu-max');
    expect(other.steps[0]).toEqual({ step: 'gate', ran: false, reason: 'no layer3 map for class 1' });
    const noPixels = refineMaps({ width: s.W, height: s.H, rgb: null, cams: s.cams, deep: s.deep }, CHAIN, 'relu-max');
    expect(noPixels.steps[1]).toEqual({ step: 'par', ran: false, reason: 'no image pixels' });
  });

  it('refines large images at the working size and returns maps at the image size', () => {
    const s = scene();
    const r = refineMaps({ width: s.W, height: s.H, rgb: s.rgb, cams: s.cams, deep: s.deep }, { ...CHAIN, workSide: 32 }, 'relu-max');
    expect(r.work).toEqual({ width: 32, height: 32 });
    expect(r.maps[0].map.length).toBe(64 * 64);
    expect(() => refineMaps({ width: s.W, height: s.H, rgb: s.rgb.subarray(3), cams: s.cams, deep: s.deep }, CHAIN, 'relu-max')).toThrow(/12285 RGB bytes for a 64x64 image/);
  });
});

describe('working size and downsampling', () => {
  it.each([
    [512, 512, 128, 128, 128],
    [640, 480, 128, 128, 96],
    [100, 80, 128, 100, 80],
    [1000, 3, 128, 128, 1],
  ])('%i×%i at workSide %i → %i×%i', (w, h, side, ew, eh) => {
    expect(workSize(w, h, side)).toEqual({ width: ew, height: eh });
  });

  it('box-averages each source block', () => {
    // 4×2 image → 2×1: each output pixel averages a 2×2 block
    const rgb = Uint8Array.from([0, 0, 0, 10, 10, 10, 100, 0, 0, 200, 0, 0, 20, 20, 20, 30, 30, 30, 0, 50, 0, 0, 150, 1]);
    expect([...downsampleRgb(rgb, 4, 2, 2, 1)]).toEqual([15, 15, 15, 75, 50, 0]);
    expect(downsampleRgb(rgb, 4, 2, 4, 2)).toBe(rgb);
  });
});

describe('presets', () => {
  it('names a chain whatever its key order, else null; an unknown name lists the choices', async () => {
    const { presetOf, refinePreset, REFINE_PRESETS } = await import('../../../../src/masks/refine/index.ts');
    const best = REFINE_PRESETS.best!;
    const reordered = JSON.parse(JSON.stringify({ par: best.par, gate: { a: best.gate!.a, deep: best.gate!.deep }, workSide: best.workSide }));
    expect(presetOf(reordered)).toBe('best');
    expect(presetOf(null)).toBe('none');
    expect(presetOf({ ...best, workSide: 77 })).toBeNull();
    expect(refinePreset('fast')).toEqual(REFINE_PRESETS.fast);
    expect(refinePreset('fast')).not.toBe(REFINE_PRESETS.fast);
    expect(() => refinePreset('max')).toThrow("unknown refinement preset 'max' (none, fast, best)");
  });
});
