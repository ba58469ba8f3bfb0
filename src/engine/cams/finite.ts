// A model whose weights hold NaN or Inf (a diverged training run, a broken export) runs
// without an error and gives NaN scores and NaN maps — which turn into all-background
// masks scored "confident". Every place an engine result leaves the engine for a user
// (model add's probe forward, each image of a job, `cam`) checks it here and refuses it,
// naming what was not finite.
import { StudioError } from '../../contract/errors.ts';

/** The values to check: logits, and each layer's maps by target. */
export interface EngineOutputs {
  logits?: ArrayLike<number>;
  layers?: readonly { layer: string; maps: readonly { data: ArrayLike<number> }[]; targets: readonly number[] }[];
}

function badCount(values: ArrayLike<number>): { n: number; first: number } {
  let n = 0;
  let first = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      if (n === 0) first = v;
      n++;
    }
  }
  return { n, first };
}

/** What is not finite in `out` (e.g. "the logits (NaN at output 3, 10 of 10 values)"), or null. */
export function nonFinite(out: EngineOutputs): string | null {
  if (out.logits) {
    const { n, first } = badCount(out.logits);
    if (n) {
      let at = 0;
      while (Number.isFinite(out.logits[at])) at++;
      return `the logits (${first} at output ${at}, ${n} of ${out.logits.length} values)`;
    }
  }
  for (const l of out.layers ?? []) {
    for (let k = 0; k < l.maps.length; k++) {
      const { n, first } = badCount(l.maps[k].data);
      if (n) return `the ${l.layer} map of output ${l.targets[k]} (${first}, ${n} of ${l.maps[k].data.length} values)`;
    }
  }
  return null;
}

/** Throws StudioError('BAD_REQUEST') naming `where` when anything in `out` is NaN or ±Inf. */
export function assertFinite(where: string, out: EngineOutputs): void {
  const bad = nonFinite(out);
  if (bad) throw new StudioError('BAD_REQUEST', `${where}: the model gave values that are not finite numbers in ${bad}; its weights may hold NaN or Inf — check or re-export the model`);
}
