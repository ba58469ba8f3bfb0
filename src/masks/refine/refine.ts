// The refinement stage: a job's CAMs (the detail layer plus, for gating, the deeper layers
// of the same walk) and the image → per-class score maps at image resolution, ready for the
// argmax, τ_bg, ignore band and clean-ups of cam-mask.ts. Deterministic: the batch pipeline,
// the preview, re-threshold and the compare view call this one function, so a stored job
// re-refined from its maps gives the same bytes as generating it.
//
// Order: normalise at feature resolution → upsample to the working size (the image's, or
// smaller with the long side capped at workSide) → gate → PAR on the image resampled to the
// working size → upsample to the image size.
import { normaliseCam, type ClassCam, type CamNormalisation, type UpsampledCam } from '../cam-mask.ts';
import { resizeBilinear } from '../resize.ts';
import { gateMaps } from './gate.ts';
import { parAffinity, parPropagate } from './par.ts';
import type { RefineSettings } from './settings.ts';

export interface RefineInput {
  width: number;
  height: number;
  /** width·height·3 RGB bytes; required when the chain has a PAR step */
  rgb: Uint8Array | null;
  /** the detail layer's maps, one per tagged class */
  cams: readonly ClassCam[];
  /** deeper layers' maps by layer name (the same classes) */
  deep: Readonly<Record<string, readonly ClassCam[]>>;
}

/** What a step did on one image (kept in the mask's provenance). */
export interface StepRecord {
  step: 'gate' | 'par';
  ran: boolean;
  /** why a step did not run */
  reason?: string;
}

export interface RefineResult {
  maps: UpsampledCam[];
  steps: StepRecord[];
  /** the size the maps were refined at */
  work: { width: number; height: number };
}

export function workSize(width: number, height: number, workSide: number): { width: number; height: number } {
  const long = Math.max(width, height);
  if (long <= workSide) return { width, height };
  const s = workSide / long;
  return { width: Math.max(1, Math.round(width * s)), height: Math.max(1, Math.round(height * s)) };
}

/** Box-filter downsample of an RGB image (each output pixel averages its source block). */
export function downsampleRgb(rgb: Uint8Array, w: number, h: number, ow: number, oh: number): Uint8Array {
  if (ow === w && oh === h) return rgb;
  const out = new Uint8Array(ow * oh * 3);
  const x0 = new Int32Array(ow + 1);
  for (let x = 0; x <= ow; x++) x0[x] = Math.floor((x * w) / ow);
  for (let oy = 0; oy < oh; oy++) {
    const y0 = Math.floor((oy * h) / oh);
    const y1 = Math.max(y0 + 1, Math.floor(((oy + 1) * h) / oh));
    for (let ox = 0; ox < ow; ox++) {
      const xa = x0[ox];
      const xb = Math.max(xa + 1, x0[ox + 1]);
      let r = 0, g = 0, b = 0;
      for (let y = y0; y < y1; y++) {
        for (let x = xa, p = (y * w + xa) * 3; x < xb; x++, p += 3) {
          r += rgb[p];
          g += rgb[p + 1];
          b += rgb[p + 2];
        }
      }
      const cnt = (y1 - y0) * (xb - xa);
      const o = (oy * ow + ox) * 3;
      out[o] = Math.round(r / cnt);
      out[o + 1] = Math.round(g / cnt);
      out[o + 2] = Math.round(b / cnt);
    }
  }
  return out;
}

function normalisedAt(c: ClassCam, w: number, h: number, mode: CamNormalisation): Float32Array {
  if (c.data.length !== c.width * c.height) throw new Error(`CAM for class ${c.classIndex}: ${c.data.length} values for ${c.width}x${c.height}`);
  return resizeBilinear(normaliseCam(c.data, mode), c.width, c.height, w, h);
}

/** The refined maps of `input`'s classes, in ascending class order, at the image size. */
export function refineMaps(input: RefineInput, r: RefineSettings, mode: CamNormalisation): RefineResult {
  const { width: W, height: H } = input;
  const work = workSize(W, H, r.workSide);
  const cams = [...input.cams].sort((a, b) => a.classIndex - b.classIndex);
  let maps = cams.map((c) => normalisedAt(c, work.width, work.height, mode));
  const steps: StepRecord[] = [];

  if (r.gate) {
    const missing = missingDeep(cams, input.deep, r.gate.deep);
    if (missing) steps.push({ step: 'gate', ran: false, reason: missing });
    else {
      const a = r.gate.a;
      maps = maps.map((m, i) => {
        const ci = cams[i].classIndex;
        const deep = r.gate!.deep.map((layer) => normalisedAt(input.deep[layer].find((d) => d.classIndex === ci)!, work.width, work.height, mode));
        return gateMaps(m, deep, a);
      });
      steps.push({ step: 'gate', ran: true });
    }
  }

  if (r.par) {
    if (!input.rgb) steps.push({ step: 'par', ran: false, reason: 'no image pixels' });
    else if (maps.length > 0) {
      if (input.rgb.length !== W * H * 3) throw new Error(`refine: ${input.rgb.length} RGB bytes for a ${W}x${H} image`);
      const rgb = downsampleRgb(input.rgb, W, H, work.width, work.height);
      const aff = parAffinity(rgb, work.width, work.height, r.par);
      const iters = r.par.iterations;
      maps = parPropagate(aff, maps, iters);
      steps.push({ step: 'par', ran: true });
    } else steps.push({ step: 'par', ran: true });
  }

  const full = work.width === W && work.height === H ? maps : maps.map((m) => resizeBilinear(m, work.width, work.height, W, H));
  return { maps: full.map((map, i) => ({ classIndex: cams[i].classIndex, map })), steps, work };
}

function missingDeep(cams: readonly ClassCam[], deep: RefineInput['deep'], layers: readonly string[]): string | null {
  for (const layer of layers) {
    const maps = deep[layer];
    if (!maps) return `no ${layer} maps`;
    for (const c of cams) if (!maps.some((d) => d.classIndex === c.classIndex)) return `no ${layer} map for class ${c.classIndex}`;
  }
  return null;
}
