import { describe, expect, it } from 'vitest';
import { exportStems, safeJoin, sanitizeStem } from '../../../src/export/names.ts';
import { assignSplits } from '../../../src/export/splits.ts';

describe('export stems', () => {
  it('uses the file stem; shared stems fall back to the dataset path with / → __', () => {
    const s = exportStems([
      { id: 1, name: 'cat/a.jpg' },
      { id: 2, name: 'dog/A.png' }, // same stem on a case-insensitive file system
      { id: 3, name: 'cat/b.jpg' },
      { id: 4, name: 'x/y/z.jpeg' },
    ]);
    expect([...s.values()]).toEqual(['cat__a', 'dog__A', 'b', 'z']);
  });

  it('appends the image id when even the paths collide', () => {
    const s = exportStems([
      { id: 7, name: 'a.jpg' },
      { id: 9, name: 'a.png' },
    ]);
    expect([...s.values()]).toEqual(['a__7', 'a__9']);
  });

  it('never yields a name that leaves the folder', () => {
    for (const name of ['../../etc/passwd.jpg', '..', '.', '....jpg', 'a\\..\\..\\b.jpg', '/abs/x.jpg', 'c:evil.jpg', 'ok\u0000.jpg', ' .jpg', 'x. .jpg']) {
      const stem = exportStems([{ id: 1, name }]).get(1)!;
      expect(stem).not.toMatch(/[/\\:\u0000]/);
      expect(stem.startsWith('.')).toBe(false);
      expect(stem).not.toBe('');
      expect(() => safeJoin('/tmp/out', `SegmentationClass/${stem}.png`)).not.toThrow();
    }
    expect(sanitizeStem('..')).toBe('___');
    expect(sanitizeStem('a/b')).toBe('a_b');
    expect(() => safeJoin('/tmp/out', '../x.png')).toThrow(/outside/);
    expect(() => safeJoin('/tmp/out', '')).toThrow(/outside/);
  });
});

describe('splits', () => {
  const imgs = Array.from({ length: 50 }, (_, i) => ({ id: i + 1, name: `img${i}.jpg`, split: (i === 0 ? 'test' : null) as 'test' | null }));
  it('keeps own splits (none → train) without options', () => {
    const s = assignSplits(imgs);
    expect(s.get(1)).toBe('test');
    expect(s.get(2)).toBe('train');
  });
  it('assigns exactly round(n·val) to val by seed; deterministic; test stays test', () => {
    const a = assignSplits(imgs, { val: 0.1, seed: 1 });
    expect([...a.values()].filter((v) => v === 'val')).toHaveLength(5);
    expect(a.get(1)).toBe('test');
    expect(assignSplits(imgs, { val: 0.1, seed: 1 })).toEqual(a);
    expect(assignSplits(imgs, { val: 0.1, seed: 2 })).not.toEqual(a);
    expect(() => assignSplits(imgs, { val: 2, seed: 1 })).toThrow(/between 0 and 1/);
  });
});
