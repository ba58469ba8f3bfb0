// Resolves a user's layer name to an IR tensor. In order:
//  1. a tensor or node name, or `input` (the graph's input, whatever the file calls it);
//  2. `layer1..layer4` by the file's naming: torchvision ResNet module paths
//     (`layer2.3.relu_1`, from ONNX) or Keras ResNet names (`conv3_block4_out`);
//  3. `layer1..layer4` on any other CNN: the end of the stride-4/8/16/32 stage (docs/engine.md §13) —
//     the last tensor at that stride that every path to the output passes through, before the
//     first node that halves the resolution again: a pool's input (VGG `features.22`,
//     DenseNet `features.transition2.conv`), or the input of the block holding a strided
//     conv (MobileNetV2 `features.6`, ConvNeXt `features.3`, ResNet `layer2`);
//  4. a module name (`features.denseblock2`, `inception4e`, or the unique module whose path
//     ends with the name): the output of the last node inside that module.
// An unknown or ambiguous name is an error listing the candidates with stride and shape.
import { StudioError } from '../contract/errors.ts';
import type { Graph, GraphNode } from './ir.ts';
import { inferShapes } from './importers/shapes.ts';

/** the layer name of the image itself (CLRP's pixel map: the walk continues through the stem) */
export const INPUT_LAYER = 'input';

export function resolveLayer(graph: Graph, name: string): string {
  return describeLayer(graph, name).tensor;
}

/** a graph's layer facts, built once (graphs are not changed after import; every CAM run resolves its layer) */
const factsCache = new WeakMap<Graph, LayerFacts>();
function factsOf(graph: Graph): LayerFacts {
  let f = factsCache.get(graph);
  if (!f) {
    f = new LayerFacts(graph);
    factsCache.set(graph, f);
  }
  return f;
}

export interface LayerInfo {
  /** the IR tensor */
  tensor: string;
  /** the node writing it (absent for the graph input) */
  node?: string;
  /** input size / feature size (null where the input size is free and no guess applies) */
  stride: number | null;
  /** per-sample shape [h, w, c] at the model's input size (224×224 when free) */
  shape: number[];
}

/** resolveLayer with what the name resolved to (for reports: `layer2 → features.6.add, 28×28×32`) */
export function describeLayer(graph: Graph, name: string): LayerInfo {
  const facts = factsOf(graph);
  const direct = facts.direct(name) ?? (name === INPUT_LAYER ? graph.input.name : null);
  if (direct) return facts.info(direct);
  const m = /^layer(\d+)$/.exec(name);
  if (m) {
    const t = namedGroupOutput(graph, Number(m[1])) ?? facts.stageEnd(2 ** (Number(m[1]) + 1));
    if (t) return facts.info(t);
  }
  const modules = facts.modulesMatching(name);
  if (modules.length === 1) return facts.info(facts.moduleOutput(modules[0]));
  if (modules.length > 1) {
    throw new StudioError('BAD_REQUEST', `layer "${name}" is ambiguous in ${graph.source.file ?? 'the model'}; it names the modules ${modules.map((p) => facts.label(p, facts.moduleOutput(p))).join(', ')}`);
  }
  throw new StudioError('NOT_FOUND', `layer "${name}" not found in ${graph.source.file ?? 'the model'}; ${facts.candidates()}`);
}

/** `layer1`…`layerK` that resolve in this graph. */
export function residualGroupNames(graph: Graph): string[] {
  const facts = factsOf(graph);
  const out: string[] = [];
  for (let g = 1; g <= 5 && (namedGroupOutput(graph, g) ?? facts.stageEnd(2 ** (g + 1))); g++) out.push(`layer${g}`);
  return out;
}

/** torchvision ResNet `layerG.` module paths, Keras ResNet `conv{G+1}_block{b}_out` */
function namedGroupOutput(graph: Graph, g: number): string | null {
  const prefix = `layer${g}.`;
  const inGroup = graph.nodes.filter((n) => n.name.startsWith(prefix));
  if (inGroup.length > 0) return inGroup[inGroup.length - 1].output;
  const re = new RegExp(`^conv${g + 1}_block(\\d+)_out$`);
  let best: { b: number; t: string } | null = null;
  for (const n of graph.nodes) {
    const mm = re.exec(n.output) ?? re.exec(n.name);
    if (mm && (!best || Number(mm[1]) > best.b)) best = { b: Number(mm[1]), t: n.output };
  }
  return best?.t ?? null;
}

