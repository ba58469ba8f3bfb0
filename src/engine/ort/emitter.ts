// The node list of an ONNX graph under construction: fresh value names, nodes, initializers
// (small int64 constants shared by content). Used by the symbolic op implementation and
// the compiler; knows nothing about the engine IR.
import { floatTensor, int64Tensor, makeNode, type AttrValue } from '../onnx/build.ts';
import type { NodeProto, TensorProto } from '../onnx/proto.ts';

/** The opset every compiled graph declares (default domain only). */
export const OPSET = 17;

export class Emitter {
  readonly nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;
  private readonly ints = new Map<string, string>();
  private readonly floats = new Map<string, string>();

  fresh(prefix: string): string {
    return `${prefix}_${++this.counter}`;
  }

  /** appends one node with a single output; returns the output's name */
  node(op: string, inputs: string[], attrs: Record<string, AttrValue> = {}, out?: string): string {
    const o = out ?? this.fresh(op.toLowerCase());
    this.nodes.push(makeNode(op, inputs, [o], `${op}_${this.counter}_${o}`, attrs));
    return o;
  }

  /** a node with several outputs */
  nodeMulti(op: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): void {
    this.nodes.push(makeNode(op, inputs, outputs, `${op}_${++this.counter}`, attrs));
  }

  float(data: Float32Array, dims: number[], prefix = 'const'): string {
    const name = this.fresh(prefix);
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  /** a small float constant, shared by value (scalars, fills) */
  floatSmall(values: number[], dims: number[]): string {
    const key = `${dims.join('x')}:${values.join(',')}`;
    let name = this.floats.get(key);
    if (!name) {
      name = this.float(Float32Array.from(values), dims, 'f');
      this.floats.set(key, name);
    }
    return name;
  }

  /** an int64 vector constant, shared by value */
  int64(values: number[]): string {
    const key = values.join(',');
    let name = this.ints.get(key);
    if (!name) {
      name = this.fresh('i64');
      this.initializers.push(int64Tensor(name, values));
      this.ints.set(key, name);
    }
    return name;
  }

  /** an int64 scalar (rank 0) */
  int64Scalar(v: number): string {
    const key = `s:${v}`;
    let name = this.ints.get(key);
    if (!name) {
      name = this.fresh('i64s');
      const t = int64Tensor(name, [v]);
      t.dims = [];
      this.initializers.push(t);
      this.ints.set(key, name);
    }
    return name;
  }
}
