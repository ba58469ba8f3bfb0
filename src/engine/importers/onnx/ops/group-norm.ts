// GroupNorm as torch.onnx.export writes it (ONNX had no GroupNorm op before opset 18):
//   r = Reshape(x, [0, G, -1]); n = InstanceNormalization(r, ones(G), zeros(G), ε);
//   y = Reshape(n, Shape(x)); then y·γ and + β per channel ([C, 1, 1] constants)
// becomes one IR groupnorm node (G contiguous channel groups, each normalised over H, W and
// its C/G channels). The pattern starts at the first Reshape; InstanceNormalization met on its
// own is refused, naming the form the engine reads.
import { attrFloat, type NodeProto } from '../../../onnx/proto.ts';
import type { OpEntry, Pattern } from '../registry.ts';
import type { ImportState } from '../state.ts';

/** the one node reading `t`, when it is of type `op` */
function onlyReader(state: ImportState, t: string, op: string): NodeProto | null {
  const r = state.readers(t);
  return r.length === 1 && r[0].opType === op ? r[0] : null;
}

/** a constant that scales or shifts every channel ([C, 1, 1], [1, C, 1, 1] or one value) as C values; null otherwise */
function perChannel(state: ImportState, node: NodeProto, from: string, c: number): Float32Array | null {
  const k = (node.input ?? []).findIndex((i) => i !== from);
  const v = k < 0 ? undefined : state.constant(node.input![k]);
  if ((node.input ?? []).length !== 2 || !v?.floats) return null;
  if (v.floats.length === 1) return new Float32Array(c).fill(v.floats[0]);
  const dims = v.dims.slice();
  while (dims.length > 3 && dims[0] === 1) dims.shift();
  return dims.join() === `${c},1,1` ? v.floats : null;
}

const torchGroupNorm: Pattern = {
  startsAt: 'Reshape',
  convert(n: NodeProto, name: string, state: ImportState) {
    const grouping = n.output?.[0] ?? '';
    const inorm = onlyReader(state, grouping, 'InstanceNormalization');
    if (!inorm) return false;
    const input = state.input(n);
    const onnxIn = (n.input ?? [])[0];
    const [h, w, c] = state.spatialIn(n, input);
    const target = state.constInts(n, n.input?.[1], 'shape');
    const g = target[1];
    if (target.length !== 3 || !(target[0] === 0 || target[0] >= 1) || target[2] !== -1 || c == null || !(g >= 1) || c % g !== 0) {
      state.fail(inorm, `reads a Reshape to [${target.join(', ')}]; InstanceNormalization is supported only as torch writes GroupNorm (Reshape to [0, G, -1] with G dividing the ${c} channels)`);
    }
    const scale = state.constFloats(inorm, inorm.input?.[1], 'scale').floats;
    const bias = state.constFloats(inorm, inorm.input?.[2], 'bias').floats;
    if (scale.length !== g || bias.length !== g || scale.some((v) => v !== 1) || bias.some((v) => v !== 0)) {
      state.fail(inorm, `its scale and bias must be ${g} ones and ${g} zeros (torch's GroupNorm applies γ and β after the Reshape back)`);
    }
    // back to [N, C, H, W]: by Shape(x), folded or not, or by a constant of that shape
    const back = onlyReader(state, inorm.output?.[0] ?? '', 'Reshape');
    const shapeIn = back?.input?.[1];
    const shapeOf = state.readers(onnxIn).find((r) => r.opType === 'Shape' && r.output?.[0] === shapeIn);
    const fixed = shapeIn ? state.constant(shapeIn)?.ints : undefined;
    if (!back || !(shapeOf || (fixed && fixed.slice(1).join() === `${c},${h},${w}`))) {
      state.fail(inorm, 'InstanceNormalization is supported only as torch writes GroupNorm, followed by a Reshape back to the input shape');
    }
    const consumed = [inorm, back];
    if (shapeOf && state.readers(shapeIn!).length === 1) consumed.push(shapeOf);
    // γ and β: the per-channel Mul and Add right after, when they are exactly that
    let y = back.output![0];
    const mul = onlyReader(state, y, 'Mul');
    const gamma = mul && perChannel(state, mul, y, c);
    const add = gamma && onlyReader(state, mul.output![0], 'Add');
    const beta = add && perChannel(state, add, mul.output![0], c);
    if (gamma && beta) {
      consumed.push(mul, add);
      y = add.output![0];
    }
    for (const m of consumed) state.consume(m);
    state.emit({
      op: 'groupnorm', name, inputs: [input], output: y, groups: g, epsilon: attrFloat(inorm, 'epsilon', 1e-5),
      ...(gamma && beta ? { gamma: state.param(`${name}.weight`, [c], gamma), beta: state.param(`${name}.bias`, [c], beta) } : {}),
    }, y);
    return true;
  },
};

export const instanceNormalization: OpEntry = {
  ops: ['InstanceNormalization'],
  layout: 'nchw',
  patterns: [torchGroupNorm],
  convert(n, _name, state) {
    state.fail(n, 'InstanceNormalization is supported only as torch writes GroupNorm (Reshape to [0, G, -1], InstanceNormalization, Reshape back)');
  },
};
