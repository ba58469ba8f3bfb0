import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/contract/errors.ts';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { createProject, openProject, type Project } from '../../../src/project/index.ts';
import { SCHEMA_VERSION } from '../../../src/project/migrations/index.ts';
import { labelMap, tempDir, writeJpeg } from '../../helpers/images.ts';
import { catchErr } from '../../helpers/errors.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

/** A project with one 8x6 image imported through the real import path. */
async function projectWithImage(): Promise<{ p: Project; id: number }> {
  const data = join(tmp.dir, 'data');
  await writeJpeg(join(data, 'cat', 'a.jpg'), { width: 8, height: 6 });
  const p = createProject(join(tmp.dir, 'proj'));
  await p.importDataset(data, { layout: 'folders' });
  return { p, id: p.listImages({ offset: 0, limit: 1 }).items[0].id };
}

describe('project folder', () => {
  it('creates a WAL project and reopens it', () => {
    const dir = join(tmp.dir, 'new', 'proj');
    const p = createProject(dir, { name: 'Birds' });
    expect(p.dir).toBe(dir);
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(p.info()).toMatchObject({ name: 'Birds', schemaVersion: SCHEMA_VERSION, images: 0, tagged: 0, masks: 0, approved: 0, classes: [] });
    p.addClass('cat');
    p.close();
    const again = openProject(dir);
    expect(again.listClasses()).toEqual([{ index: 1, name: 'cat', color: '#6900ff', imageCount: 0 }]);
    again.close();
  });

  it('refuses to create over an existing project and to open a folder without one', () => {
    const dir = join(tmp.dir, 'p');
    createProject(dir).close();
    expect(() => createProject(dir)).toThrow(/a project already exists here/);
    expect(catchErr(() => openProject(tmp.dir)).message).toMatch(new RegExp(`${tmp.dir}: not a Relevance Studio project`));
  });

  it('refuses a project.sqlite from a newer app and leaves it untouched', () => {
    const dir = join(tmp.dir, 'p');
    createProject(dir).close();
    const file = join(dir, 'project.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    const err = catchErr(() => openProject(dir));
    expect(err).toBeInstanceOf(StudioError);
    expect(err.message).toBe(
      `${file}: the project was written by a newer version of Relevance Studio (schema version 99; this app reads up to ${SCHEMA_VERSION}). Update the app to open it.`,
    );
    const check = new Database(file, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(99);
    check.close();
  });

  it('refuses a file that is not SQLite', () => {
    const dir = join(tmp.dir, 'p');
    createProject(dir).close();
    for (const f of ['project.sqlite', 'project.sqlite-wal', 'project.sqlite-shm']) rmSync(join(dir, f), { force: true });
    writeFileSync(join(dir, 'project.sqlite'), 'hello, not a database at all');
    expect(() => openProject(dir)).toThrow(/project\.sqlite: not an SQLite database/);
  });

  it('a project path under a regular file cannot be created: a clear error naming it', () => {
    const file = join(tmp.dir, 'a-file');
    writeFileSync(file, 'x');
    const err = catchErr(() => createProject(join(file, 'proj')));
    expect(err).toBeInstanceOf(StudioError);
    expect(err.message).toBe(`${join(file, 'proj')}: cannot create the project folder (ENOTDIR)`);
  });

  it('a read-only project folder (chmod 0555) is refused with a clear error, as an unprivileged user', () => {
    const dir = join(tmp.dir, 'ro');
    createProject(dir).close();
    chmodSync(tmp.dir, 0o755);
    chmodSync(dir, 0o555);
    try {
      // Root ignores mode bits, so as root the check runs in a child process as 'nobody';
      // otherwise in this process. Either way a real open is attempted and must fail.
      const script = `import { openProject } from ${JSON.stringify(join(process.cwd(), 'src/project/index.ts'))};
        try { openProject(${JSON.stringify(dir)}); console.log('OPENED'); } catch (e) { console.log(e.name + ': ' + e.message); }`;
      const asRoot = process.getuid?.() === 0;
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        encoding: 'utf8',
        cwd: process.cwd(),
        env: { ...process.env, HOME: tmp.dir },
        ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
      });
      expect(r.stderr).toBe('');
      expect(r.stdout.trim()).toBe(`StudioError: ${dir}: the project folder is not writable (EACCES); check its permissions or copy the project somewhere writable`);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});

describe('classes and tags', () => {
  it('numbers classes from 1 with VOC colours, rejects duplicates and unknown tag indices', async () => {
    const { p, id } = await projectWithImage();
    expect(p.listClasses().map((c) => [c.index, c.name, c.color, c.imageCount])).toEqual([[1, 'cat', '#6900ff', 1]]);
    expect(p.addClass('dog')).toEqual({ index: 2, name: 'dog', color: '#ff0000', imageCount: 0 });
    expect(p.addClass('bird', '#ABCDEF').color).toBe('#abcdef');
    expect(() => p.addClass('dog')).toThrow(/class 'dog' already exists/);
    expect(() => p.addClass('x', 'blue')).toThrow(/colour 'blue' is not '#rrggbb'/);
    p.setTags(id, [2, 3]);
    expect(p.getImage(id).tags).toEqual([2, 3]);
    expect(() => p.setTags(id, [1, 9])).toThrow(/unknown class index 9/);
    expect(p.getImage(id).tags).toEqual([2, 3]);
    expect(() => p.getImage(999)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    p.close();
  });
});

describe('masks', () => {
  it('never overwrites a version: each save adds one, the previous stays readable', async () => {
    const { p, id } = await projectWithImage();
    const a = encodeLabelPng(labelMap(8, 6, 1), 8, 6);
    const b = encodeLabelPng(labelMap(8, 6, 1, 255), 8, 6);
    const v1 = p.saveMask(id, a, { source: 'generated', method: 'rcam', layer: 'layer2', thresholds: { bg: 0.3 }, modelHash: 'abc', engineVersion: '0.1.0' });
    const v2 = p.saveMask(id, b, { source: 'edited' });
    expect(v2.id).toBeGreaterThan(v1.id);
    expect(p.currentMask(id)!.version).toMatchObject({ id: v2.id, current: true, provenance: { source: 'edited' } });
    expect(p.currentMask(id)!.png).toEqual(b);
    const versions = p.maskVersions(id);
    expect(versions.map((v) => [v.id, v.current])).toEqual([[v1.id, false], [v2.id, true]]);
    expect(versions[0].provenance).toEqual({ source: 'generated', method: 'rcam', layer: 'layer2', thresholds: { bg: 0.3 }, modelHash: 'abc', engineVersion: '0.1.0' });
    expect(p.masks.png(v1.id)).toEqual(a);
    // a generated save over a person's edit is kept as a non-current version
    const v3 = p.saveMask(id, a, { source: 'generated' });
    expect(p.currentMask(id)!.version.id).toBe(v2.id);
    expect(v3.current).toBe(false);
    expect(p.info().masks).toBe(1);
    expect(p.getImage(id).hasMask).toBe(true);
    p.close();
  });

  it('rejects a mask of the wrong size or format, naming the image', async () => {
    const { p, id } = await projectWithImage();
    expect(() => p.saveMask(id, encodeLabelPng(new Uint8Array(4), 2, 2), { source: 'edited' })).toThrow(/mask for image \d+ \(cat\/a\.jpg\) is 2x2, the image is 8x6/);
    expect(() => p.saveMask(id, new Uint8Array([1, 2, 3]), { source: 'edited' })).toThrow(/mask for image \d+ \(cat\/a\.jpg\): not a PNG file/);
    expect(p.maskVersions(id)).toEqual([]);
    p.close();
  });

  it('approving freezes the current version; a batch run cannot displace it', async () => {
    const { p, id } = await projectWithImage();
    const png = encodeLabelPng(labelMap(8, 6, 1), 8, 6);
    const v1 = p.saveMask(id, png, { source: 'edited' });
    p.setStatus(id, 'approved');
    expect(p.currentMask(id)!.version).toMatchObject({ id: v1.id, frozen: true, current: true });
    expect(p.info().approved).toBe(1);
    const gen = p.saveMask(id, png, { source: 'generated', method: 'rcam' });
    expect(gen.current).toBe(false);
    expect(p.currentMask(id)!.version.id).toBe(v1.id);
    expect(p.getImage(id).status).toBe('approved');
    // a human edit after approval becomes current and re-opens review; the frozen one stays
    const edit = p.saveMask(id, png, { source: 'edited' });
    expect(p.currentMask(id)!.version.id).toBe(edit.id);
    expect(p.getImage(id).status).toBe('edited');
    expect(p.maskVersions(id).find((v) => v.id === v1.id)).toMatchObject({ frozen: true, current: false });
    expect(() => p.setStatus(id, 'done' as never)).toThrow(/unknown review status 'done'/);
    p.close();
  });

  it('retention prunes only old generated versions: never edited, imported, current or approved', async () => {
    const { p, id } = await projectWithImage();
    const png = encodeLabelPng(labelMap(8, 6, 1), 8, 6);
    const gen = (n: number) => Array.from({ length: n }, () => p.saveMask(id, png, { source: 'generated' }).id);
    const g1 = gen(3);
    const imported = p.saveMask(id, png, { source: 'imported' }).id;
    const approved = p.saveMask(id, png, { source: 'generated' }).id; // kept beside the imported one
    p.maskWrites.restore(id, approved);
    p.setStatus(id, 'approved'); // freezes `approved`
    p.setStatus(id, 'edited');
    const edited = p.saveMask(id, png, { source: 'edited' }).id;
    const g2 = gen(3); // kept beside the edit; a person picks the last
    p.maskWrites.restore(id, g2[2]);
    // prunable: g1 (3) + g2[0..1] (2) = 5 generated, non-current, unfrozen; keep the newest 2
    expect(p.pruneMaskVersions(2)).toBe(3);
    const left = p.maskVersions(id).map((v) => v.id);
    expect(left).toEqual([imported, approved, edited, g2[0], g2[1], g2[2]]);
    expect(left).not.toContain(g1[0]);
    expect(p.pruneMaskVersions(0)).toBe(2);
    expect(p.maskVersions(id).map((v) => v.id)).toEqual([imported, approved, edited, g2[2]]);
    expect(p.currentMask(id)!.version.id).toBe(g2[2]);
    p.close();
  });
});

describe('models, jobs, cams', () => {
  it('stores each with its JSON fields and keys', async () => {
    const { p, id } = await projectWithImage();
    const now = new Date().toISOString();
    const m = p.models.add({ file: '/m/model.onnx', format: 'onnx', preprocessing: { mean: [0.485, 0.456, 0.406] }, hash: 'h1', classMap: [1] }, now);
    expect(p.models.add({ file: '/other.onnx', format: 'onnx', preprocessing: {}, hash: 'h1', classMap: [] }, now).id).toBe(m.id);
    expect(p.models.list()).toEqual([m]);
    const job = p.jobs.create('generate', { layer: 'layer2' }, now);
    p.jobs.setStatus(job.id, 'failed', now, 'out of memory');
    expect(p.jobs.get(job.id)).toMatchObject({ kind: 'generate', params: { layer: 'layer2' }, status: 'failed', error: 'out of memory' });
    const { encodeFloat16, decodeFloat16 } = await import('../../../src/masks/float16.ts');
    const cam = new Float32Array([0, 0.25, 0.5, 1]);
    p.cams.put({ imageId: id, classIndex: 1, modelHash: 'h1', method: 'rcam', layer: 'layer2', h: 2, w: 2, data: encodeFloat16(cam) }, now);
    const got = p.cams.get({ imageId: id, classIndex: 1, modelHash: 'h1', method: 'rcam', layer: 'layer2' })!;
    expect(Array.from(decodeFloat16(got.data))).toEqual([0, 0.25, 0.5, 1]);
    expect(existsSync(join(p.dir, 'project.sqlite'))).toBe(true);
    p.close();
  });
});

describe('listImages', () => {
  it('filters by class, status and name, sorts and pages consistently with the totals', () => {
    const p = createProject(join(tmp.dir, 'grid'));
    for (const n of ['cat', 'dog']) p.addClass(n);
    const statuses = ['unreviewed', 'generated', 'edited', 'approved', 'rejected'] as const;
    p.db.transaction(() => {
      for (let i = 0; i < 300; i++) {
        const id = p.images.insert(
          { name: `img_${String(299 - i).padStart(3, '0')}.jpg`, path: `/nowhere/${i}.jpg`, hash: `h${i}`, size: 1, width: 4, height: 4, orientation: 1, format: 'jpeg', split: null },
          'now',
        );
        p.images.addTags(id, i % 3 === 0 ? [1, 2] : [1 + (i % 2)]);
        p.images.setStatus(id, statuses[i % 5]);
      }
    })();
    const expected = (cls: number, st: string) =>
      Array.from({ length: 300 }, (_, i) => i)
        .filter((i) => (i % 3 === 0 ? [1, 2] : [1 + (i % 2)]).includes(cls) && statuses[i % 5] === st)
        .map((i) => `img_${String(299 - i).padStart(3, '0')}.jpg`)
        .sort();
    const want = expected(2, 'approved');
    const pages: string[] = [];
    for (let offset = 0; ; offset += 7) {
      const page = p.listImages({ classIndex: 2, status: 'approved', sort: 'name', offset, limit: 7 });
      expect(page.total).toBe(want.length);
      expect(page.offset).toBe(offset);
      if (page.items.length === 0) break;
      for (const it of page.items) {
        expect(it.status).toBe('approved');
        expect(it.tags).toContain(2);
        expect(it.available).toBe(false);
      }
      pages.push(...page.items.map((i) => i.name));
    }
    expect(pages).toEqual(want);
    expect(p.listImages({ search: 'IMG_01', offset: 0, limit: 100 }).items.map((i) => i.name)).toEqual(
      Array.from({ length: 10 }, (_, k) => `img_01${k}.jpg`),
    );
    expect(p.listImages({ search: '%', offset: 0, limit: 5 }).total).toBe(0); // LIKE wildcards are literal
    const byId = p.listImages({ sort: 'id', offset: 295, limit: 10 });
    expect(byId.items.map((i) => i.id)).toEqual([296, 297, 298, 299, 300]);
    const byStatus = p.listImages({ sort: 'status', offset: 0, limit: 300 }).items.map((i) => i.status);
    expect(byStatus).toEqual([...byStatus].sort());
    expect(p.info()).toMatchObject({ images: 300, tagged: 300, approved: 60, statusCounts: { unreviewed: 60, generated: 60 } });
    p.close();
  });
});
