// The ONNX op registry: one entry per op type, a second registration refused.
import { describe, expect, it } from 'vitest';
import '../../../../../src/engine/importers/onnx/ops/index.ts';
import { opEntry, registerOp, supportedOps } from '../../../../../src/engine/importers/onnx/registry.ts';

describe('ONNX op registry', () => {
  it('holds each supported op type once, the op families in their listed order', () => {
    const ops = supportedOps();
    expect(new Set(ops).size).toBe(ops.length);
    expect(ops.slice(0, 3)).toEqual(['Conv', 'BatchNormalization', 'Relu']);
    expect(ops).toContain('InstanceNormalization');
    for (const op of ops) expect(opEntry(op)!.ops).toContain(op);
  });

  it('refuses an entry that registers an op type again, registering none of its ops', () => {
    const entry = { ops: ['NewOp', 'Conv'], layout: 'nchw', convert: () => {} } as const;
    expect(() => registerOp(entry)).toThrow('ONNX op Conv is registered twice');
    expect(opEntry('NewOp')).toBeUndefined();
    expect(opEntry('Conv')!.ops).toEqual(['Conv']);
  });
});
