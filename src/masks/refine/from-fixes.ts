// Calibration from a person's first fixes: of a small set of recipes (chain × τ_bg rule),
// the one whose masks agree best with the masks a person edited or approved, scored on
// those images only (one confusion matrix over them, as the quality bench scores a split).
// A handful of images is a noisy judge: a change is recommended only when it beats the
// job's own recipe by a margin that shrinks with the number of fixes (recommendedRecipe).
// Pure: the caller hands in, per fixed image and chain, the per-pixel best class and its
// score (argmaxMaps of the refined maps), so every recipe is only a re-threshold.
import type { BackgroundChoice, MaskRecipe } from '../../contract/calibration.ts';
import { REFINE_PRESET_NAMES, type RefinePresetName } from '../../contract/generation.ts';
import { maskSettings, thresholdArgmax, type MaskSettings } from '../cam-mask.ts';
import { ConfusionMatrix } from '../confusion.ts';
import { autoBackground } from './calibrate.ts';

/** the fixed τ_bg values and automatic-rule factors a proposal chooses among */
export const FIX_TAUS: readonly number[] = [0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7];
export const FIX_FACTORS: readonly number[] = [0.8, 0.85, 0.9, 0.95, 1, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3];

/** One image's scores under one chain: per pixel the best tagged class and its refined score. */
export interface ScoredPixels {
  argmax: Uint8Array;
  score: Float32Array;
}

export interface FixedImage {
  width: number;
  height: number;
  /** the person's label map (0 background, k class k, 255 ignore) */
  truth: Uint8Array;
  /** per chain the image's scores (a chain left out is not proposed) */
  scored: Partial<Record<RefinePresetName, ScoredPixels>>;
}

export interface RecipeScore {
  recipe: { refine: RefinePresetName; background: BackgroundChoice };
  miou: number;
}

/** Every recipe the proposal considers for these chains: each automatic factor, then each fixed τ_bg. */
export function fixRecipes(chains: readonly RefinePresetName[] = REFINE_PRESET_NAMES): RecipeScore['recipe'][] {
  const out: RecipeScore['recipe'][] = [];
  for (const refine of chains) {
    for (const factor of FIX_FACTORS) out.push({ refine, background: { kind: 'auto', factor } });
    for (const bg of FIX_TAUS) out.push({ refine, background: { kind: 'fixed', bg } });
  }
  return out;
}

/** The mask settings of a recipe's τ_bg rule over the job's other settings (ignore band, clean-ups). */
export function recipeSettings(post: MaskSettings, background: BackgroundChoice): MaskSettings {
  return background.kind === 'auto' ? { ...post, bgAuto: { rule: 'otsu', factor: background.factor } } : { ...post, bg: background.bg, bgAuto: null };
}

/** One image's labels under a τ_bg rule (the kernel's threshold step on its scores; the inputs are not changed). */
export function recipeLabels(px: ScoredPixels, width: number, height: number, s: MaskSettings): Uint8Array {
  const bg = s.bgAuto ? autoBackground(px.score, s.bgAuto, s.bg) : s.bg;
  return thresholdArgmax(px.argmax.slice(), px.score, width, height, { ...s, bg });
}

/** mIoU over `images` of one recipe (one confusion matrix; `numClasses` includes background). */
export function recipeMiou(images: readonly FixedImage[], refine: RefinePresetName, s: MaskSettings, numClasses: number): number {
  const cm = new ConfusionMatrix(numClasses);
  for (const img of images) {
    const px = img.scored[refine];
    if (!px) return NaN;
    cm.add(img.truth, recipeLabels(px, img.width, img.height, s));
  }
  return cm.miou();
}

/**
 * The gain in mIoU on `n` fixed images a recipe must show over the job's own before the
 * studio recommends it: coef/√n, 0.16/√n by default (0.05 at 10 images, 0.016 at 100).
 * Chosen on the quality bench's tuning splits of both models (docs/quality/refine.md,
 * "how much evidence"): without a margin, ten fixes often picked a recipe that did worse on
 * the other images than a good job's own; with it, a poor job still gets its correction.
 * 1 (no gain can reach it) with no fixes.
 */
export function requiredGain(n: number, coef = FIX_GAIN_COEF): number {
  return n > 0 ? Math.min(1, coef / Math.sqrt(n)) : 1;
}

export const FIX_GAIN_COEF = 0.16;

/** The best alternative to the job's recipe and whether it is worth recommending (its gain on the fixed images ≥ requiredGain). */
export function recommendedRecipe(ranked: readonly RecipeScore[], currentMiou: number, fixed: number, coef = FIX_GAIN_COEF): { best: RecipeScore | null; gain: number; required: number; recommended: boolean } {
  const best = ranked[0] ?? null;
  const required = requiredGain(fixed, coef);
  const gain = best && Number.isFinite(currentMiou) ? best.miou - currentMiou : 0;
  return { best, gain, required, recommended: best !== null && gain >= required };
}

/**
 * The recipes ranked by their mIoU on the fixed images, best first; `current` (the job's
 * own recipe, when its chain was scored) first among equals, so a proposal changes
 * nothing unless something does strictly better.
 */
export function rankRecipes(images: readonly FixedImage[], post: Partial<MaskSettings>, numClasses: number, current?: MaskRecipe): RecipeScore[] {
  const base = maskSettings(post);
  const chains = REFINE_PRESET_NAMES.filter((c) => images.length > 0 && images.every((i) => i.scored[c]));
  const recipes = fixRecipes(chains);
  if (current && current.refine !== 'custom' && chains.includes(current.refine)) {
    const same = (r: RecipeScore['recipe']) => r.refine === current.refine && JSON.stringify(r.background) === JSON.stringify(current.background);
    const k = recipes.findIndex(same);
    if (k >= 0) recipes.splice(k, 1);
    recipes.unshift({ refine: current.refine, background: current.background });
  }
  const scored = recipes.map((recipe) => ({ recipe, miou: recipeMiou(images, recipe.refine, recipeSettings(base, recipe.background), numClasses) }));
  // stable: equal scores keep the order above
  return scored.filter((s) => Number.isFinite(s.miou)).sort((a, b) => b.miou - a.miou);
}
