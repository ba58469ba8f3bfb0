import { readFileSync } from 'node:fs';
import { decodeModel } from './src/engine/onnx/proto.ts';
const m = decodeModel(readFileSync(process.argv[2]));
const nodes = m.graph!.node!.filter((n) => n.opType !== 'Identity');
for (const n of nodes.slice(0, Number(process.argv[3] ?? 40))) console.log(n.opType, n.name, (n.input ?? []).join(','), '->', (n.output ?? []).join(','), (n.attribute ?? []).map((a) => `${a.name}=${a.ints?.length ? a.ints.join('/') : a.i ?? a.f ?? ''}`).join(' '));
