// How well a review order finds the images that cost the most to fix: Spearman's rank
// correlation between a score and the fix cost, and the share of the worst fifth (by fix
// cost) that the queue's first fifth holds (chance: 20 %).
import { pearson } from '../../unit/engine/naive/reference.ts';

export interface QueueQuality {
  /** Spearman ρ between the score's "needs review" order and the fix cost (1 = the same order) */
  spearman: number;
  /** share of the worst fifth in the queue's first fifth, 0..1 */
  firstFifth: number;
}

/** average ranks (1-based; ties share their mean rank) */
export function ranks(xs: readonly number[]): number[] {
  const idx = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && xs[idx[j + 1]] === xs[idx[i]]) j++;
    for (let k = i; k <= j; k++) r[idx[k]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function spearman(a: readonly number[], b: readonly number[]): number {
  const r = pearson(ranks(a), ranks(b));
  // a constant ranking (every score tied) orders nothing: no correlation
  return Number.isFinite(r) ? r : 0;
}

/**
 * `need`: the queue's score, higher = reviewed sooner; `cost`: the true fix cost, higher =
 * worse, with `tieBreak` (higher = worse) ordering equal costs.
 */
export function queueQuality(need: readonly number[], cost: readonly number[], tieBreak: readonly number[]): QueueQuality {
  const n = need.length;
  const fifth = Math.max(1, Math.round(n / 5));
  const byNeed = need.map((_, i) => i).sort((a, b) => need[b] - need[a] || a - b);
  const byCost = cost.map((_, i) => i).sort((a, b) => cost[b] - cost[a] || tieBreak[b] - tieBreak[a] || a - b);
  const worst = new Set(byCost.slice(0, fifth));
  const hit = byNeed.slice(0, fifth).filter((i) => worst.has(i)).length;
  return { spearman: spearman(need, cost), firstFifth: hit / fifth };
}
