// Cross-layer gating (settings.ts GateSettings): per pixel n_detail^a · Π n_deep_k^((1−a)/K),
// renormalised to a maximum of 1. Inputs are normalised maps of one class at one size.

/** the smallest normal float32: below it √√x and Math.pow(x, 0.25) may differ in the last bit */
const MIN_NORMAL_F32 = 2 ** -126;

/**
 * x^b for a float32 value x. The presets' b = (1 − 0.5)/2 = 0.25 is the gate's hot spot
 * (Math.pow's general path is ≈ 20× a square root here); √√x gives exactly Math.pow(x, 0.25)
 * for every normal float32 x ≥ 0 (checked over all of them up to 2), so it is used there.
 */
function powF32(x: number, b: number): number {
  return b === 0.25 && x >= MIN_NORMAL_F32 ? Math.sqrt(Math.sqrt(x)) : Math.pow(x, b);
}

export function gateMaps(detail: Float32Array, deep: readonly Float32Array[], a: number): Float32Array {
  const n = detail.length;
  for (const d of deep) if (d.length !== n) throw new Error(`gateMaps: deep map of ${d.length} values for a detail map of ${n}`);
  const out = new Float32Array(n);
  const b = deep.length > 0 ? (1 - a) / deep.length : 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    let v = a === 1 ? detail[i] : Math.pow(detail[i], a);
    for (let k = 0; k < deep.length; k++) v *= powF32(deep[k][i], b);
    out[i] = v;
    if (v > max) max = v;
  }
  if (max > 0) {
    const inv = 1 / max;
    for (let i = 0; i < n; i++) out[i] *= inv;
  }
  return out;
}
