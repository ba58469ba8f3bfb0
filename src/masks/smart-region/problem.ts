// One click as a two-way labelling problem at the working size, shared by every solver so
// they differ only in how they solve it:
// - the domain is the connected region of the clicked label (4-connected): a click changes
//   only pixels that hold what the clicked pixel holds, so one click never eats a
//   neighbouring object;
// - a disc around the click is fixed to "take the new label" (fg);
// - outside neighbours pull their domain neighbour towards fg when they already hold the
//   target label, towards "keep" otherwise (with the pair weight: a strong image edge
//   between them makes the pull weak);
// - every domain pixel has a prior P(fg) from a colour model (fg: the disc and the target
//   label's pixels near the click; keep: the rest of the domain) and the CAMs.
import { COLOUR_BINS, PAIR_DIRS, type WorkImage } from './work-image.ts';

export interface EvidenceSettings {
  /** radius of the fixed disc around the click, working pixels */
  seedRadius: number;
  /** target-label pixels within this radius of the click join the fg colour sample, working pixels */
  sampleRadius: number;
  /** weight of the colour log-likelihood ratio in the prior's logit */
  colour: number;
  /** weight of the CAM term in the prior's logit */
  cam: number;
  /** CAM value that counts as neither for nor against (the CAM term is cam − camCentre) */
  camCentre: number;
  /** factor on the pull of outside neighbours (pair weight × outside) */
  outside: number;
  /** weight of the distance from the click (in long sides of the image) against fg: objects are compact */
  distance: number;
}

export interface ClickProblem {
  /** nodes = domain pixels; node → working pixel */
  pixel: Int32Array;
  /** working pixel → node, −1 outside the domain */
  node: Int32Array;
  /** CSR neighbours of each node inside the domain: nbr[start[i]..start[i+1]), weights wt (all 0 / empty without the graph) */
  start: Int32Array;
  nbr: Int32Array;
  wt: Float32Array;
  /** summed pair weight to outside neighbours holding the target (fg) / anything else (keep) */
  toFg: Float64Array;
  toKeep: Float64Array;
  /** 1 for the fixed seed nodes */
  seed: Uint8Array;
  /** prior P(fg) per node */
  prior: Float32Array;
  /** node of the click */
  click: number;
  /** the clicked label and the label the click writes */
  from: number;
  target: number;
}

/** a class's CAM at the working size (normalised 0..1), or null when none is stored */
export type CamLookup = (classIndex: number) => Float32Array | null;

/**
 * `withGraph`: build the neighbour graph and the outside pulls (the solvers that work on
 * pairs need them; superpixels and propagation have their own neighbourhoods).
 */
