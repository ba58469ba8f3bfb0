// The worker host with real worker_threads: maps equal the in-process engine, IR and
// file models, N workers, cancellation, and a crashing worker reported and replaced.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os, { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CamModel } from '../../../src/engine/tfjs/cam-model.ts';
import type { CamRequest } from '../../../src/engine/cams/methods.ts';
import { CancelledError, EngineHost, workerThreads } from '../../../src/engine/worker/host.ts';
import { randomInput, resnet } from '../../helpers/models.ts';
import { graphToOnnx } from '../../helpers/serialize.ts';
import { relErr, useBackend } from './setup.ts';

const SIZE = 32;
const graph = resnet(18, { width: 4, size: SIZE, classes: 5, seed: 12 });
const images = [0, 1, 2].map((s) => ({ data: randomInput([1, SIZE, SIZE, 3], 40 + s), height: SIZE, width: SIZE }));
let host: EngineHost;
const crashes: number[] = [];

beforeAll(async () => {
  await useBackend('cpu');
  host = await EngineHost.start({ workers: 2, executor: 'tfjs', backend: 'cpu', onWorkerCrash: (c) => crashes.push(c.worker) });
});
afterAll(() => host.close());

describe('engine worker host', () => {
  it('returns the same maps as the in-process engine, per image, with the backend name', async () => {
    const res = await host.run({ model: { key: 'r18', graph }, images, cam: { method: 'rcam', layer: 'layer2', targets: [1, 3] } });
    expect(res.backend).toBe('tfjs-cpu');
    expect(res.results).toHaveLength(3);
    const local = new CamModel(graph);
    res.results.forEach((r, i) => {
      const ref = local.run(images[i].data, [SIZE, SIZE], { method: 'rcam', layer: 'layer2', targets: [1, 3] });
      expect(r.maps.map((m) => m.target)).toEqual([1, 3]);
      expect(r.maps[0].data).toBeInstanceOf(Float32Array);
      expect(relErr(r.maps[1].data, ref.maps[1].data)).toBeLessThan(1e-6);
    });
    local.dispose();
  });

  it('brings the further layers of a request back from the worker', async () => {
    const cam: CamRequest = { method: 'rcam', layer: 'layer2', deepLayers: ['layer3', 'layer4'], targets: [0, 2] };
    const res = await host.run({ model: { key: 'r18', graph }, images: [images[0]], cam });
    const local = new CamModel(graph);
    const ref = local.run(images[0].data, [SIZE, SIZE], cam);
    local.dispose();
    const got = res.results[0];
    expect(got.deep.map((d) => d.layer)).toEqual(['layer3', 'layer4']);
    got.deep.forEach((d, i) => {
      expect(d.maps.map((m) => [m.target, m.h, m.w])).toEqual(ref.deep[i].maps.map((m) => [m.target, m.h, m.w]));
      d.maps.forEach((m, t) => expect(relErr(m.data, ref.deep[i].maps[t].data)).toBeLessThan(1e-6));
    });
  });

  it('runs requests on both workers at once and loads model files in the worker', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'engine-host-'));
    try {
      const file = path.join(dir, 'model.onnx');
      writeFileSync(file, graphToOnnx(graph));
      const reqs = [0, 1, 2, 3].map((i) => host.run({ model: i % 2 ? { file } : { key: 'r18', graph }, images: [images[i % 3]], cam: { method: 'gradcam', layer: 'layer3' } }));
      const out = await Promise.all(reqs);
      expect(out.every((r) => r.results[0].maps[0].h === 2)).toBe(true);
      expect(relErr(out[0].results[0].maps[0].data, out[3].results[0].maps[0].data)).toBeLessThan(1e-5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** both workers up and idle: the next two requests go to workers 0 and 1, in that order */
  const idle = () => Promise.all([0, 1].map(() => host.run({ model: { key: 'r18', graph }, images: [images[0]], cam: { method: 'rcam', layer: 'layer2' } })));

  it('cancels a request (queued or running)', async () => {
    await idle();
    const many = Array.from({ length: 40 }, (_, i) => images[i % 3]);
    const acs = [0, 1, 2].map(() => new AbortController());
    // two run (one per worker), the third waits in the queue; no clock decides which is where
    const [running, other, queued] = acs.map((ac) => host.run({ model: { key: 'r18', graph }, images: many, cam: { method: 'scorecam', layer: 'layer2' } }, ac.signal));
    acs[2].abort();
    await expect(queued).rejects.toBeInstanceOf(CancelledError);
    acs[0].abort();
    acs[1].abort();
    // both awaited at once: awaiting one first left the other's rejection unhandled for a
    // moment when it came first (vitest counts that as an error even though it is checked next)
    await Promise.all([expect(running).rejects.toBeInstanceOf(CancelledError), expect(other).rejects.toBeInstanceOf(CancelledError)]);
    // the host still works afterwards
    const ok = await host.run({ model: { key: 'r18', graph }, images: [images[0]], cam: { method: 'rcam', layer: 'layer2' } });
    expect(ok.results).toHaveLength(1);
  });

  it('reports a crashed worker, fails its request, and replaces it', async () => {
    await idle();
    const many = Array.from({ length: 30 }, (_, i) => images[i % 3]);
    const p0 = host.run({ model: { key: 'r18', graph }, images: many, cam: { method: 'scorecam', layer: 'layer2' } });
    const p1 = host.run({ model: { key: 'r18', graph }, images: many, cam: { method: 'scorecam', layer: 'layer2' } });
    // worker 0 holds p0 now; it crashes before its first image (a fixed sleep here once let a fast machine finish p0 first)
    host.crashWorker(0);
    const settled = await Promise.allSettled([p0, p1]);
    const failed = settled.filter((s) => s.status === 'rejected') as PromiseRejectedResult[];
    expect(failed).toHaveLength(1);
    expect(String(failed[0].reason.message)).toMatch(/engine worker 0 crashed while running a scorecam request/);
    expect(crashes).toContain(0);
    const after = await Promise.all([0, 1].map(() => host.run({ model: { key: 'r18', graph }, images: [images[1]], cam: { method: 'rcam', layer: 'layer2' } })));
    expect(after.every((r) => r.results.length === 1)).toBe(true);
    expect(host.size).toBe(2);
  });

  it('a bad request is a user-facing error that names the layer', async () => {
    await expect(host.run({ model: { key: 'r18', graph }, images: [images[0]], cam: { method: 'rcam', layer: 'layer7' } })).rejects.toMatchObject({ name: 'StudioError', message: expect.stringMatching(/layer "layer7" not found/) });
  });
});

describe('onnxruntime threads per worker', () => {
  it('shares the cores out among the workers unless told otherwise', () => {
    const saved = process.env.RS_ORT_THREADS;
    delete process.env.RS_ORT_THREADS;
    try {
      expect([workerThreads(undefined, 1, 8), workerThreads(undefined, 2, 8), workerThreads(undefined, 3, 8), workerThreads(undefined, 2, 2), workerThreads(undefined, 4, 2)]).toEqual([8, 4, 2, 1, 1]);
      expect(workerThreads(3, 2, 2)).toBe(3);
      process.env.RS_ORT_THREADS = '2';
      expect(workerThreads(undefined, 4, 8)).toBe(2);
      expect(workerThreads(1, 4, 8)).toBe(1);
    } finally {
      if (saved === undefined) delete process.env.RS_ORT_THREADS;
      else process.env.RS_ORT_THREADS = saved;
    }
  });

  it("a worker's onnxruntime sessions run with the host's thread count, reported with the timings", async () => {
    const cores = os.availableParallelism();
    for (const [opts, want] of [[{ workers: 1 }, workerThreads(undefined, 1, cores)], [{ workers: 1, threads: 1 }, 1]] as const) {
      const h = await EngineHost.start({ ...opts, executor: 'onnxruntime' });
      try {
        expect(h.threads).toBe(want);
        const r = await h.run({ model: { key: 'r18', graph }, images: [images[0]], cam: { method: 'rcam', layer: 'layer2' } });
        expect(r.backend).toBe('onnxruntime-cpu');
        expect(r.results[0].timings).toMatchObject({ executor: 'onnxruntime', threads: want });
      } finally {
        await h.close();
      }
    }
  });
});
