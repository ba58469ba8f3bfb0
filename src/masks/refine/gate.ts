// Cross-layer gating (settings.ts GateSettings): per pixel n_detail^a · Π n_deep_k^((1−a)/K),
// renormalised to a maximum of 1. Inputs are normalised maps of one class at one size.
//
// Math.pow stays, though x^0.25 (the presets' b) is its slow path: √√x differs from it in
// the last bit of the double for about 15 % of float32 inputs (checked over all of them), and
// masks must stay byte for byte what they were.

export function gateMaps(detail: Float32Array, deep: readonly Float32Array[], a: number): Float32Array {
  const n = detail.length;
  for (const d of deep) if (d.length !== n) throw new Error(`gateMaps: deep map of ${d.length} values for a detail map of ${n}`);
  const out = new Float32Array(n);
  const b = deep.length > 0 ? (1 - a) / deep.length : 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    let v = a === 1 ? detail[i] : Math.pow(detail[i], a);
    for (let k = 0; k < deep.length; k++) v *= Math.pow(deep[k][i], b);
    out[i] = v;
    if (v > max) max = v;
  }
  if (max > 0) {
    const inv = 1 / max;
    for (let i = 0; i < n; i++) out[i] *= inv;
  }
  return out;
}
