// The browser-mode server over a real project: token on every request and on the
// WebSocket, method routing, validation, binary answers, loopback-only binding, statics.
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createEventBus, createStudioService, type EventBus } from '../../../src/services/index.ts';
import { startServer, type RunningServer } from '../../../src/server/index.ts';
import { smallProject, type TestProject } from '../services/fixture.ts';

let tp: TestProject;
let server: RunningServer;
let bus: EventBus;
const TOKEN = 'test-token-0123456789';

beforeAll(async () => {
  tp = await smallProject();
  const staticDir = join(tp.dir, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(tp.dir, 'secret.txt'), 'outside');
  bus = createEventBus();
  server = await startServer({ api: createStudioService(tp.project), bus, token: TOKEN, staticDir });
});
afterAll(async () => {
  await server.close();
  tp.cleanup();
});

function call(method: string, body: unknown, headers: Record<string, string> = { 'X-Studio-Token': TOKEN }): Promise<Response> {
  return fetch(`${server.origin}/api/${method}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

/** A raw request, so tests can set any Host header. */
function raw(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('token', () => {
  it('is required on every API request', async () => {
    const variants: Record<string, string>[] = [{}, { 'X-Studio-Token': 'wrong' }, { 'X-Studio-Token': TOKEN.slice(0, -1) }, { Cookie: `rs_token_${server.port}=${TOKEN}` }];
    for (const headers of variants) {
      const res = await call('projectInfo', [], headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    const ok = await call('projectInfo', []);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, value: { name: 'Pets', images: 5 } });
  });

  it('is accepted from the query for image URLs', async () => {
    const res = await fetch(`${server.origin}/api/thumbnail?params=[1]&token=${TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    const denied = await fetch(`${server.origin}/api/thumbnail?params=[1]&token=nope`);
    expect(denied.status).toBe(401);
  });

  it('guards the page: 401 without it, a cookie for the assets with it', async () => {
    expect((await fetch(`${server.origin}/`)).status).toBe(401);
    expect((await fetch(`${server.origin}/assets/app.js`)).status).toBe(401);
    const page = await fetch(`${server.origin}/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const cookie = page.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(new RegExp(`^rs_token_${server.port}=${TOKEN};.*HttpOnly; SameSite=Strict`));
    const asset = await fetch(`${server.origin}/assets/app.js`, { headers: { Cookie: cookie.split(';')[0] } });
    expect(asset.status).toBe(200);
    expect(await asset.text()).toBe('console.log(1)');
  });

  it('is required on the WebSocket, which then carries events', async () => {
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=wrong`);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(refused).toBe(401);
    const noToken = await new Promise<string>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events`);
      ws.on('open', () => resolve('open'));
      ws.on('error', () => resolve('refused'));
    });
    expect(noToken).toBe('refused');

    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/events?token=${TOKEN}`);
    await new Promise((resolve, reject) => {
      ws.on('open', resolve);
      ws.on('error', reject);
    });
    const got = new Promise<unknown>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
    bus.emit('project.changed', { reason: 'test' });
    expect(await got).toEqual({ name: 'project.changed', payload: { reason: 'test' } });
    ws.close();
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await raw('/api/projectInfo', { Host: 'attacker.example:80', 'X-Studio-Token': TOKEN });
    expect(res.status).toBe(403);
  });
});

describe('methods', () => {
  it('unknown method → UNKNOWN_METHOD', async () => {
    const res = await call('deleteEverything', []);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('bad params → BAD_REQUEST naming the problem', async () => {
    const res = await call('getImage', ['x']);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(body.error.message).toContain('getImage: image id must be an integer');
    const badJson = await fetch(`${server.origin}/api/getImage`, { method: 'POST', headers: { 'X-Studio-Token': TOKEN }, body: '{nope' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('a missing image → NOT_FOUND', async () => {
    const res = await call('getImage', [999]);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('binary methods return the bytes', async () => {
    const thumb = await call('thumbnail', [1]);
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const bytes = new Uint8Array(await thumb.arrayBuffer());
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xd8]);
    expect(await sharp(bytes).metadata()).toMatchObject({ format: 'jpeg', width: 256, height: 192 });
    const full = await call('imageBytes', [1]);
    expect((await sharp(new Uint8Array(await full.arrayBuffer())).metadata()).width).toBe(400);
    // a binary method's failure is still a JSON Result
    const missing = await call('thumbnail', [999]);
    expect(missing.headers.get('content-type')).toContain('application/json');
    expect(await missing.json()).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });

  it('listImages answers JSON pages', async () => {
    const res = await call('listImages', [{ offset: 0, limit: 3, sort: 'name' }]);
    const body = (await res.json()) as { ok: true; value: { total: number; items: { name: string }[] } };
    expect(body.value.total).toBe(5);
    expect(body.value.items.map((i) => i.name)).toEqual(['cat/c1.jpg', 'cat/c2.jpg', 'cat/c3.jpg']);
  });
});

describe('binding and statics', () => {
  it('listens on 127.0.0.1 only', async () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a!.address);
    for (const addr of others) {
      const outcome = await new Promise<string>((resolve) => {
        const s = connect({ host: addr, port: server.port });
        s.on('connect', () => {
          s.destroy();
          resolve('connected');
        });
        s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
      });
      expect(outcome, `reachable on ${addr}`).not.toBe('connected');
    }
  });

  it('serves nothing outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/%2e%2e/%2e%2e/secret.txt', '/nope.js']) {
      const res = await raw(`${p}?token=${TOKEN}`, { Host: `127.0.0.1:${server.port}` });
      expect(res.status, p).toBe(404);
      expect(res.body).not.toContain('outside');
    }
  });
});
