// What the walk over an ONNX graph has built so far, and the small questions every op entry
// asks of it: the IR nodes and parameters, each tensor's shape and layout, the constants, and
// which IR tensor an ONNX tensor name stands for. Op entries (ops/*.ts) read and extend it;
// the walker (importer.ts) decides the order.
import { StudioError } from '../../../contract/errors.ts';
import type { GraphNode, Param } from '../../ir.ts';
import { tensorDims, tensorToFloat32, tensorToInts, type NodeProto, type TensorProto } from '../../onnx/proto.ts';
import { nodeOutputShape, type Shape } from '../shapes.ts';

/** A constant tensor (initializer, Constant node or folded shape arithmetic). */
export interface Const {
  dims: number[];
  floats: Float32Array | null;
  ints: number[] | null;
}

/** An ONNX [N, g, C/g, H, W] view of an IR tensor (a channel shuffle's first Reshape) and, once transposed, [N, C/g, g, H, W]. */
export interface GroupedView {
  ir: string;
  g: number;
  transposed: boolean;
}

export class ImportState {
  readonly nodes: GraphNode[] = [];
  readonly params: Record<string, Param> = {};
  private readonly consts = new Map<string, Const>();
  /** ONNX tensor name → IR tensor name (ops folded into others, e.g. a MatMul's bias Add) */
  private readonly alias = new Map<string, string>();
  private readonly shapes = new Map<string, Shape>();
  /** IR tensors that hold an ONNX (C,H,W)-ordered flatten of a spatial [h,w,c] tensor */
  private readonly flatFrom = new Map<string, [number, number, number]>();
  private readonly producers = new Map<string, GraphNode>();
  private readonly consumerCount = new Map<string, number>();
  private readonly readerNodes = new Map<string, NodeProto[]>();
  /** ONNX tensors in channels-last order [N, H, W, C] (after a Transpose): the IR's own order */
  private readonly nhwc = new Set<string>();
  readonly grouped = new Map<string, GroupedView>();
  /** ONNX nodes another node's pattern took over (a LayerNorm written as ReduceMean, Sub, Pow …) */
  private readonly consumedNodes = new Set<NodeProto>();

  constructor(
    readonly file: string,
    onnxNodes: NodeProto[],
  ) {
    for (const n of onnxNodes) {
      for (const i of n.input ?? []) {
        this.consumerCount.set(i, (this.consumerCount.get(i) ?? 0) + 1);
        const r = this.readerNodes.get(i);
        if (r) r.push(n);
        else this.readerNodes.set(i, [n]);
      }
    }
  }

  fail(n: NodeProto, problem: string): never {
    throw new StudioError('BAD_REQUEST', `${this.file}: node "${n.name || '(unnamed)'}" (${n.opType}): ${problem}`);
  }

  // ---- the graph's wiring ------------------------------------------------------------------

  /** how many node inputs read an ONNX tensor */
  consumers(onnxName: string): number {
    return this.consumerCount.get(onnxName) ?? 0;
  }

  /** the ONNX nodes that read a tensor, in graph order */
  readers(onnxName: string): NodeProto[] {
    return this.readerNodes.get(onnxName) ?? [];
  }

  /** marks a node as converted by another node's pattern, so the walk skips it */
  consume(n: NodeProto): void {
    this.consumedNodes.add(n);
  }

  consumed(n: NodeProto): boolean {
    return this.consumedNodes.has(n);
  }

  // ---- constants ---------------------------------------------------------------------------

  isConst(onnxName: string): boolean {
    return this.consts.has(onnxName);
  }

  constant(onnxName: string): Const | undefined {
    return this.consts.get(onnxName);
  }

  setConst(onnxName: string, c: Const): void {
    this.consts.set(onnxName, c);
  }

  addConst(name: string, t: TensorProto): void {
    try {
      this.consts.set(name, { dims: tensorDims(t), floats: tensorToFloat32(t), ints: tensorToInts(t) });
    } catch (e) {
      throw new StudioError('BAD_REQUEST', `${this.file}: tensor ${name} is damaged (${(e as Error).message}); the file may be truncated`);
    }
  }

