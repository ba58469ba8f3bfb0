// Executor choice: onnxruntime when it loads (it does here), RS_EXECUTOR overrides, both
// executors behind one surface give the same maps and say who produced them.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chooseExecutor, createCamExecutor, executorLabel } from '../../../../src/engine/executor.ts';
import { providerOrder } from '../../../../src/engine/ort/session.ts';
import { randomInput, resnet } from '../../../helpers/models.ts';
import { pearson } from '../naive/reference.ts';
import { useBackend } from '../setup.ts';
import { SIZE } from './helpers.ts';

beforeAll(() => useBackend('cpu'));
const saved = process.env.RS_EXECUTOR;
afterEach(() => {
  if (saved === undefined) delete process.env.RS_EXECUTOR;
  else process.env.RS_EXECUTOR = saved;
});

describe('executor choice', () => {
  it('defaults to onnxruntime when it loads; RS_EXECUTOR overrides; a bad value is a clear error', async () => {
    delete process.env.RS_EXECUTOR;
    expect(await chooseExecutor()).toBe('onnxruntime');
    process.env.RS_EXECUTOR = 'tfjs';
    expect(await chooseExecutor()).toBe('tfjs');
    await expect(chooseExecutor('pytorch')).rejects.toThrow(/RS_EXECUTOR=pytorch: expected onnxruntime or tfjs/);
  });

  it('providers: cpu always last; RS_ORT_PROVIDER reorders', () => {
    expect(providerOrder(undefined).at(-1)).toBe('cpu');
    expect(providerOrder('cuda')).toEqual(['cuda', 'cpu']);
    expect(providerOrder('bogus')).toEqual(['cpu']);
  });

  it('both executors: same maps, timings name executor and provider/backend', async () => {
    const graph = resnet(18, { width: 4, size: SIZE, classes: 6, seed: 5 });
    const input = randomInput([1, SIZE, SIZE, 3], 21);
    const o = await createCamExecutor(graph, { executor: 'onnxruntime', cacheDir: null });
    const t = await createCamExecutor(graph, { executor: 'tfjs', backend: 'cpu' });
    expect([o.executor, t.executor]).toEqual(['onnxruntime', 'tfjs']);
    const a = await o.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer2' });
    const b = await t.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer2' });
    expect(pearson(a.maps[0].data, b.maps[0].data)).toBeGreaterThan(0.99999);
    expect(executorLabel(a.timings)).toBe('onnxruntime/cpu');
    expect(executorLabel(b.timings)).toBe('tfjs/cpu');
    expect(o.label).toBe('onnxruntime-cpu');
    expect(t.label).toBe('tfjs-cpu');
    // a request with a provider that is not here still runs (on cpu)
    const p = await createCamExecutor(graph, { executor: 'onnxruntime', cacheDir: null, providers: ['cuda', 'cpu'] });
    const c = await p.run(input, [SIZE, SIZE], { method: 'rcam', layer: 'layer2' });
    expect(c.timings.provider).toBe('cpu');
    expect(Array.from(c.maps[0].data)).toEqual(Array.from(a.maps[0].data));
    await Promise.all([o.dispose(), t.dispose(), p.dispose()]);
  });
});
