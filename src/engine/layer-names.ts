// Resolves a user's layer name to an IR tensor. `layer1..layer4` mean the output of the last
// residual block of torchvision group N, after its ReLU (the spec's A^L), whatever the file's
// naming: torchvision module paths (`layer2.3.relu_1`, from ONNX), Keras ResNet names
// (`conv3_block4_out`), or — for files without either — the residual structure itself
// (a new group starts at each block with a projection shortcut). Any tensor or node name
// works as well.
import { StudioError } from '../contract/errors.ts';
import type { Graph, GraphNode } from './ir.ts';

export function resolveLayer(graph: Graph, name: string): string {
  const tensors = new Set([graph.input.name, ...graph.nodes.map((n) => n.output)]);
  if (tensors.has(name)) return name;
  const node = graph.nodes.find((n) => n.name === name);
  if (node) return node.output;
  const m = /^layer(\d+)$/.exec(name);
  if (m) {
    const t = groupOutput(graph, Number(m[1]));
    if (t) return t;
  }
  const groups = residualGroupNames(graph);
  const names = graph.nodes.map((n) => n.name);
  const shown = names.slice(-40);
  throw new StudioError(
    'NOT_FOUND',
    `layer "${name}" not found in ${graph.source.file ?? 'the model'}; ` +
      (groups.length ? `groups: ${groups.join(', ')}; ` : 'the model has no residual groups (layer1..); ') +
      `nodes: ${names.length > shown.length ? `… (${names.length - shown.length} more) ` : ''}${shown.join(', ')}`,
  );
}

/** `layer1`…`layerK` that resolve in this graph. */
export function residualGroupNames(graph: Graph): string[] {
  const out: string[] = [];
  for (let g = 1; groupOutput(graph, g); g++) out.push(`layer${g}`);
  return out;
}

function groupOutput(graph: Graph, g: number): string | null {
  // torchvision module paths: the last node inside `layerG.` is the last block's ReLU
  const prefix = `layer${g}.`;
  const inGroup = graph.nodes.filter((n) => n.name.startsWith(prefix));
  if (inGroup.length > 0) return inGroup[inGroup.length - 1].output;
  // Keras ResNet: group g is stage g+1, `conv{g+1}_block{b}_out`, the highest b
  const re = new RegExp(`^conv${g + 1}_block(\\d+)_out$`);
  let best: { b: number; t: string } | null = null;
  for (const n of graph.nodes) {
    const mm = re.exec(n.output) ?? re.exec(n.name);
    if (mm && (!best || Number(mm[1]) > best.b)) best = { b: Number(mm[1]), t: n.output };
  }
  if (best) return best.t;
  const groups = structuralGroups(graph);
  return groups[g - 1] ?? null;
}

/**
 * Outputs of the last block of each residual group, found from the structure: a block ends
 * at an `add` (plus the ReLU reading it); it has a projection shortcut when both add inputs
 * come from conv/batchnorm nodes (an identity shortcut reads a ReLU, pool or add output).
 */
export function structuralGroups(graph: Graph): string[] {
  const producer = new Map<string, GraphNode>(graph.nodes.map((n) => [n.output, n]));
  const readers = new Map<string, GraphNode[]>();
  for (const n of graph.nodes) for (const i of n.inputs) readers.set(i, [...(readers.get(i) ?? []), n]);
  const groups: string[] = [];
  for (const n of graph.nodes) {
    if (n.op !== 'add' || n.inputs.length !== 2) continue;
    const projection = n.inputs.every((i) => {
      const p = producer.get(i);
      return p != null && (p.op === 'conv2d' || p.op === 'batchnorm');
    });
    const r = readers.get(n.output) ?? [];
    const out = r.length === 1 && r[0].op === 'relu' ? r[0].output : n.output;
    if (projection || groups.length === 0) groups.push(out);
    else groups[groups.length - 1] = out;
  }
  return groups;
}