/**
 * Outputs of the last block of each residual group, found from the structure alone (files
 * whose names say nothing, e.g. old torch exports `Conv_12`): the stride-4/8/16/32 stage ends.
 */
export function structuralGroups(graph: Graph): string[] {
  const facts = factsOf(graph);
  const out: string[] = [];
  for (let s = 4; s <= 32; s *= 2) {
    const t = facts.stageEnd(s);
    if (t) out.push(t);
  }
  return out;
}

const SEP = /[./]/;

/** the module path of a node name: `features.7.conv.1.0` → ['features', '7', 'conv', '1', '0'] */
function segments(name: string): string[] {
  return name.split(SEP).filter((s) => s.length > 0);
}

/** a node's stage block: the path up to its first segment with a digit (`features.7`, `layer3`, `block_6`) */
function blockOf(name: string): string {
  const parts = name.split(/([./_])/);
  let out = '';
  for (const p of parts) {
    out += p;
    if (/\d/.test(p)) return out;
  }
  return name;
}

/** whether node `name` is `path` itself or inside it */
function inModule(name: string, path: string): boolean {
  return name === path || (name.startsWith(path) && /[./_]/.test(name.charAt(path.length)));
}

class LayerFacts {
  private readonly producer = new Map<string, GraphNode>();
  private readonly index = new Map<string, number>();
  private readonly shapes: Map<string, (number | null)[]>;
  private readonly inputH: number;
  private cutsCache: Set<string> | null = null;
  /** global-pool outputs and what is computed from them (1×1 maps with no stride: SE vectors, the head) */
  private readonly pooled = new Set<string>();

  constructor(private readonly graph: Graph) {
    graph.nodes.forEach((n, i) => {
      this.producer.set(n.output, n);
      this.index.set(n.output, i);
    });
    const [h, w] = graph.input.shape;
    this.inputH = h ?? 224;
    const sized: Graph = { ...graph, input: { ...graph.input, shape: [h ?? 224, w ?? 224, graph.input.shape[2]] } };
    this.shapes = inferShapes(sized);
    for (const n of graph.nodes) {
      const fromPooled = n.inputs.length > 0 && n.inputs.every((i) => this.pooled.has(i));
      if (n.op === 'globalavgpool' || fromPooled) this.pooled.add(n.output);
    }
  }

  direct(name: string): string | null {
    if (name === this.graph.input.name || this.producer.has(name)) return name;
    return this.graph.nodes.find((n) => n.name === name)?.output ?? null;
  }

  info(tensor: string): LayerInfo {
    return { tensor, node: this.producer.get(tensor)?.name, stride: this.stride(tensor), shape: (this.shapes.get(tensor) ?? []).map((d) => d ?? 0) };
  }

  private stride(t: string): number | null {
    if (this.pooled.has(t)) return null;
    // explicit padding (Keras ZeroPadding2D before a strided conv) keeps its input's stride
    const p = this.producer.get(t);
    if (p?.op === 'pad') return this.stride(p.inputs[0]);
    const s = this.shapes.get(t);
    if (!s || s.length !== 3 || s[0] == null || s[0] === 0) return null;
    return Math.round(this.inputH / s[0]);
  }

