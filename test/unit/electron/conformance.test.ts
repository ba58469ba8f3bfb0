// Contract conformance: both transports (Electron IPC, browser-mode HTTP) reach every
// StudioApi method through the same exhaustive table, and one suite of cases runs against
// both and gets the same answers.
//
// Compile time: services/validate.ts's VALIDATORS is typed { [M in MethodName]: … }, and
// both transports call services/dispatch.ts, which looks a method up there and calls the
// StudioApi (whose implementations must have every method). The assertions below fail to
// type-check (`npx tsc -p tsconfig.node.json`) if a contract method lacks a validator, if a
// validator answers the wrong parameter tuple, or if a transport's route table misses one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CALL, type MethodName, type Params, type Result, type StudioApi } from '../../../src/contract/api.ts';
import { createEventBus, createStudioService, VALIDATORS } from '../../../src/services/index.ts';
import { startServer, type RunningServer } from '../../../src/server/index.ts';
import type { DesktopApi, DesktopMethod } from '../../../src/contract/desktop.ts';
import { DESKTOP_VALIDATORS } from '../../../src/services/validate-desktop.ts';
import { channelTable, routeIpc, type CallSender } from '../../../electron/ipc.ts';
import { smallProject, type TestProject } from '../services/fixture.ts';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;

export type ValidatorKeys = Assert<Equal<keyof typeof VALIDATORS, MethodName>>;
export type ValidatorTuples = Assert<Equal<{ [M in MethodName]: ReturnType<(typeof VALIDATORS)[M]> }, { [M in MethodName]: Params<M> }>>;
export type DesktopKeys = Assert<Equal<keyof typeof DESKTOP_VALIDATORS, DesktopMethod>>;
export type DesktopTuples = Assert<Equal<{ [M in DesktopMethod]: ReturnType<(typeof DESKTOP_VALIDATORS)[M]> }, { [M in DesktopMethod]: Parameters<DesktopApi[M]> }>>;

/** A transport's route for one method: how the renderer reaches it. */
interface Route {
  ipc: { channel: typeof IPC_CALL; method: string };
  http: { path: string };
}
/** The exhaustive map, built from the exhaustive validator table (a missing key would not type-check). */
const ROUTES: { [M in MethodName]: Route } = Object.fromEntries(
  (Object.keys(VALIDATORS) as MethodName[]).map((m) => [m, { ipc: { channel: IPC_CALL, method: m }, http: { path: `/api/${m}` } }]),
) as { [M in MethodName]: Route };

/** Sample valid calls; methods without one still run the shared invalid-parameter cases. */
const SAMPLES: Partial<{ [M in MethodName]: Params<M>[] }> = {
  projectInfo: [[]],
  listImages: [[{ offset: 0, limit: 10 }], [{ offset: 1, limit: 2, sort: 'name', search: 'c' }], [{ offset: 0, limit: 5, status: 'unreviewed', classIndex: 1 }]],
  getImage: [[1], [5]],
  thumbnail: [[2]],
  imageBytes: [[3]],
};
const INVALID: unknown[] = ['x', { a: 1 }, [-1, 'too', 'many', 'params', null]];

let tp: TestProject;
let api: StudioApi;
let server: RunningServer;
const TOKEN = 'conformance-token-0123456789';
const sender: CallSender = { url: 'studio://app/index.html', topFrame: true, ownWindow: true };

beforeAll(async () => {
  tp = await smallProject();
  api = createStudioService(tp.project);
  server = await startServer({ api, bus: createEventBus(), token: TOKEN, staticDir: null });
});
afterAll(async () => {
  await server.close();
  tp.cleanup();
});

type Norm = { ok: true; value: unknown } | { ok: false; code: string; message: string };

function norm(r: Result<unknown>): Norm {
  if (!r.ok) return { ok: false, code: r.error.code, message: r.error.message };
  const v = r.value instanceof Uint8Array ? Buffer.from(r.value).toString('base64') : r.value;
  return { ok: true, value: v };
}

const transports: Record<'ipc' | 'http', (m: MethodName | string, params: unknown) => Promise<Norm>> = {
  ipc: async (m, params) => {
    const route = ROUTES[m as MethodName]?.ipc ?? { channel: IPC_CALL, method: m };
    return norm(await routeIpc(channelTable(() => api, {} as DesktopApi), route.channel, sender, { method: route.method, params }));
  },
  http: async (m, params) => {
    const path = ROUTES[m as MethodName]?.http.path ?? `/api/${m}`;
    const res = await fetch(`${server.origin}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Studio-Token': TOKEN }, body: JSON.stringify(params) });
    if ((res.headers.get('content-type') ?? '').includes('application/json')) return norm((await res.json()) as Result<unknown>);
    expect(res.status).toBe(200);
    return norm({ ok: true, value: new Uint8Array(await res.arrayBuffer()) });
  },
};

describe('one suite, both transports', () => {
  it('every contract method has a route on both transports', () => {
    expect(Object.keys(ROUTES).sort()).toEqual(Object.keys(VALIDATORS).sort());
    for (const m of Object.keys(SAMPLES)) expect(ROUTES).toHaveProperty(m);
  });

  for (const [name, call] of Object.entries(transports)) {
    describe(name, () => {
      it('answers every sample call exactly like the services do', async () => {
        for (const [m, calls] of Object.entries(SAMPLES) as [MethodName, unknown[][]][]) {
          for (const params of calls) {
            const direct = await (api[m] as (...a: unknown[]) => Promise<unknown>)(...params);
            expect(await call(m, params), `${m} ${JSON.stringify(params)}`).toEqual(norm({ ok: true, value: direct }));
          }
        }
      });
      it('refuses invalid parameters of every method the same way', async () => {
        for (const m of Object.keys(ROUTES)) {
          for (const params of INVALID) {
            const r = await call(m, params);
            expect(r, `${m} ${JSON.stringify(params)}`).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
          }
        }
      });
      it('refuses unknown methods and missing ids', async () => {
        expect(await call('deleteEverything', [])).toMatchObject({ ok: false, code: 'UNKNOWN_METHOD' });
        expect(await call('getImage', [999])).toMatchObject({ ok: false, code: 'NOT_FOUND' });
      });
    });
  }

  it('gives the same answer on both for each case', async () => {
    const cases: [string, unknown][] = [['getImage', [999]], ['getImage', ['1']], ['listImages', [{ offset: 0, limit: 5000 }]], ['nope', []], ['projectInfo', []], ['thumbnail', [1]]];
    for (const [m, p] of cases) expect(await transports.http(m, p), `${m} ${JSON.stringify(p)}`).toEqual(await transports.ipc(m, p));
  });
});
