// Folds eval-mode BatchNorm into the conv before it (W' = W·s per output channel,
// b' = (b − mean)·s + β, s = γ/√(var + ε)) where the conv's output has no other reader —
// what torch.onnx.export does by default. Not used by R-CAM (spec §3.3: BN is NOT folded;
// with negative γ the z⁺ split would change); the gradient methods may use it, since
// folding leaves every gradient below the BN unchanged. The BN's output tensor name is
// kept (the folded conv writes it), so layer names still resolve.
import type { BatchNormNode, Conv2dNode, Graph, GraphNode, Param } from '../ir.ts';
import type { Canonizer } from './canonizer.ts';

export const foldBatchNorm: Canonizer = {
  name: 'fold-batchnorm',
  apply(graph: Graph): Graph {
    const readers = new Map<string, number>();
    for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, (readers.get(i) ?? 0) + 1);
    const producer = new Map<string, GraphNode>(graph.nodes.map((n) => [n.output, n]));
    const params: Record<string, Param> = { ...graph.params };
    const folded = new Map<string, Conv2dNode>(); // conv name → replacement
    const dropped = new Set<string>(); // BN names
    for (const n of graph.nodes) {
      if (n.op !== 'batchnorm') continue;
      const conv = producer.get(n.inputs[0]);
      if (!conv || conv.op !== 'conv2d' || readers.get(conv.output) !== 1 || conv.output === graph.output) continue;
      const bn = n as BatchNormNode;
      const w = graph.params[conv.weight];
      const co = w.shape[3];
      const g = graph.params[bn.gamma].data;
      const beta = graph.params[bn.beta].data;
      const mean = graph.params[bn.mean].data;
      const v = graph.params[bn.variance].data;
      const b = conv.bias ? graph.params[conv.bias].data : new Float32Array(co);
      const wf = new Float32Array(w.data.length);
      const bf = new Float32Array(co);
      const s = new Float64Array(co);
      for (let o = 0; o < co; o++) {
        s[o] = g[o] / Math.sqrt(v[o] + bn.epsilon);
        bf[o] = (b[o] - mean[o]) * s[o] + beta[o];
      }
      for (let i = 0; i < wf.length; i++) wf[i] = w.data[i] * s[i % co];
      const weight = `${conv.weight}#bnfold`;
      const bias = `${conv.name}.bias#bnfold`;
      params[weight] = { shape: w.shape, data: wf };
      params[bias] = { shape: [co], data: bf };
      folded.set(conv.name, { ...conv, weight, bias, output: bn.output });
      dropped.add(bn.name);
    }
    const nodes = graph.nodes.filter((n) => !dropped.has(n.name)).map((n) => folded.get(n.name) ?? n);
    return { ...graph, nodes, params };
  },
};