  constFloats(n: NodeProto, name: string | undefined, what: string): Const & { floats: Float32Array } {
    const c = name ? this.consts.get(name) : undefined;
    if (!c) this.fail(n, `its ${what} (${name ?? 'missing'}) must be an initializer or Constant`);
    if (!c.floats) this.fail(n, `its ${what} (${name}) must be a float tensor`);
    return c as Const & { floats: Float32Array };
  }

  constInts(n: NodeProto, name: string | undefined, what: string): number[] {
    const c = name ? this.consts.get(name) : undefined;
    if (!c?.ints) this.fail(n, `its ${what} (${name ?? 'missing'}) must be a constant integer tensor`);
    return c.ints;
  }

  // ---- tensors -----------------------------------------------------------------------------

  /** the graph input: an IR tensor of its own */
  addInput(name: string, shape: Shape): void {
    this.shapes.set(name, [...shape]);
  }

  /** IR tensor name for an ONNX tensor that some earlier node (or the input) produced. */
  ref(onnxName: string, who: string): string {
    const name = this.alias.get(onnxName) ?? onnxName;
    if (!this.shapes.has(name)) {
      throw new StudioError('BAD_REQUEST', `${this.file}: ${who} reads tensor "${onnxName}", which is neither the input, an initializer nor the output of an earlier node`);
    }
    return name;
  }

  /** the IR tensor a node's k-th input names */
  input(n: NodeProto, k = 0): string {
    return this.ref((n.input ?? [])[k], `node "${n.name}" (${n.opType})`);
  }

  /** the ONNX tensor `onnxName` is another name of the IR tensor `ir` (a layout-only Transpose, a folded bias) */
  aliasOf(onnxName: string, ir: string): void {
    this.alias.set(onnxName, ir);
  }

  shape(ir: string): Shape {
    return this.shapes.get(ir)!;
  }

  producer(ir: string): GraphNode | undefined {
    return this.producers.get(ir);
  }

  /** the (h, w, c) map an IR tensor is the ONNX (C,H,W)-ordered flatten of */
  flattenedFrom(ir: string): [number, number, number] | undefined {
    return this.flatFrom.get(ir);
  }

  isChannelsLast(onnxName: string): boolean {
    return this.nhwc.has(onnxName);
  }

  setChannelsLast(onnxName: string, last: boolean): void {
    if (last) this.nhwc.add(onnxName);
    else this.nhwc.delete(onnxName);
  }

  // ---- emitting IR -------------------------------------------------------------------------

  param(name: string, shape: number[], data: Float32Array): string {
    this.params[name] = { shape, data };
    return name;
  }

  emit(node: GraphNode, onnxOut: string, flat?: [number, number, number]): void {
    const inShapes = node.inputs.map((i) => this.shapes.get(i)!);
    let shape: Shape;
    try {
      shape = nodeOutputShape(node, inShapes, this.params);
    } catch (e) {
      throw new StudioError('BAD_REQUEST', `${this.file}: ${(e as Error).message}`);
    }
    this.nodes.push(node);
    this.shapes.set(node.output, shape);
    this.producers.set(node.output, node);
    this.alias.set(onnxOut, node.output);
    if (flat) this.flatFrom.set(node.output, flat);
  }

  // ---- checks many ops share ---------------------------------------------------------------

  /** Refuses extra outputs (MaxPool indices, Dropout mask, training-mode BN stats) in use. */
  singleOutput(n: NodeProto): string {
    const outs = n.output ?? [];
    for (const o of outs.slice(1)) if (o && this.consumerCount.has(o)) this.fail(n, `its extra output ${o} is used, which the engine does not support`);
    return outs[0];
  }

  spatialIn(n: NodeProto, x: string): Shape {
    const s = this.shapes.get(x)!;
    if (s.length !== 3) this.fail(n, `needs an NCHW input, got rank ${s.length + 1}`);
    return s;
  }

  noSpatialFlat(n: NodeProto, t: string): void {
    const f = this.flatFrom.get(t);
    if (f && f[0] * f[1] > 1) this.fail(n, 'reads a flattened feature map (C,H,W order) that only a Gemm/MatMul may consume');
  }
}
