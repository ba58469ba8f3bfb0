// Calibration from a person's fixes (src/masks/refine/from-fixes.ts) on images whose scores
// are known exactly: the recipe that reproduces the fixed masks is found, the job's own
// recipe wins ties, and a chain not scored on every image is not proposed.
import { describe, expect, it } from 'vitest';
import { fixRecipes, FIX_FACTORS, FIX_TAUS, rankRecipes, recipeLabels, recipeSettings, recommendedRecipe, requiredGain, type FixedImage, type ScoredPixels } from '../../../../src/masks/refine/from-fixes.ts';
import { maskSettings } from '../../../../src/masks/cam-mask.ts';

/** 10×10 pixels of one class (2) with scores 0.00 … 0.99 */
function ramp(): ScoredPixels {
  return { argmax: new Uint8Array(100).fill(2), score: Float32Array.from({ length: 100 }, (_, i) => i / 100) };
}

/** the person's mask: class 2 where the score is above `tau` */
const truthAt = (px: ScoredPixels, tau: number) => Uint8Array.from(px.score, (s) => (s > tau ? 2 : 0));

describe('calibration from fixes', () => {
  it('lists every chain × automatic factor and fixed τ', () => {
    const r = fixRecipes(['none', 'fast']);
    expect(r).toHaveLength(2 * (FIX_FACTORS.length + FIX_TAUS.length));
    expect(r[0]).toEqual({ refine: 'none', background: { kind: 'auto', factor: FIX_FACTORS[0] } });
    expect(r.at(-1)).toEqual({ refine: 'fast', background: { kind: 'fixed', bg: FIX_TAUS.at(-1) } });
  });

  it('finds the chain and τ that reproduce the fixed masks exactly', () => {
    const px = ramp();
    // under 'none' the person cut at 0.35 (Otsu's τ of the ramp is 0.5: no factor of the grid gets there);
    // under 'fast' the scores are shifted so no grid τ reproduces it
    const shifted: ScoredPixels = { argmax: px.argmax, score: px.score.map((s) => Math.min(1, s + 0.023)) };
    const images: FixedImage[] = [0, 1].map(() => ({ width: 10, height: 10, truth: truthAt(px, 0.35), scored: { none: px, fast: shifted } }));
    const ranked = rankRecipes(images, {}, 3);
    expect(ranked[0].recipe).toEqual({ refine: 'none', background: { kind: 'fixed', bg: 0.35 } });
    expect(ranked[0].miou).toBe(1);
    expect(ranked[1].miou).toBeLessThan(1);
    // every other recipe is scored too, best first
    expect(ranked).toHaveLength(2 * (FIX_FACTORS.length + FIX_TAUS.length));
    for (let k = 1; k < ranked.length; k++) expect(ranked[k].miou).toBeLessThanOrEqual(ranked[k - 1].miou);
    expect(ranked.some((r) => r.recipe.refine === 'best')).toBe(false);
  });

  it('puts the job\'s own recipe first among equals, even off the grid', () => {
    const px = ramp();
    const images: FixedImage[] = [{ width: 10, height: 10, truth: truthAt(px, 0.45), scored: { none: px } }];
    // 0.452 cuts the ramp where 0.45 does: equal scores, and the job's own recipe stays
    const current = { refine: 'none' as const, background: { kind: 'fixed' as const, bg: 0.452 } };
    expect(rankRecipes(images, {}, 3, current)[0]).toEqual({ recipe: current, miou: 1 });
  });

  it('recommends a change only with a gain of 0.16/√n on n fixes', () => {
    expect(requiredGain(0)).toBe(1);
    expect(requiredGain(4)).toBeCloseTo(0.08, 12);
    expect(requiredGain(100)).toBeCloseTo(0.016, 12);
    const ranked = [{ recipe: { refine: 'fast' as const, background: { kind: 'fixed' as const, bg: 0.3 } }, miou: 0.7 }];
    expect(recommendedRecipe(ranked, 0.64, 10)).toMatchObject({ gain: expect.closeTo(0.06, 12), recommended: true });
    expect(recommendedRecipe(ranked, 0.66, 10)).toMatchObject({ gain: expect.closeTo(0.04, 12), recommended: false });
    expect(recommendedRecipe(ranked, 0.66, 100)).toMatchObject({ recommended: true });
    expect(recommendedRecipe([], 0.66, 0)).toEqual({ best: null, gain: 0, required: 1, recommended: false });
  });

  it('an automatic recipe cuts each image at its own τ under the job\'s other settings', () => {
    const px: ScoredPixels = { argmax: new Uint8Array(100).fill(1), score: Float32Array.from({ length: 100 }, (_, i) => (i < 60 ? 0.1 : 0.8)) };
    const s = recipeSettings(maskSettings({ ignoreBand: 0.05 }), { kind: 'auto', factor: 1 });
    expect(s).toMatchObject({ ignoreBand: 0.05, bgAuto: { rule: 'otsu', factor: 1 } });
    const labels = recipeLabels(px, 10, 10, s);
    expect(labels.filter((v) => v === 1)).toHaveLength(40);
    expect(labels.filter((v) => v === 0)).toHaveLength(60);
    // the inputs are not changed
    expect(px.argmax.every((v) => v === 1)).toBe(true);
  });
});
