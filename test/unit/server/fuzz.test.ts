// 1 000 random malformed API requests and WebSocket frames (seeded, bounded) against the
// real server over a real project: the server never exits, never answers a malformed
// request with an internal error, and afterwards still serves API calls and events with
// the project intact — its images included, whatever exports the loop aimed at their
// folder. Memory over the same loop is measured by `npm run bench -- probes`.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { fuzzer } from '../../helpers/fuzz.ts';
import { tempDir } from '../../helpers/images.ts';
import { useServedStudio } from '../services/fixture.ts';

const TOKEN = 'fuzz-token-0123456789abcdef';
const scratch = tempDir('studio-fuzz-');
const served = useServedStudio(TOKEN);
afterAll(() => scratch.cleanup());

describe('fuzz', () => {
  it('survives 1 000 malformed requests and frames, and still serves', async () => {
    const dataset = join(served.tp.dir, 'data');
    const images = () => ['cat', 'dog'].flatMap((c) => readdirSync(join(dataset, c)).map((f) => `${c}/${f}`)).sort();
    const before = images();
    const tally = await fuzzer(16).run({ origin: served.server.origin, token: TOKEN, scratch: scratch.dir, dataset }, 1000);
    expect(tally.http + tally.ws).toBe(1000);
    expect(tally.ws).toBeGreaterThan(150);
    // malformed input is the client's fault: 4xx, never a 500 internal error
    expect(Object.keys(tally.statuses).filter((s) => Number(s) >= 500)).toEqual([]);
    expect(tally.resetDetails).toEqual([]);
    // the projects, import, model and chooser methods are in the loop like every other
    for (const m of ['createProject', 'openProject', 'inspectDataset', 'startImport', 'inspectModel', 'tryModel', 'addModel', 'removeModel', 'setActiveModel', 'listFolder']) {
      expect(tally.methods[m], m).toBeGreaterThan(5);
    }
    expect(images()).toEqual(before);

    const info = await fetch(`${served.server.origin}/api/projectInfo`, { method: 'POST', headers: { 'X-Studio-Token': TOKEN }, body: '[]' });
    expect(await info.json()).toMatchObject({ ok: true, value: { name: 'Pets', images: 5 } });
    // no project was made or opened from the fuzzer's paths
    const current = await fetch(`${served.server.origin}/api/currentProject`, { method: 'POST', headers: { 'X-Studio-Token': TOKEN }, body: '[]' });
    expect(await current.json()).toEqual({ ok: true, value: { path: served.tp.project.dir, name: 'Pets' } });
    const ws = new WebSocket(`ws://127.0.0.1:${served.server.port}/events?token=${TOKEN}`);
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const got = new Promise<unknown>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
    served.bus.emit('project.changed', { reason: 'after-fuzz' });
    expect(await got).toEqual({ name: 'project.changed', payload: { reason: 'after-fuzz' } });
    ws.close();
  }, 180_000);
});
