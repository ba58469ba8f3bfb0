// Seeded PRNG for the scene generator: sfc32 seeded through splitmix32. Only integer ops and
// one exact division, so the same seed yields the same stream on every platform and Node
// version (Math.random can't be seeded; Math.sin/exp are not guaranteed bit-identical).

export interface Rng {
  /** uniform in [0, 1), 32 bits of resolution */
  next(): number;
  /** uniform integer in [lo, hi] (both inclusive) */
  int(lo: number, hi: number): number;
  /** uniform float in [lo, hi) */
  range(lo: number, hi: number): number;
  /** one element of a non-empty list */
  pick<T>(items: readonly T[]): T;
}

function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Mixes any number of 32-bit integers into one seed (used for `(seed, sceneIndex)`). */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const sm = splitmix32((h ^ (p >>> 0)) >>> 0);
    h = (sm() ^ Math.imul(h, 0x01000193)) >>> 0;
  }
  return h >>> 0;
}

export function createRng(seed: number): Rng {
  const sm = splitmix32(seed);
  let a = sm(), b = sm(), c = sm(), d = sm();
  const u32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) u32(); // discard the warm-up outputs
  const next = (): number => u32() / 4294967296;
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    range: (lo, hi) => lo + next() * (hi - lo),
    pick: (items) => items[Math.floor(next() * items.length)],
  };
}
