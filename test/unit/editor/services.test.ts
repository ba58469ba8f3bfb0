// The editor's API over a real project and the real HTTP server: masks as versions
// (binary upload), restore, review status, tags, class rename/recolour/merge, stored CAMs
// and review scores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudioApi } from '../../../src/contract/api.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import { createStudioService, dispatch } from '../../../src/services/index.ts';
import { scoreImage } from '../../../src/services/scores.ts';
import { startServer, type RunningServer } from '../../../src/server/index.ts';
import { smallProject, type TestProject } from '../services/fixture.ts';

let tp: TestProject;
let api: StudioApi;
let server: RunningServer;
const TOKEN = 'editor-test-token-123456';

beforeAll(async () => {
  tp = await smallProject();
  api = createStudioService(tp.project);
  server = await startServer({ api, token: TOKEN, staticDir: null });
});
afterAll(async () => {
  await server.close();
  tp.cleanup();
});

// image 2 is cat/c2.jpg, 40×30; classes: 1 cat, 2 dog
const W = 40;
const H = 30;
const maskOf = (fill: (i: number) => number) => encodeLabelPng(Uint8Array.from({ length: W * H }, (_, i) => fill(i)), W, H);

async function upload(imageId: number, png: Uint8Array): Promise<Response> {
  return fetch(`${server.origin}/api/saveMask`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/octet-stream', 'X-Studio-Token': TOKEN, 'X-Studio-Params': JSON.stringify([imageId]) },
    body: png as Uint8Array<ArrayBuffer>,
  });
}

