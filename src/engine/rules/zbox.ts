// The zᴮ ("z-box") rule for the network's first convolution (docs/engine.md §3.12),
// as the authors' code applies it to a conv reading the 3-channel image: the input is a
// normalised image, not a ReLU output, so its relevance is split against the box [L, H] the
// pixel values lie in, L = min(x) and H = max(x) over the whole input (one scalar each):
//   z = conv(x − L, W⁺) + conv(x − H, W⁻) + 1e-9
//   R_in = (x − L) ⊙ convᵀ(R / z, W⁺) + (x − H) ⊙ convᵀ(R / z, W⁻)
// This is the authors' `z = conv(x, W) − conv(L, W⁺) − conv(H, W⁻) + 1e-9`,
// `R_in = x·convᵀ(s, W) − L·convᵀ(s, W⁺) − H·convᵀ(s, W⁻)` regrouped so that every product is
// ≥ 0 and no cancellation can push z below the 1e-9 (which is why plain division is safe, and
// why the authors used no safe division here). The bias plays no part (the authors' rule
// passes none). Padding adds nothing: the authors' conv zero-pads x, L and H alike; a zero Pad
// node before the conv (Keras' ZeroPadding2D) is masked the same way.
//
// Only the walk to the input reaches this rule (`--layer input`); CAMs at layer1..layer4 stop
// far above it.
import type { Conv2dNode, Graph, GraphNode, Pads } from '../ir.ts';
import { negativeWeight, positiveWeight } from '../exec/params.ts';
import type { CompositeEntry } from './composite.ts';
import { releaseAll, type Rule, type RuleContext } from './rule.ts';

/** the authors' stabiliser, added to every zᴮ denominator */
export const ZBOX_EPSILON = 1e-9;

export class ZBoxRule implements Rule {
  readonly name = 'zbox';
  /** `pads`: the zero Pad node's [top, left, bottom, right] between the input and the conv, else null */
  constructor(private readonly pads: Pads | null) {}

  needs(_node: GraphNode) {
    return { inputs: [0], output: false };
  }

  propagate<T>(ctx: RuleContext<T>, r: T): (T | null)[] {
    const node = ctx.node as Conv2dNode;
    const { ops, graph } = ctx;
    const x = ctx.input(0);
    const [h, w] = ctx.inputShape(0);
    const pads = this.pads;
    const real = pads ? ops.crop(x, pads) : x;
    const lo = ops.min(real, [1, 2, 3], true);
    const hi = ops.max(real, [1, 2, 3], true);
    if (real !== x) ops.release(real);
    let loMap = lo;
    let hiMap = hi;
    if (pads) {
      const mask = ops.constant(`zbox-mask:${node.name}:${h}x${w}`, () => ops.fromArray(interiorMask(h, w, pads), [1, h, w, 1]));
      loMap = ops.mul(lo, mask);
      hiMap = ops.mul(hi, mask);
      releaseAll(ops, lo, hi);
    }
    const above = ops.sub(x, loMap); // x − L ≥ 0
    const below = ops.sub(x, hiMap); // x − H ≤ 0
    releaseAll(ops, loMap, hiMap);
    const wp = positiveWeight(ops, graph, node.weight);
    const wn = negativeWeight(ops, graph, node.weight);
    const zp = ops.conv2d(above, wp, node);
    const zn = ops.conv2d(below, wn, node);
    const z0 = ops.add(zp, zn);
    const eps = ops.constant('scalar:zbox-epsilon', () => ops.fromArray(Float32Array.of(ZBOX_EPSILON), []));
    const z = ops.add(z0, eps);
    const s = ops.div(r, z);
    const gp = ops.conv2dTranspose(s, wp, node, [h, w]);
    const gn = ops.conv2dTranspose(s, wn, node, [h, w]);
    const rp = ops.mul(above, gp);
    const rn = ops.mul(below, gn);
    const out = ops.add(rp, rn);
    releaseAll(ops, above, below, zp, zn, z0, z, s, gp, gn, rp, rn);
    return [out];
  }
}

/** [h·w] of 1 inside the padding, 0 on the padded border */
function interiorMask(h: number, w: number, [t, l, b, r]: Pads): Float32Array {
  const m = new Float32Array(h * w);
  for (let y = t; y < h - b; y++) m.fill(1, y * w + l, (y + 1) * w - r);
  return m;
}

/**
 * The convolutions that read the image: those with no conv or dense layer before them on any
 * path from the input (the authors' test is "the conv's input has 3 channels"). Each with
 * the padding of a zero Pad node that feeds it, if one does.
 */
export function firstConvs(graph: Graph): Map<string, Pads | null> {
  const producer = new Map(graph.nodes.map((n) => [n.output, n]));
  const afterLinear = new Set<string>();
  const out = new Map<string, Pads | null>();
  for (const n of graph.nodes) {
    const fromLinear = n.inputs.some((i) => afterLinear.has(i));
    if (n.op === 'conv2d' && !fromLinear) {
      const p = producer.get(n.inputs[0]);
      out.set(n.name, p?.op === 'pad' && p.value === 0 ? p.pads : null);
    }
    if (fromLinear || n.op === 'conv2d' || n.op === 'dense') afterLinear.add(n.output);
  }
  return out;
}

/** composite entries (by node name, so they win over the z⁺ entry) giving the first convs zᴮ */
export function zboxEntries(graph: Graph): CompositeEntry[] {
  return [...firstConvs(graph)].map(([name, pads]) => ({ match: { name }, rule: new ZBoxRule(pads) }));
}
