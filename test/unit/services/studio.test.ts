import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/contract/errors.ts';
import { createEventBus, dispatch } from '../../../src/services/index.ts';
import { useStudio } from './fixture.ts';

const s = useStudio();

describe('studio service over a real project', () => {
  it('reports the project', async () => {
    const info = await s.api.projectInfo();
    expect(info.name).toBe('Pets');
    expect(info.images).toBe(5);
    expect(info.tagged).toBe(5);
    expect(info.classes.map((c) => [c.name, c.imageCount])).toEqual([
      ['cat', 3],
      ['dog', 2],
    ]);
    expect(info.statusCounts.unreviewed).toBe(5);
  });

  it('pages and filters images', async () => {
    const all = await s.api.listImages({ offset: 0, limit: 2, sort: 'name' });
    expect(all.total).toBe(5);
    expect(all.items.map((i) => i.name)).toEqual(['cat/c1.jpg', 'cat/c2.jpg']);
    const rest = await s.api.listImages({ offset: 2, limit: 10, sort: 'name' });
    expect(rest.items.map((i) => i.name)).toEqual(['cat/c3.jpg', 'dog/d1.jpg', 'dog/d2.jpg']);
    const dog = (await s.api.projectInfo()).classes.find((c) => c.name === 'dog')!;
    const dogs = await s.api.listImages({ offset: 0, limit: 10, classIndex: dog.index });
    expect(dogs.total).toBe(2);
    expect(dogs.items.every((i) => i.tags.includes(dog.index))).toBe(true);
    const search = await s.api.listImages({ offset: 0, limit: 10, search: 'C3' });
    expect(search.items.map((i) => i.name)).toEqual(['cat/c3.jpg']);
  });

  it('returns an image, its thumbnail and its bytes', async () => {
    const first = (await s.api.listImages({ offset: 0, limit: 1, sort: 'name' })).items[0];
    const img = await s.api.getImage(first.id);
    expect(img).toMatchObject({ name: 'cat/c1.jpg', width: 400, height: 300, available: true });
    const thumb = await s.api.thumbnail(first.id);
    const meta = await sharp(thumb).metadata();
    expect(meta.format).toBe('jpeg');
    expect([meta.width, meta.height]).toEqual([256, 192]);
    const bytes = await s.api.imageBytes(first.id);
    expect((await sharp(bytes).metadata()).width).toBe(400);
  });

  it('raises NOT_FOUND for an unknown image', async () => {
    await expect(s.api.getImage(999)).rejects.toBeInstanceOf(StudioError);
    await expect(s.api.getImage(999)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('dispatch (shared by the HTTP server and Electron IPC)', () => {
  it('answers a known method with its value', async () => {
    const r = await dispatch(s.api, 'getImage', [1]);
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.value as { id: number }).id).toBe(1);
  });

  it('refuses unknown methods, including prototype names', async () => {
    for (const m of ['nope', 'constructor', '__proto__', 'toString']) {
      const r = await dispatch(s.api, m, []);
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it.each([
    ['getImage', undefined, 'parameters must be a JSON array'],
    ['getImage', [], 'expects 1 parameter'],
    ['getImage', ['1'], 'image id must be an integer'],
    ['getImage', [0], 'image id must be an integer'],
    ['getImage', [1.5], 'image id must be an integer'],
    ['thumbnail', [1, 2], 'expects 1 parameter'],
    ['projectInfo', [1], 'expects 0 parameters'],
    ['listImages', [null], 'the query must be an object'],
    ['listImages', [{ offset: 0 }], 'limit must be an integer'],
    ['listImages', [{ offset: -1, limit: 10 }], 'offset must be an integer'],
    ['listImages', [{ offset: 0, limit: 5000 }], 'limit must be an integer in 0..1000'],
    ['listImages', [{ offset: 0, limit: 10, status: 'done' }], 'status must be one of'],
    ['listImages', [{ offset: 0, limit: 10, sort: 'size' }], 'sort must be one of'],
    ['listImages', [{ offset: 0, limit: 10, search: 7 }], 'search must be a string'],
    ['listImages', [{ offset: 0, limit: 10, path: '/etc' }], "unknown query field 'path'"],
  ])('%s(%j) → BAD_REQUEST', async (method, params, message) => {
    const r = await dispatch(s.api, method, params);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_REQUEST');
      expect(r.error.message).toContain(method);
      expect(r.error.message).toContain(message);
    }
  });

  it('passes a service StudioError through with its code', async () => {
    const r = await dispatch(s.api, 'thumbnail', [12345]);
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_FOUND', message: 'image 12345 is not in the project' } });
  });
});

describe('event bus', () => {
  it('delivers to every subscriber until it unsubscribes, even past a failing one', () => {
    const bus = createEventBus();
    const seen: string[] = [];
    const errors = console.error;
    console.error = () => {};
    try {
      bus.subscribe(() => {
        throw new Error('broken transport');
      });
      const off = bus.subscribe((name, payload) => seen.push(`${name}:${(payload as { reason?: string }).reason}`));
      bus.emit('project.changed', { reason: 'import' });
      off();
      bus.emit('project.changed', { reason: 'later' });
    } finally {
      console.error = errors;
    }
    expect(seen).toEqual(['project.changed:import']);
  });
});
