// Bilinear resampling of a float map with half-pixel centres, as docs/engine.md §6 states for
// cv2.resize INTER_LINEAR / tf.image.resizeBilinear(halfPixelCenters) / F.interpolate
// (align_corners=False, no antialias): src = (dst + 0.5)·in/out − 0.5, clamped to the
// border.

export interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  f: Float64Array;
}

/** Source indices and weights along one axis (computed once per axis, reused per class). */
export function bilinearTaps(inSize: number, outSize: number): Taps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const f = new Float64Array(outSize);
  const scale = inSize / outSize;
  for (let d = 0; d < outSize; d++) {
    let s = (d + 0.5) * scale - 0.5;
    if (s < 0) s = 0;
    if (s > inSize - 1) s = inSize - 1;
    const a = Math.floor(s);
    i0[d] = a;
    i1[d] = Math.min(a + 1, inSize - 1);
    f[d] = s - a;
  }
  return { i0, i1, f };
}

/**
 * Resamples `src` (row-major inW×inH) to outW×outH into `out` (allocated when absent).
 * Rows first, then columns: the same arithmetic for every call, so the same input gives
 * the same bits.
 */
export function resizeBilinear(
  src: Float32Array,
  inW: number,
  inH: number,
  outW: number,
  outH: number,
  out: Float32Array = new Float32Array(outW * outH),
  taps?: { x: Taps; y: Taps },
): Float32Array {
  if (src.length !== inW * inH) throw new Error(`resizeBilinear: ${src.length} values for ${inW}x${inH}`);
  const t = { x: taps?.x ?? bilinearTaps(inW, outW), y: taps?.y ?? bilinearTaps(inH, outH) };
  const row = new Float64Array(inW);
  for (let y = 0; y < outH; y++) resizeBilinearRow(src, inW, outW, t, y, row, out);
  return out;
}

/** Output row `y` of resizeBilinear, written to out[y·outW …]; `row` is scratch space of inW values. */
function resizeBilinearRow(src: Float32Array, inW: number, outW: number, taps: { x: Taps; y: Taps }, y: number, row: Float64Array, out: Float32Array): void {
  const tx = taps.x;
  const r0 = taps.y.i0[y] * inW;
  const r1 = taps.y.i1[y] * inW;
  const fy = taps.y.f[y];
  for (let x = 0; x < inW; x++) {
    const a = src[r0 + x];
    row[x] = a + (src[r1 + x] - a) * fy;
  }
  const o = y * outW;
  for (let x = 0; x < outW; x++) {
    const a = row[tx.i0[x]];
    out[o + x] = a + (row[tx.i1[x]] - a) * tx.f[x];
  }
}