describe('masks over the API', () => {
  it('saves an edited mask as bytes over HTTP and reads it back as the current version', async () => {
    expect((await api.maskPng(2, null)).length).toBe(0);
    const png = maskOf((i) => (i % W < 10 ? 1 : 0));
    const res = await upload(2, png);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: true; value: { version: { id: number; source: string; current: boolean }; status: string } };
    expect(body.value.version).toMatchObject({ source: 'edited', current: true });
    expect(body.value.status).toBe('edited');
    expect((await api.getImage(2)).status).toBe('edited');
    const back = await fetch(`${server.origin}/api/maskPng`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Studio-Token': TOKEN }, body: JSON.stringify([2, null]) });
    expect(back.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await back.arrayBuffer())).toEqual(png);
  });

  it('keeps every version; restore makes an old one current without deleting anything', async () => {
    const second = maskOf(() => 2);
    await api.saveMask(2, second);
    const versions = await api.maskVersions(2);
    expect(versions.length).toBe(2);
    expect(versions.map((v) => v.current)).toEqual([false, true]);
    const restored = await api.restoreMaskVersion(2, versions[0].id);
    expect(restored.version.id).toBe(versions[0].id);
    expect(decodeLabelPng(await api.maskPng(2, null)).labels[0]).toBe(1);
    expect((await api.maskVersions(2)).length).toBe(2);
    expect(decodeLabelPng(await api.maskPng(2, versions[1].id)).labels[0]).toBe(2);
  });

  it('refuses a mask of the wrong size, JSON instead of bytes, and bytes for a JSON method', async () => {
    const wrong = await upload(2, encodeLabelPng(new Uint8Array(4), 2, 2));
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(/is 2x2, the image is 40x30/);
    const json = await dispatch(api, 'saveMask', [2, [1, 2, 3]]);
    expect(json).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    const res = await fetch(`${server.origin}/api/getImage`, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', 'X-Studio-Token': TOKEN }, body: new Uint8Array(3) });
    expect(res.status).toBe(400);
  });

  it('approving freezes the current version; bulk status and tags', async () => {
    await api.setStatus([2, 3], 'approved');
    expect((await api.getImage(3)).status).toBe('approved');
    const v = (await api.maskVersions(2)).find((x) => x.current)!;
    expect(v.frozen).toBe(true);
    await api.editTags([2, 3], [2], [1]);
    expect((await api.getImage(2)).tags).toEqual([2]);
    expect((await api.setTags(3, [1, 2])).tags).toEqual([1, 2]);
    await expect(api.editTags([2], [99], [])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});

describe('classes', () => {
  it('renames and recolours, refusing duplicates and bad colours', async () => {
    expect(await api.updateClass(1, { name: 'kitten', color: '#AABBCC' })).toMatchObject({ index: 1, name: 'kitten', color: '#aabbcc' });
    await expect(api.updateClass(1, { name: 'dog' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(api.updateClass(1, { color: 'red' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('merges a class into another: tags and current masks remapped in one go', async () => {
    const p = tp.project;
    const bird = p.addClass('bird');
    await api.setTags(4, [bird.index]);
    await api.saveMask(4, encodeLabelPng(Uint8Array.from({ length: 30 * 40 }, (_, i) => (i < 100 ? bird.index : i < 200 ? 255 : 0)), 30, 40));
    const before = (await api.maskVersions(4)).length;
    const report = await api.mergeClasses(bird.index, 2);
    expect(report).toEqual({ images: 1, masks: 1 });
    expect((await api.projectInfo()).classes.map((c) => c.index)).not.toContain(bird.index);
    expect((await api.getImage(4)).tags).toEqual([2]);
    const labels = decodeLabelPng(await api.maskPng(4, null)).labels;
    expect(labels[0]).toBe(2);
    expect(labels[150]).toBe(255);
    expect(labels[500]).toBe(0);
    expect((await api.maskVersions(4)).length).toBe(before + 1);
  });
});

describe('stored CAMs and scores', () => {
  it('lists and returns stored CAMs; scores confidence and disagreement', async () => {
    const p = tp.project;
    const now = new Date().toISOString();
    const hot = Float32Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : 0));
    const other = Float32Array.from({ length: 16 }, (_, i) => (i % 4 >= 2 ? 1 : 0));
    p.cams.put({ imageId: 5, classIndex: 2, modelHash: 'm', method: 'rcam', layer: 'layer2', h: 4, w: 4, data: encodeFloat16(hot) }, now);
    p.cams.put({ imageId: 5, classIndex: 2, modelHash: 'm', method: 'gradcam', layer: 'layer2', h: 4, w: 4, data: encodeFloat16(other) }, now);
    const cams = await api.listCams(5);
    expect(cams.map((c) => c.method)).toEqual(['gradcam', 'rcam']);
    expect(cams[0]).toMatchObject({ imageId: 5, classIndex: 2, layer: 'layer2', width: 4, height: 4 });
    expect(await api.camData(cams[1])).toEqual(encodeFloat16(hot));
    await expect(api.camData({ ...cams[1], method: 'scorecam' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const [s, none] = await api.imageScores([5, 1]);
    // the CAM-only margin: each map is exactly 0 or 1; with the default τ_bg = 0.4 the span
    // is max(τ, 1−τ) = 0.6: margins |1−0.4|/0.6 = 1 and |0−0.4|/0.6 = 2/3, half the pixels each
    expect(scoreImage(5, p.cams.forImage(5)).confidence).toBeCloseTo((1 + 2 / 3) / 2, 6);
    // the queue's confidence is the mask's predicted mIoU from the refinement's evidence
    expect(s.confidence).toBeGreaterThan(0);
    expect(s.confidence).toBeLessThanOrEqual(1);
    // the two methods' masks are complementary: mIoU 0 (bg 0/16 ∩, class 0 ∩)
    expect(s.disagreement).toBeCloseTo(1, 6);
    expect(s.methods).toEqual(['gradcam', 'rcam']);
    expect(none).toEqual({ imageId: 1, confidence: null, disagreement: null, methods: [] });
    // rank: the scored image comes first
    const page = await api.listImages({ offset: 0, limit: 3, rank: 'disagreement' });
    expect(page.items[0].id).toBe(5);
    expect(page.total).toBe(5);
  });

  it('confidence: a mask that follows its CAM outranks one that misses the tagged class; a new mask version is scored again', async () => {
    const p = tp.project;
    const now = new Date().toISOString();
    // the same CAM on images 3 and 4: class 2 on the left half
    const left = Float32Array.from({ length: 8 * 6 }, (_, i) => (i % 8 < 4 ? 1 : 0));
    for (const id of [3, 4]) {
      const img = p.getImage(id);
      p.cams.put({ imageId: id, classIndex: 2, modelHash: 'm', method: 'rcam', layer: 'layer2', h: 6, w: 8, data: encodeFloat16(left) }, now);
      await api.saveMask(id, encodeLabelPng(Uint8Array.from({ length: img.width * img.height }, (_, i) => (id === 3 && i % img.width < img.width / 2 ? 2 : 0)), img.width, img.height));
    }
    const [good, missing] = await api.imageScores([3, 4]);
    expect(good.confidence!).toBeGreaterThan(missing.confidence!);
    const page = await api.listImages({ offset: 0, limit: 5, rank: 'confidence' });
    expect(page.items.findIndex((i) => i.id === 4)).toBeLessThan(page.items.findIndex((i) => i.id === 3));
    // image 4 gets the class: its score is computed again, and rises
    const img4 = p.getImage(4);
    await api.saveMask(4, encodeLabelPng(Uint8Array.from({ length: img4.width * img4.height }, (_, i) => (i % img4.width < img4.width / 2 ? 2 : 0)), img4.width, img4.height));
    const [again] = await api.imageScores([4]);
    expect(again.confidence!).toBeGreaterThan(missing.confidence!);
  });

  it('two identical methods do not disagree', () => {
    const data = encodeFloat16(Float32Array.of(1, 0, 0.5, 0));
    const row = { imageId: 1, classIndex: 1, layer: 'l', modelHash: 'm', h: 2, w: 2, data };
    expect(scoreImage(1, [{ ...row, method: 'a' }, { ...row, method: 'b' }]).disagreement).toBe(0);
  });
});