  /** tensors every path from the input to the output passes through (articulation points of the DAG) */
  private cuts(): Set<string> {
    if (this.cutsCache) return this.cutsCache;
    const nodes = this.graph.nodes;
    const useful = new Set<string>([this.graph.output]);
    for (let i = nodes.length - 1; i >= 0; i--) if (useful.has(nodes[i].output)) for (const x of nodes[i].inputs) useful.add(x);
    const lastUse = new Map<string, number>();
    nodes.forEach((n, i) => {
      if (useful.has(n.output)) for (const x of n.inputs) lastUse.set(x, i);
    });
    // live tensors after node i: produced at or before i, read after i
    const ends = new Map<number, number>();
    for (const [, i] of lastUse) ends.set(i, (ends.get(i) ?? 0) + 1);
    const cuts = new Set<string>();
    let live = lastUse.has(this.graph.input.name) ? 1 : 0;
    nodes.forEach((n, i) => {
      live -= ends.get(i) ?? 0;
      if (!useful.has(n.output)) return;
      if (lastUse.has(n.output)) live++;
      if (live === 1 && lastUse.has(n.output)) cuts.add(n.output);
    });
    this.cutsCache = cuts;
    return cuts;
  }

  /**
   * The end of the stage at `stride`: the last cut tensor at that stride before the first
   * node that leaves it; for a strided conv, the last one outside that conv's block.
   */
  stageEnd(stride: number): string | null {
    const nodes = this.graph.nodes;
    const cuts = this.cuts();
    const atStride = (t: string) => cuts.has(t) && this.stride(t) === stride;
    const exit = nodes.findIndex((n) => {
      const s = this.stride(n.output);
      return s != null && s > stride && n.inputs.some((i) => this.stride(i) === stride);
    });
    const before = (exit < 0 ? nodes : nodes.slice(0, exit)).filter((n) => atStride(n.output));
    if (before.length === 0) return null;
    if (exit >= 0 && nodes[exit].op === 'conv2d') {
      const block = blockOf(nodes[exit].name);
      const prior = before.filter((n) => !inModule(n.name, block));
      if (prior.length > 0) return prior[prior.length - 1].output;
    }
    // a pool written as Pad + AveragePool (torch's DenseNet transition): the pool's real input
    let end = before[before.length - 1];
    while (end.op === 'pad') {
      const src = this.producer.get(end.inputs[0]);
      if (!src || !atStride(src.output)) break;
      end = src;
    }
    return end.output;
  }

  /**
   * Modules (name prefixes ending at a `.`, `/` or `_` boundary that hold ≥ 1 node other
   * than the prefix itself) equal to `name` or ending with `.name`.
   */
  modulesMatching(name: string): string[] {
    const found = new Set<string>();
    for (const n of this.graph.nodes) {
      for (let k = n.name.indexOf(name); k >= 0; k = n.name.indexOf(name, k + 1)) {
        const end = k + name.length;
        const startOk = k === 0 || SEP.test(n.name.charAt(k - 1));
        if (startOk && end < n.name.length && /[./_]/.test(n.name.charAt(end))) found.add(n.name.slice(0, end));
      }
    }
    return [...found];
  }

  moduleOutput(path: string): string {
    const inside = this.graph.nodes.filter((n) => inModule(n.name, path));
    return inside[inside.length - 1].output;
  }

  label(title: string, tensor: string): string {
    const i = this.info(tensor);
    return `${title} (stride ${i.stride ?? '?'}, ${i.shape.join('×')})`;
  }

  /** the stage ends, then the top-level modules (children of the first container level), with stride and shape */
  candidates(): string {
    const stages: string[] = [];
    for (let g = 1; g <= 4; g++) {
      const t = namedGroupOutput(this.graph, g) ?? this.stageEnd(2 ** (g + 1));
      if (t) stages.push(this.label(`layer${g} = ${this.producer.get(t)?.name ?? t}`, t));
    }
    const modules: string[] = [];
    const seen = new Set<string>();
    for (const n of this.graph.nodes) {
      const segs = segments(n.name);
      const depth = segs.length >= 2 && !/\d/.test(segs[0]) ? 2 : 1;
      const p = segs.slice(0, depth).join('.');
      if (!seen.has(p) && this.shapes.get(n.output)?.length === 3) {
        seen.add(p);
        modules.push(p);
      }
    }
    const shown = modules.slice(0, 60).map((p) => this.label(p, this.moduleOutput(p)));
    return `${stages.length ? `stages: ${stages.join(', ')}; ` : ''}modules: ${shown.join(', ')}${modules.length > shown.length ? ` … (${modules.length - shown.length} more)` : ''}`;
  }
}
