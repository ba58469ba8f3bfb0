// τ_bg chosen by the studio, per image, without ground truth: Otsu's threshold on the
// image's own score map (per pixel the best tagged class's refined score), scaled by a
// factor. Why: the best fixed τ_bg is a property of the classifier — 0.35 on the 128-px
// demo net, 0.25 on a ResNet-18 at 224 px with the same chain — because how far a class's
// score spreads past the object depends on the model's maps; the split between the object
// mode and the background mode of each image's score histogram moves with it. On the
// quality bench's tuning splits of both models this beat every fixed τ_bg
// (docs/quality/refine.md, "τ_bg chosen per image").
import { StudioError } from '../../contract/errors.ts';

/** How the studio sets τ_bg per image (stored in a job's mask settings and each mask's provenance). */
export interface AutoBackground {
  rule: 'otsu';
  /** τ_bg = factor × Otsu's threshold of the image's score histogram */
  factor: number;
}

/** The rule a job uses unless the user gives τ_bg (`--bg`, the τ slider). */
export const DEFAULT_AUTO_BACKGROUND: Readonly<AutoBackground> = Object.freeze({ rule: 'otsu', factor: 1.05 });

/** τ_bg stays within these bounds whatever the histogram says. */
export const AUTO_BG_RANGE = [0.05, 0.9] as const;

const BINS = 256;

/**
 * Otsu's threshold of the values in [0, 1] (others clamped; −∞ and NaN skipped): the bin
 * edge that maximises the between-class variance of the histogram, on `BINS` bins (the
 * middle of the first run of edges that tie, e.g. an empty gap between two modes). Null
 * when the values do not fall into two bins or more (nothing to split).
 */
export function otsuThreshold(values: Float32Array): number | null {
  const hist = new Float64Array(BINS);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!(v > -Infinity)) continue;
    const b = v <= 0 ? 0 : v >= 1 ? BINS - 1 : Math.floor(v * BINS);
    hist[b]++;
    n++;
  }
  if (n === 0) return null;
  let total = 0;
  let used = 0;
  for (let b = 0; b < BINS; b++) {
    total += (b + 0.5) * hist[b];
    if (hist[b] > 0) used++;
  }
  if (used < 2) return null;
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let first = 0;
  let last = 0;
  // class 0 = bins [0, t), class 1 = bins [t, BINS); the threshold is t / BINS
  for (let t = 1; t < BINS; t++) {
    w0 += hist[t - 1];
    sum0 += (t - 0.5) * hist[t - 1];
    const w1 = n - w0;
    if (w0 === 0 || w1 === 0) continue;
    const d = sum0 / w0 - (total - sum0) / w1;
    const between = w0 * w1 * d * d;
    if (between > best * (1 + 1e-12)) {
      best = between;
      first = last = t;
    } else if (last === t - 1 && between >= best * (1 - 1e-12)) last = t;
  }
  return Math.round((first + last) / 2) / BINS;
}

/**
 * τ_bg for one image from its per-pixel best class score, to 0.01 (the τ slider's step, so
 * the value a mask records is one a person can set); `fallback` when the scores cannot be split.
 */
export function autoBackground(score: Float32Array, rule: AutoBackground, fallback: number): number {
  const t = otsuThreshold(score);
  if (t === null) return fallback;
  const [lo, hi] = AUTO_BG_RANGE;
  return Math.min(hi, Math.max(lo, Math.round(rule.factor * t * 100) / 100));
}

/** The rule checked (StudioError naming the bad field); null means a fixed τ_bg. */
export function autoBackgroundSettings(a: AutoBackground | null | undefined): AutoBackground | null {
  if (a === null || a === undefined) return null;
  if (typeof a !== 'object' || a.rule !== 'otsu') throw new StudioError('BAD_REQUEST', `automatic τ_bg: rule must be 'otsu', got ${JSON.stringify((a as { rule?: unknown })?.rule ?? a)}`);
  if (!(typeof a.factor === 'number' && a.factor > 0 && a.factor <= 4)) throw new StudioError('BAD_REQUEST', `automatic τ_bg: factor must be a number in (0, 4], got ${String(a.factor)}`);
  return { rule: 'otsu', factor: a.factor };
}
