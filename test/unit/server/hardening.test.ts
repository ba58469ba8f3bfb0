// The served studio under hostile clients: an oversized or malformed WebSocket frame
// closes that socket only, foreign Origins are refused on the API and the upgrade, and
// the server keeps serving every other client.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_WS_PAYLOAD } from '../../../src/server/server.ts';
import { useServedStudio } from '../services/fixture.ts';

const TOKEN = 'hardening-token-0123456789';
const served = useServedStudio(TOKEN);

function openSocket(headers: Record<string, string> = {}): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${served.server.port}/events?token=${TOKEN}`, { headers });
  return new Promise((resolve, reject) => {
    ws.on('open', () => resolve(ws));
    ws.on('error', reject);
  });
}

async function projectName(): Promise<string> {
  const res = await fetch(`${served.server.origin}/api/projectInfo`, { method: 'POST', headers: { 'X-Studio-Token': TOKEN, 'Content-Type': 'application/json' }, body: '[]' });
  return ((await res.json()) as { value: { name: string } }).value.name;
}

describe('websocket errors close that socket only', () => {
  it('an oversized frame closes the sender with 1009; another client keeps its events', async () => {
    const bystander = await openSocket();
    const attacker = await openSocket();
    const closed = new Promise<number>((resolve) => attacker.on('close', (code) => resolve(code)));
    attacker.on('error', () => undefined);
    attacker.send(Buffer.alloc(MAX_WS_PAYLOAD + 1, 0x41));
    expect(await closed).toBe(1009);

    const got = new Promise<unknown>((resolve) => bystander.on('message', (m) => resolve(JSON.parse(String(m)))));
    served.bus.emit('project.changed', { reason: 'after-attack' });
    expect(await got).toEqual({ name: 'project.changed', payload: { reason: 'after-attack' } });
    expect(await projectName()).toBe('Pets');
    bystander.close();
  });

  it('a frame of 5000 bytes (past the old 4 KiB limit) is accepted and ignored', async () => {
    const ws = await openSocket();
    ws.send(Buffer.alloc(5000, 0x42));
    const got = new Promise<unknown>((resolve) => ws.on('message', (m) => resolve(JSON.parse(String(m)))));
    served.bus.emit('project.changed', { reason: 'still-open' });
    expect(await got).toEqual({ name: 'project.changed', payload: { reason: 'still-open' } });
    ws.close();
  });

  it('a malformed frame (reserved bits, no mask) on a raw socket ends that socket', async () => {
    const sock = connect(served.server.port, '127.0.0.1');
    await new Promise((r) => sock.on('connect', r));
    sock.write(
      `GET /events?token=${TOKEN} HTTP/1.1\r\nHost: 127.0.0.1:${served.server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    );
    await new Promise((r) => sock.once('data', r));
    const ended = new Promise<void>((r) => sock.on('close', () => r()));
    sock.on('error', () => undefined);
    sock.write(Buffer.from([0xf1, 0x05, 1, 2, 3, 4, 5])); // RSV1-3 set, unmasked: a protocol error
    await ended;
    expect(await projectName()).toBe('Pets');
  });
});

describe('Origin', () => {
  it('refuses an API POST from another origin, even with the token', async () => {
    const res = await fetch(`${served.server.origin}/api/projectInfo`, { method: 'POST', headers: { 'X-Studio-Token': TOKEN, Origin: 'http://evil.example', 'Content-Type': 'application/json' }, body: '[]' });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED', message: "origin 'http://evil.example' not allowed" } });
    const own = await fetch(`${served.server.origin}/api/projectInfo`, { method: 'POST', headers: { 'X-Studio-Token': TOKEN, Origin: served.server.origin, 'Content-Type': 'application/json' }, body: '[]' });
    expect(own.status).toBe(200);
    const other = await fetch(`${served.server.origin}/api/projectInfo`, { method: 'POST', headers: { 'X-Studio-Token': TOKEN, Origin: `http://127.0.0.1:${served.server.port + 1}`, 'Content-Type': 'application/json' }, body: '[]' });
    expect(other.status).toBe(403);
  });

  it('refuses the WebSocket upgrade from another origin, accepts its own', async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`ws://127.0.0.1:${served.server.port}/events?token=${TOKEN}`, { headers: { Origin: 'http://evil.example' } });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(403);
    const ws = await openSocket({ Origin: `http://localhost:${served.server.port}` });
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
