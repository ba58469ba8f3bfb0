// The refinement chain between a job's CAMs and its labels: which steps run and with which
// values. A chain is plain data (stored with every refined mask as its provenance and sent
// over the contract), checked here once so the steps can trust it.
import { StudioError } from '../../contract/errors.ts';

/**
 * Cross-layer gating: the detail map (the job's layer, e.g. R-CAM@layer2) kept where the
 * deeper stages of the same walk agree — per class g = n_detail^a · n_deep^(1−a) on the
 * relu-max normalised maps (several deep layers: their geometric mean), then renormalised
 * to a maximum of 1 so τ_bg keeps its meaning.
 */
export interface GateSettings {
  /** the deeper layers whose maps gate the detail map, e.g. ['layer3'] */
  deep: string[];
  /** weight of the detail map, 0..1 (1 = no gating) */
  a: number;
}

/**
 * Pixel-adaptive refinement (PAR, as in AFA/ToCo): each class map is repeatedly replaced by
 * an affinity-weighted mean of its 8 neighbours at several dilations; affinities are a
 * softmax over the neighbours of −‖Δrgb‖² / (colour · mean‖Δrgb‖²) − position · (‖Δp‖ / mean‖Δp‖)².
 */
export interface ParSettings {
  dilations: number[];
  iterations: number;
  /** colour kernel width relative to the pixel's mean neighbour distance */
  colour: number;
  /** weight of the spatial term */
  position: number;
}

export interface RefineSettings {
  /** the maps are refined at this long side at most (the image's if smaller), then upsampled */
  workSide: number;
  gate: GateSettings | null;
  par: ParSettings | null;
}

export { REFINE_PRESET_NAMES } from '../../contract/generation.ts';
export type { RefinePresetName as RefinePreset } from '../../contract/generation.ts';

const bad = (what: string): never => {
  throw new StudioError('BAD_REQUEST', `refine settings: ${what}`);
};

/** The chain checked (StudioError naming the bad field); null means no refinement. */
export function refineSettings(r: RefineSettings | null | undefined): RefineSettings | null {
  if (r === null || r === undefined) return null;
  if (typeof r !== 'object') bad(`expected an object, got ${typeof r}`);
  if (!(Number.isInteger(r.workSide) && r.workSide >= 8 && r.workSide <= 4096)) bad(`workSide must be a whole number 8..4096, got ${String(r.workSide)}`);
  let gate: GateSettings | null = null;
  if (r.gate) {
    const g = r.gate;
    if (!Array.isArray(g.deep) || g.deep.length === 0 || g.deep.some((d) => typeof d !== 'string' || !/^[\w.:/-]{1,200}$/.test(d))) bad(`gate.deep must name one or more layers, got ${JSON.stringify(g.deep)}`);
    if (!(typeof g.a === 'number' && g.a >= 0 && g.a <= 1)) bad(`gate.a must be a number in 0..1, got ${String(g.a)}`);
    gate = { deep: [...g.deep], a: g.a };
  }
  let par: ParSettings | null = null;
  if (r.par) {
    const p = r.par;
    if (!Array.isArray(p.dilations) || p.dilations.length === 0 || p.dilations.length > 8 || p.dilations.some((d) => !Number.isInteger(d) || d < 1 || d > 64)) bad(`par.dilations must be 1..8 whole numbers in 1..64, got ${JSON.stringify(p.dilations)}`);
    if (!(Number.isInteger(p.iterations) && p.iterations >= 1 && p.iterations <= 100)) bad(`par.iterations must be a whole number 1..100, got ${String(p.iterations)}`);
    if (!(typeof p.colour === 'number' && p.colour > 0 && p.colour <= 100)) bad(`par.colour must be a number in (0, 100], got ${String(p.colour)}`);
    if (!(typeof p.position === 'number' && p.position >= 0 && p.position <= 100)) bad(`par.position must be a number in [0, 100], got ${String(p.position)}`);
    par = { dilations: [...p.dilations], iterations: p.iterations, colour: p.colour, position: p.position };
  }
  return { workSide: r.workSide, gate, par };
}

/** Of `layers`, those that lie deeper than `layer`: not `layer` itself, and for stage names (layer1..layer4) a later stage. */
export function deeperLayers(layers: readonly string[], layer: string): string[] {
  const stage = (l: string) => (/^layer[1-4]$/.test(l) ? Number(l.slice(5)) : null);
  const own = stage(layer);
  return layers.filter((d) => d !== layer && !(own !== null && stage(d) !== null && stage(d)! <= own));
}

/**
 * The chain a detail source at `layer` runs: the gate reads only layers deeper than it (a
 * map gated by itself, or by a shallower stage the walk never reaches, means nothing), and
 * a gate left with none goes.
 */
export function chainForLayer(r: RefineSettings | null, layer: string): RefineSettings | null {
  if (!r?.gate) return r;
  const deep = deeperLayers(r.gate.deep, layer);
  return { ...r, gate: deep.length ? { ...r.gate, deep } : null };
}

/** The deep layers a chain reads (a job stores their maps next to the detail layer's). */
export function deepLayersOf(r: RefineSettings | null): string[] {
  return r?.gate ? [...r.gate.deep] : [];
}
