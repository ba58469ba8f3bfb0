// The Electron IPC router without Electron: sender checks and payload validation are pure.
import { describe, expect, it } from 'vitest';
import { routeCall, trustedSender } from '../../../electron/ipc.ts';
import { useStudio } from './fixture.ts';

const s = useStudio();

const app = { url: 'studio://app/index.html', topFrame: true };

describe('IPC router', () => {
  it('trusts only the app origin in the top frame', () => {
    expect(trustedSender(app)).toBe(true);
    expect(trustedSender({ url: 'studio://app/index.html#/x', topFrame: true })).toBe(true);
    expect(trustedSender({ url: 'studio://app/index.html', topFrame: false })).toBe(false);
    expect(trustedSender({ url: 'https://example.com/', topFrame: true })).toBe(false);
    expect(trustedSender({ url: 'studio://evil/index.html', topFrame: true })).toBe(false);
    expect(trustedSender({ url: 'file:///tmp/x.html', topFrame: true })).toBe(false);
    expect(trustedSender({ url: 'not a url', topFrame: true })).toBe(false);
    expect(trustedSender(null)).toBe(false);
  });

  it('refuses an untrusted sender before looking at the payload', async () => {
    const r = await routeCall(s.api, { url: 'https://example.com/', topFrame: true }, { method: 'projectInfo', params: [] });
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it.each([[null], ['projectInfo'], [[]], [{ method: 3, params: [] }], [{ params: [] }]])('refuses the payload %j', async (payload) => {
    const r = await routeCall(s.api, app, payload);
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses an unknown method and bad params, answers a good call', async () => {
    expect(await routeCall(s.api, app, { method: 'readFile', params: ['/etc/passwd'] })).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(await routeCall(s.api, app, { method: 'getImage', params: ['../x'] })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const r = await routeCall(s.api, app, { method: 'projectInfo', params: [] });
    expect(r.ok && (r.value as { images: number }).images).toBe(5);
  });
});
