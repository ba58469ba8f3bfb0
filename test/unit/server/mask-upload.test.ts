// saveMask over the real HTTP server: a decompression bomb (a few hundred KB declaring
// 20000×20000) and a map with label values that are no class are refused with one line
// naming the mask; the stored versions are untouched and the server keeps serving.
import { describe, expect, it } from 'vitest';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { bombPng } from '../../helpers/png-bomb.ts';
import { useServedStudio } from '../services/fixture.ts';

const TOKEN = 'mask-upload-token-0123456789';
const served = useServedStudio(TOKEN);

async function upload(imageId: number, png: Uint8Array): Promise<{ status: number; message?: string }> {
  const res = await fetch(`${served.server.origin}/api/saveMask`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'X-Studio-Token': TOKEN, 'X-Studio-Params': JSON.stringify([imageId]) },
    body: png as Uint8Array<ArrayBuffer>,
  });
  const body = (await res.json()) as { ok: boolean; error?: { message: string } };
  return { status: res.status, message: body.error?.message };
}

const versions = (id: number) => served.tp.project.maskVersions(id).length;

describe('saveMask input checks', () => {
  it('refuses a decompression bomb from its header, before inflating', async () => {
    const bomb = await bombPng();
    expect(bomb.length).toBeLessThan(1 << 20);
    const before = versions(2);
    const r = await upload(2, bomb);
    expect(r).toEqual({ status: 400, message: 'mask for image 2 (cat/c2.jpg): is 20000x20000, the image is 40x30' });
    expect(versions(2)).toBe(before);
    const ok = await upload(2, encodeLabelPng(new Uint8Array(40 * 30).fill(1), 40, 30));
    expect(ok.status).toBe(200);
    expect(versions(2)).toBe(before + 1);
  });

  it('refuses label values that are no class; 0, 255 and the classes are fine', async () => {
    const before = versions(3);
    const bad = new Uint8Array(40 * 30).fill(1);
    bad[5] = 200;
    bad[6] = 3;
    const r = await upload(3, encodeLabelPng(bad, 40, 30));
    expect(r).toEqual({ status: 400, message: 'mask for image 3 (cat/c3.jpg): label values 3, 200 are no class of this project (0 background, 255 ignore, 1..2 classes)' });
    expect(versions(3)).toBe(before);
    const good = Uint8Array.from({ length: 40 * 30 }, (_, i) => [0, 1, 2, 255][i % 4]);
    expect((await upload(3, encodeLabelPng(good, 40, 30))).status).toBe(200);
    expect(versions(3)).toBe(before + 1);
  });
});
