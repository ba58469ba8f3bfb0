// The walk over an ONNX graph: the input, then every node in order through its registry entry
// (ops/), then the output. It knows no op: what an op means, which layout it reads and which
// shape arithmetic it folds are the entry's. Constants come first because patterns read ahead.
import { StudioError } from '../../../contract/errors.ts';
import type { Graph } from '../../ir.ts';
import { valueInfoDims, type ModelProto, type NodeProto } from '../../onnx/proto.ts';
import { irNodeNames } from './names.ts';
import './ops/index.ts';
import { opEntry, patternsStartingAt, supportedOps } from './registry.ts';
import { ImportState } from './state.ts';

export class OnnxImporter {
  private readonly state: ImportState;

  constructor(
    private readonly model: ModelProto,
    private readonly file: string,
  ) {
    this.state = new ImportState(file, model.graph?.node ?? []);
  }

  run(): Graph {
    const g = this.model.graph!;
    const state: ImportState = this.state;
    for (const t of g.initializer ?? []) state.addConst(t.name ?? '', t);
    const input = (g.input ?? []).find((v) => !state.isConst(v.name ?? ''));
    if (!input?.name) throw new StudioError('BAD_REQUEST', `${this.file}: the ONNX graph has no (non-initializer) input`);
    const dims = valueInfoDims(input);
    if (!dims || dims.length !== 4) {
      throw new StudioError('BAD_REQUEST', `${this.file}: input ${input.name} must be an NCHW image batch (rank 4), got ${dims ? `rank ${dims.length}` : 'no shape'}`);
    }
    if (dims[1] == null) throw new StudioError('BAD_REQUEST', `${this.file}: input ${input.name} leaves the channel count free`);
    const inShape: [number | null, number | null, number] = [dims[2], dims[3], dims[1]];
    state.addInput(input.name, inShape);

    const onnxNodes = g.node ?? [];
    const names = irNodeNames(onnxNodes);
    onnxNodes.forEach((n, i) => {
      if (n.opType !== 'Constant') return;
      this.convert(n, names[i]);
      state.consume(n);
    });
    onnxNodes.forEach((n, i) => {
      if (!state.consumed(n)) this.convert(n, names[i]);
    });

    const outName = g.output?.[0]?.name;
    if (!outName) throw new StudioError('BAD_REQUEST', `${this.file}: the ONNX graph declares no output`);
    return {
      source: { format: 'onnx', file: this.file },
      input: { name: input.name, shape: inShape },
      output: state.ref(outName, 'graph output'),
      nodes: state.nodes,
      params: state.params,
    };
  }

  private convert(n: NodeProto, name: string): void {
    const state: ImportState = this.state;
    const op = n.opType ?? '';
    const ins = n.input ?? [];
    const entry = opEntry(op);
    if (!entry) state.fail(n, `unsupported op type ${op} (supported: ${supportedOps().join(', ')})`);
    const folded = entry.fold?.(n, state);
    if (folded) return state.setConst((n.output ?? [])[0], folded);
    if (entry.layout === 'nchw' && ins[0] && state.isChannelsLast(ins[0])) {
      state.fail(n, 'reads a channels-last tensor (after a Transpose to NHWC); only elementwise ops, LayerNorm and MatMul are supported there — transpose back to NCHW first');
    }
    if (!patternsStartingAt(op).some((p) => p.convert(n, name, state))) entry.convert(n, name, state);
    if (entry.layout === 'keeps' && ins.some((i) => state.isChannelsLast(i))) for (const o of n.output ?? []) state.setChannelsLast(o, true);
  }
}
