// The sliding-window attributes Conv and the pools share: strides, dilations, explicit or
// automatic pads, ceil_mode. Each is checked (whole numbers in a sane range) before any
// shape is computed from it, so a damaged or hostile file fails here naming the node.
import type { Pads } from '../../ir.ts';
import { attrInt, attrInts, attrString, type NodeProto } from '../../onnx/proto.ts';
import type { Shape } from '../shapes.ts';
import { tfSamePad, windowProblem } from '../shared.ts';
import type { ImportState } from './state.ts';

/** a 2-D window attribute (strides, dilations, kernel_shape) with its default, checked */
export function pair(n: NodeProto, state: ImportState, attr: string, dflt?: [number, number]): [number, number] {
  const v = attrInts(n, attr) ?? dflt;
  if (!v || v.length !== 2) state.fail(n, `${attr} must have 2 entries`);
  const problem = windowProblem(attr, v, 1);
  if (problem) state.fail(n, problem);
  return [v[0], v[1]];
}

/** ONNX [x1_begin, x2_begin, x1_end, x2_end] (and auto_pad) → IR [t, l, b, r]. */
export function pads2d(n: NodeProto, state: ImportState, x: Shape, k: [number, number], s: [number, number], d: [number, number]): Pads {
  const autoPad = attrString(n, 'auto_pad') ?? 'NOTSET';
  if (autoPad === 'NOTSET') {
    const p = attrInts(n, 'pads') ?? [0, 0, 0, 0];
    if (p.length !== 4) state.fail(n, `pads must have 4 entries, got ${p.length}`);
    const problem = windowProblem('pads', p, 0);
    if (problem) state.fail(n, problem);
    return [p[0], p[1], p[2], p[3]];
  }
  if (autoPad === 'VALID') return [0, 0, 0, 0];
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') state.fail(n, `unknown auto_pad ${autoPad}`);
  if (x[0] == null || x[1] == null) state.fail(n, `auto_pad ${autoPad} needs a fixed input size`);
  const ph = tfSamePad(x[0], k[0], s[0], d[0]);
  const pw = tfSamePad(x[1], k[1], s[1], d[1]);
  // SAME_UPPER puts the extra pixel at the end (as TF does), SAME_LOWER at the beginning
  return autoPad === 'SAME_UPPER' ? [ph[0], pw[0], ph[1], pw[1]] : [ph[1], pw[1], ph[0], pw[0]];
}

/** ceil_mode=1: extra end padding so the output size rounds up, as ONNX defines it. */
export function ceilPads(n: NodeProto, state: ImportState, x: Shape, k: [number, number], s: [number, number], pads: Pads): Pads {
  if (attrInt(n, 'ceil_mode', 0) === 0) return pads;
  const out: Pads = [...pads];
  for (const a of [0, 1] as const) {
    const size = x[a];
    if (size == null) state.fail(n, 'ceil_mode=1 needs a fixed input size');
    const span = size + pads[a] + pads[a + 2] - k[a];
    const floorOut = Math.floor(span / s[a]) + 1;
    let ceilOut = Math.ceil(span / s[a]) + 1;
    // ONNX/PyTorch drop a last window that would start inside the end padding
    if ((ceilOut - 1) * s[a] >= size + pads[a]) ceilOut--;
    out[a + 2] += (ceilOut - floorOut) * s[a];
  }
  return out;
}