export function clickProblem(img: WorkImage, labels: Uint8Array, cams: CamLookup, cx: number, cy: number, target: number, s: EvidenceSettings, withGraph = true): ClickProblem {
  const { w, h } = img;
  const n = w * h;
  const c0 = cy * w + cx;
  const from = labels[c0];
  // the domain: 4-connected pixels of the clicked label
  const node = new Int32Array(n).fill(-1);
  const seen = new Uint8Array(n);
  const stack = new Int32Array(n);
  const order = new Int32Array(n);
  let m = 0;
  let sp = 0;
  stack[sp++] = c0;
  seen[c0] = 1;
  while (sp > 0) {
    const p = stack[--sp];
    node[p] = m;
    order[m++] = p;
    const x = p % w;
    if (x > 0 && !seen[p - 1] && labels[p - 1] === from) (seen[p - 1] = 1), (stack[sp++] = p - 1);
    if (x < w - 1 && !seen[p + 1] && labels[p + 1] === from) (seen[p + 1] = 1), (stack[sp++] = p + 1);
    if (p >= w && !seen[p - w] && labels[p - w] === from) (seen[p - w] = 1), (stack[sp++] = p - w);
    if (p < n - w && !seen[p + w] && labels[p + w] === from) (seen[p + w] = 1), (stack[sp++] = p + w);
  }
  const pixel = order.slice(0, m);

  // neighbours (8-connected, pair weights from the work image): directions 0..3 are the
  // pairs stored at the pixel (PAIR_DIRS), 4..7 the same pairs seen from the other end
  const ddx = Int32Array.of(...PAIR_DIRS.map((d) => d[0]), ...PAIR_DIRS.map((d) => -d[0]));
  const ddy = Int32Array.of(...PAIR_DIRS.map((d) => d[1]), ...PAIR_DIRS.map((d) => -d[1]));
  const start = new Int32Array(m + 1);
  const nbrAll = new Int32Array(withGraph ? m * 8 : 0);
  const wtAll = new Float32Array(withGraph ? m * 8 : 0);
  const toFg = new Float64Array(m);
  const toKeep = new Float64Array(m);
  const pairs = img.pairs;
  let e = 0;
  for (let i = 0; i < m && withGraph; i++) {
    start[i] = e;
    const p = pixel[i];
    const x = p % w;
    const y = (p - x) / w;
    for (let k = 0; k < 8; k++) {
      const xx = x + ddx[k];
      const yy = y + ddy[k];
      if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
      const q = yy * w + xx;
      const wq = k < 4 ? pairs[p * 4 + k] : pairs[q * 4 + k - 4];
      const nq = node[q];
      if (nq >= 0) {
        nbrAll[e] = nq;
        wtAll[e++] = wq;
      } else if (labels[q] === target) toFg[i] += s.outside * wq;
      else toKeep[i] += s.outside * wq;
    }
  }
  if (withGraph) start[m] = e;

  // the fixed disc
  const seed = new Uint8Array(m);
  const r2 = s.seedRadius * s.seedRadius;
  const rs = Math.ceil(s.seedRadius);
  for (let dy = -rs; dy <= rs; dy++) {
    for (let dx = -rs; dx <= rs; dx++) {
      const xx = cx + dx;
      const yy = cy + dy;
      if (dx * dx + dy * dy > r2 || xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
      const k = node[yy * w + xx];
      if (k >= 0) seed[k] = 1;
    }
  }
  seed[0] = 1;

  // colour model: smoothed colour histograms of the fg and keep samples
  const fgHist = new Float64Array(COLOUR_BINS);
  const keepHist = new Float64Array(COLOUR_BINS);
  for (let i = 0; i < m; i++) (seed[i] ? fgHist : keepHist)[img.bins[pixel[i]]]++;
  const R = Math.ceil(s.sampleRadius);
  const R2 = s.sampleRadius * s.sampleRadius;
  for (let yy = Math.max(0, cy - R); yy <= Math.min(h - 1, cy + R); yy++) {
    for (let xx = Math.max(0, cx - R); xx <= Math.min(w - 1, cx + R); xx++) {
      const q = yy * w + xx;
      if ((xx - cx) ** 2 + (yy - cy) ** 2 <= R2 && labels[q] === target) fgHist[img.bins[q]]++;
    }
  }
  const fgP = smoothedDensity(fgHist);
  const keepP = smoothedDensity(keepHist);

  const camTo = target !== 0 ? cams(target) : null;
  const camFrom = from !== 0 && from !== 255 ? cams(from) : null;
  const prior = new Float32Array(m);
  for (let i = 0; i < m; i++) {
    const p = pixel[i];
    const b = img.bins[p];
    let logit = s.colour * Math.log(fgP[b] / keepP[b]);
    if (s.distance) {
      const dx = (p % w) - cx;
      const dy = Math.floor(p / w) - cy;
      logit -= (s.distance * Math.sqrt(dx * dx + dy * dy)) / Math.max(w, h);
    }
    if (s.cam) {
      // for the new label, against the old one (a missing CAM counts as neither)
      const up = camTo ? camTo[p] - s.camCentre : 0;
      const down = camFrom ? camFrom[p] - s.camCentre : 0;
      logit += s.cam * (up - down);
    }
    prior[i] = 1 / (1 + Math.exp(-logit));
  }
  return { pixel, node, start, nbr: nbrAll.subarray(0, e), wt: wtAll.subarray(0, e), toFg, toKeep, seed, prior, click: 0, from, target };
}

/**
 * A histogram as a density: each bin's count spread over its 3×3×3 neighbourhood (colours
 * close in RGB share evidence), plus a floor so an unseen colour is merely unlikely.
 */
function smoothedDensity(hist: Float64Array): Float64Array {
  const B = Math.round(Math.cbrt(hist.length));
  const out = new Float64Array(hist.length);
  let total = 0;
  for (let r = 0; r < B; r++) {
    for (let g = 0; g < B; g++) {
      for (let b = 0; b < B; b++) {
        const c = hist[(r * B + g) * B + b];
        if (!c) continue;
        for (let dr = -1; dr <= 1; dr++) {
          for (let dg = -1; dg <= 1; dg++) {
            for (let db = -1; db <= 1; db++) {
              const rr = r + dr;
              const gg = g + dg;
              const bb = b + db;
              if (rr < 0 || gg < 0 || bb < 0 || rr >= B || gg >= B || bb >= B) continue;
              const wgt = dr === 0 && dg === 0 && db === 0 ? 1 : 0.25;
              out[(rr * B + gg) * B + bb] += c * wgt;
              total += c * wgt;
            }
          }
        }
      }
    }
  }
  const floor = 1 / hist.length;
  for (let k = 0; k < out.length; k++) out[k] = (total > 0 ? out[k] / total : 0) + floor * 0.01;
  return out;
}
