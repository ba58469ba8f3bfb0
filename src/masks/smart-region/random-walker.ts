// Random walker with priors (Grady 2006; priors as in Grady 2005, "Multilabel random walker
// image segmentation using prior models"): x_i = P(a walk from i reaches fg before keep)
// minimises  Σ_{ij} w_ij (x_i − x_j)² + Σ_i [toFg_i (x_i − 1)² + toKeep_i x_i²]
//            + γ Σ_i [p_i (x_i − 1)² + (1 − p_i) x_i²]
// with the seeds fixed at 1. Setting the gradient to zero gives the sparse symmetric
// positive definite system, for the free nodes,
//   (Σ_j w_ij + toFg_i + toKeep_i + γ) x_i − Σ_{j free} w_ij x_j = Σ_{j seed} w_ij + toFg_i + γ p_i,
// solved by conjugate gradients with a Jacobi preconditioner.
import type { ClickProblem } from './problem.ts';

export interface RandomWalkerSettings {
  /** prior strength γ */
  prior: number;
  /** stop when ‖r‖ ≤ tolerance · ‖b‖ */
  tolerance: number;
  maxIterations: number;
}

/** P(fg) per node (seeds 1). */
export function randomWalker(pb: ClickProblem, s: RandomWalkerSettings): Float64Array {
  const m = pb.pixel.length;
  const { start, nbr, wt, seed } = pb;
  const diag = new Float64Array(m);
  const b = new Float64Array(m);
  const x = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    if (seed[i]) {
      x[i] = 1;
      continue;
    }
    let d = pb.toFg[i] + pb.toKeep[i] + s.prior;
    let bi = pb.toFg[i] + s.prior * pb.prior[i];
    for (let e = start[i]; e < start[i + 1]; e++) {
      d += wt[e];
      if (seed[nbr[e]]) bi += wt[e];
    }
    diag[i] = d;
    b[i] = bi;
    // start from the prior: close to the answer away from the seeds
    x[i] = pb.prior[i];
  }
  const apply = (v: Float64Array, out: Float64Array) => {
    for (let i = 0; i < m; i++) {
      if (seed[i]) {
        out[i] = 0;
        continue;
      }
      let s2 = diag[i] * v[i];
      for (let e = start[i]; e < start[i + 1]; e++) {
        const j = nbr[e];
        if (!seed[j]) s2 -= wt[e] * v[j];
      }
      out[i] = s2;
    }
  };
  // free part of x only; seeds contribute through b
  const xf = new Float64Array(m);
  for (let i = 0; i < m; i++) if (!seed[i]) xf[i] = x[i];
  const r = new Float64Array(m);
  const z = new Float64Array(m);
  const p = new Float64Array(m);
  const q = new Float64Array(m);
  apply(xf, q);
  let bn = 0;
  for (let i = 0; i < m; i++) {
    if (seed[i]) continue;
    r[i] = b[i] - q[i];
    z[i] = r[i] / diag[i];
    p[i] = z[i];
    bn += b[i] * b[i];
  }
  const stop = s.tolerance * s.tolerance * bn;
  let rz = dot(r, z, seed);
  for (let it = 0; it < s.maxIterations; it++) {
    if (dot(r, r, seed) <= stop) break;
    apply(p, q);
    const alpha = rz / dot(p, q, seed);
    for (let i = 0; i < m; i++) {
      if (seed[i]) continue;
      xf[i] += alpha * p[i];
      r[i] -= alpha * q[i];
      z[i] = r[i] / diag[i];
    }
    const rz2 = dot(r, z, seed);
    const beta = rz2 / rz;
    rz = rz2;
    for (let i = 0; i < m; i++) if (!seed[i]) p[i] = z[i] + beta * p[i];
  }
  for (let i = 0; i < m; i++) if (!seed[i]) x[i] = xf[i];
  return x;
}

function dot(a: Float64Array, b: Float64Array, skip: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) if (!skip[i]) s += a[i] * b[i];
  return s;
}
