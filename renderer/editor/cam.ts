// Stored CAMs in the renderer: float16 maps at feature resolution (as the cams table keeps
// them), normalised relu-max like the mask generator, sampled at image pixels with
// half-pixel-centre bilinear interpolation (the same arithmetic as src/masks/resize.ts, so
// a threshold here selects the pixels a generated mask would).
import { BACKGROUND, IGNORE } from './labels.ts';

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Little-endian IEEE half floats → Float32Array. */
export function decodeFloat16(bytes: Uint8Array): Float32Array {
  const n = bytes.length >> 1;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = halfToFloat(bytes[2 * i] | (bytes[2 * i + 1] << 8));
  return out;
}

/** ReLU then divide by the maximum (all zero when nothing is positive). */
export function normaliseReluMax(data: Float32Array): Float32Array {
  let max = 0;
  for (let i = 0; i < data.length; i++) if (data[i] > max) max = data[i];
  const out = new Float32Array(data.length);
  if (!(max > 0)) return out;
  for (let i = 0; i < data.length; i++) out[i] = data[i] > 0 ? data[i] / max : 0;
  return out;
}

interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  f: Float32Array;
}

function taps(inSize: number, outSize: number): Taps {
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const f = new Float32Array(outSize);
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

/** One class's normalised CAM, readable at any pixel of a width×height image. */
export class CamField {
  readonly values: Float32Array;
  private readonly tx: Taps;
  private readonly ty: Taps;

  constructor(
    readonly classIndex: number,
    readonly camWidth: number,
    readonly camHeight: number,
    raw: Float32Array,
    readonly width: number,
    readonly height: number,
  ) {
    if (raw.length !== camWidth * camHeight) throw new Error(`CAM for class ${classIndex}: ${raw.length} values for ${camWidth}x${camHeight}`);
    this.values = normaliseReluMax(raw);
    this.tx = taps(camWidth, width);
    this.ty = taps(camHeight, height);
  }

  static fromFloat16(classIndex: number, camWidth: number, camHeight: number, bytes: Uint8Array, width: number, height: number): CamField {
    return new CamField(classIndex, camWidth, camHeight, decodeFloat16(bytes), width, height);
  }

  /** The normalised value at image pixel (x, y), in [0, 1]. */
  at(x: number, y: number): number {
    const v = this.values;
    const w = this.camWidth;
    const r0 = this.ty.i0[y] * w;
    const r1 = this.ty.i1[y] * w;
    const c0 = this.tx.i0[x];
    const c1 = this.tx.i1[x];
    const fx = this.tx.f[x];
    const fy = this.ty.f[y];
    const top = v[r0 + c0] + (v[r0 + c1] - v[r0 + c0]) * fx;
    const bottom = v[r1 + c0] + (v[r1 + c1] - v[r1 + c0]) * fx;
    return top + (bottom - top) * fy;
  }

  /** The whole map at image resolution. */
  upsample(): Float32Array {
    const out = new Float32Array(this.width * this.height);
    for (let y = 0; y < this.height; y++) for (let x = 0; x < this.width; x++) out[y * this.width + x] = this.at(x, y);
    return out;
  }
}

/**
 * The mask the generator would make from these CAMs at threshold τ_bg: per pixel the
 * class with the highest normalised CAM, background where that is ≤ τ_bg.
 */
export function camsToLabels(fields: readonly CamField[], width: number, height: number, bg: number): Uint8Array {
  const out = new Uint8Array(width * height);
  if (fields.length === 0) return out;
  const sorted = [...fields].sort((a, b) => a.classIndex - b.classIndex);
  const maps = sorted.map((f) => f.upsample());
  for (let i = 0; i < out.length; i++) {
    let best = maps[0][i];
    let label = sorted[0].classIndex;
    for (let k = 1; k < maps.length; k++) {
      if (maps[k][i] > best) {
        best = maps[k][i];
        label = sorted[k].classIndex;
      }
    }
    out[i] = best > bg ? label : BACKGROUND;
  }
  return out;
}

/**
 * Mean IoU of `pred` against `ref` over the classes (background included) present in
 * either; pixels the reference marks ignore (255) are left out. null when nothing counts.
 */
export function meanIoU(pred: Uint8Array, ref: Uint8Array): number | null {
  const inter = new Float64Array(256);
  const uni = new Float64Array(256);
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    if (r === IGNORE) continue;
    const p = pred[i];
    if (p === r) {
      inter[r]++;
      uni[r]++;
    } else {
      uni[r]++;
      uni[p]++;
    }
  }
  let sum = 0;
  let n = 0;
  for (let c = 0; c < 255; c++) {
    if (uni[c] > 0) {
      sum += inter[c] / uni[c];
      n++;
    }
  }
  return n ? sum / n : null;
}
