// The in-app chooser on the real filesystem: kernel filesystems and links into them are
// refused (typed, listed, or used by an import or a model), listings carry names, sizes and
// dates but never contents, and what can be chosen depends on the purpose.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../src/contract/errors.ts';
import type { StudioApi } from '../../../src/contract/api.ts';
import { chosenPath, listFolder, type ChooserContext } from '../../../src/services/chooser.ts';
import { createStudioService } from '../../../src/services/index.ts';
import { createProject } from '../../../src/project/index.ts';
import { tempDir, writeJpeg } from '../../helpers/images.ts';
import { useServedStudio } from './fixture.ts';

const tmp = tempDir('studio-chooser-');
afterAll(() => tmp.cleanup());

const ctx: ChooserContext = { projectDir: null, demo: null, recentPlaces: () => [], lastPlace: () => null };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(StudioError);
    return (err as StudioError).message;
  }
  throw new Error('expected a refusal');
}

describe('the chooser refuses kernel filesystems', () => {
  it('refuses /proc, /sys and /dev and anything below them, naming the folder', () => {
    for (const p of ['/proc', '/proc/self', '/proc/self/mem', '/sys', '/sys/kernel', '/dev', '/dev/null', '/dev/zero', '/dev/shm', '/proc/../dev/zero']) {
      const msg = refusal(() => listFolder({ path: p, purpose: 'dataset' }, ctx));
      expect(msg).toMatch(/kernel filesystem/);
      expect(msg).toMatch(/\/(proc|sys|dev)/);
    }
  });

  it('refuses a link into them, however it is reached, and names where it leads', () => {
    const links = join(tmp.dir, 'links');
    mkdirSync(links);
    symlinkSync('/proc/self', join(links, 'me'));
    symlinkSync('/dev/zero', join(links, 'zeros.jpg'));
    symlinkSync('/sys', join(links, 'sys'));
    symlinkSync(join(links, 'me'), join(links, 'me-again')); // a link to a link into /proc
    for (const name of ['me', 'zeros.jpg', 'sys', 'me-again']) {
      const msg = refusal(() => chosenPath(join(links, name), 'inspectDataset'));
      expect(msg).toContain(`inspectDataset: ${join(links, name)} is a link into`);
      expect(msg).toMatch(/kernel filesystem/);
    }
    // a folder below a linked kernel folder too
    expect(refusal(() => listFolder({ path: join(links, 'me', 'fd'), purpose: 'dataset' }, ctx))).toMatch(/kernel filesystem/);
  });

  it('never lists a link into them, nor /proc, /sys and /dev themselves', () => {
    const dir = join(tmp.dir, 'mixed');
    mkdirSync(join(dir, 'real'), { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'x');
    symlinkSync('/proc', join(dir, 'proc-link'));
    symlinkSync('/dev/null', join(dir, 'null.onnx'));
    symlinkSync(join(dir, 'real'), join(dir, 'real-link'));
    const names = listFolder({ path: dir, purpose: 'model' }, ctx).entries.map((e) => e.name);
    expect(names).toEqual(['real', 'real-link', 'notes.txt']);
    const root = listFolder({ path: '/', purpose: 'dataset' }, ctx).entries.map((e) => e.name);
    expect(root).not.toContain('proc');
    expect(root).not.toContain('sys');
    expect(root).not.toContain('dev');
    expect(root).toContain('tmp');
  });

  it('every path-taking method applies the same rule', async () => {
    const p = createProject(join(tmp.dir, 'proj'));
    const api: StudioApi = createStudioService(p);
    try {
      for (const call of [
        () => api.inspectDataset({ path: '/proc/self' }),
        () => api.startImport({ path: '/sys/class', layout: 'folders', masks: 'current' }),
        () => api.inspectModel('/dev/zero'),
        () => api.addModel('/proc/self/exe'),
        () => api.openProject('/proc/1'),
        () => api.createProject({ name: 'x', parent: '/dev/shm', folder: 'x' }),
        () => api.listFolder({ path: '/sys/kernel', purpose: 'project' }),
      ]) {
        await expect(call()).rejects.toThrow(/kernel filesystem/);
      }
    } finally {
      p.close();
    }
  });
});

describe('the chooser lists', () => {
  it('names, sizes and dates, folders first; never a file’s contents', async () => {
    const dir = join(tmp.dir, 'listing');
    mkdirSync(join(dir, 'b-folder'), { recursive: true });
    mkdirSync(join(dir, '.hidden'));
    writeFileSync(join(dir, 'a.txt'), 'SECRET-CONTENT-12345');
    writeFileSync(join(dir, 'tags.csv'), 'image,tags\n');
    await writeJpeg(join(dir, 'c.jpg'), { width: 8, height: 8, seed: 1 });
    const l = listFolder({ path: dir, purpose: 'dataset' }, ctx);
    expect(l.path).toBe(dir);
    expect(l.parent).toBe(tmp.dir);
    expect(l.entries.map((e) => [e.name, e.kind])).toEqual([
      ['b-folder', 'folder'],
      ['a.txt', 'file'],
      ['c.jpg', 'file'],
      ['tags.csv', 'file'],
    ]);
    const txt = l.entries.find((e) => e.name === 'a.txt')!;
    expect(txt.size).toBe(20);
    expect(Date.parse(txt.modified!)).toBeGreaterThan(Date.now() - 60_000);
    expect(JSON.stringify(l)).not.toContain('SECRET-CONTENT');
    expect(l.entries.find((e) => e.name === 'tags.csv')).toMatchObject({ choosable: true, hint: 'tag list' });
    expect(listFolder({ path: dir, purpose: 'dataset', hidden: true }, ctx).entries.map((e) => e.name)).toContain('.hidden');
  });

  it('marks what the purpose can choose: projects, VOC datasets, model files', () => {
    const dir = join(tmp.dir, 'kinds');
    mkdirSync(join(dir, 'voc', 'JPEGImages'), { recursive: true });
    mkdirSync(join(dir, 'model', 'tfjs'), { recursive: true });
    writeFileSync(join(dir, 'model', 'net.onnx'), 'x');
    writeFileSync(join(dir, 'model', 'tfjs', 'model.json'), '{}');
    writeFileSync(join(dir, 'model', 'classes.txt'), 'a\n');
    createProject(join(dir, 'proj')).close();
    const forProject = listFolder({ path: dir, purpose: 'project' }, ctx).entries;
    expect(forProject.map((e) => [e.name, e.choosable, e.hint])).toEqual([
      ['model', false, undefined],
      ['proj', true, 'project'],
      ['voc', false, 'VOC dataset'],
    ]);
    expect(listFolder({ path: dir, purpose: 'dataset' }, ctx).entries.find((e) => e.name === 'voc')).toMatchObject({ choosable: true, hint: 'VOC dataset' });
    const models = listFolder({ path: join(dir, 'model'), purpose: 'model' }, ctx).entries;
    expect(models.map((e) => [e.name, e.choosable])).toEqual([
      ['tfjs', false],
      ['classes.txt', false],
      ['net.onnx', true],
    ]);
    expect(listFolder({ path: join(dir, 'model', 'tfjs'), purpose: 'model' }, ctx).entries[0]).toMatchObject({ name: 'model.json', choosable: true, hint: 'TF.js model' });
    // a typed file path lists its folder with the file picked out
    expect(listFolder({ path: join(dir, 'model', 'net.onnx'), purpose: 'model' }, ctx)).toMatchObject({ path: join(dir, 'model'), selected: 'net.onnx' });
  });

  it('starts in the home folder, then where this purpose last listed, and offers shortcuts', async () => {
    const p = createProject(join(tmp.dir, 'places-proj'));
    const api = createStudioService(p, { demoDir: join(tmp.dir, 'kinds') });
    try {
      expect((await api.listFolder({ purpose: 'dataset' })).path).toBe(homedir());
      await api.listFolder({ path: tmp.dir, purpose: 'dataset' });
      expect((await api.listFolder({ purpose: 'dataset' })).path).toBe(tmp.dir);
      expect((await api.listFolder({ purpose: 'model' })).path).toBe(homedir());
      const places = (await api.listFolder({ purpose: 'model' })).places;
      expect(places.map((x) => [x.kind, x.path])).toEqual([
        ['home', homedir()],
        ['project', p.dir],
        ['demo', join(tmp.dir, 'kinds', 'model')],
        ['root', '/'],
      ]);
    } finally {
      p.close();
    }
  });

  it('a start folder not made yet lists its nearest existing folder (never a kernel one)', () => {
    expect(listFolder({ path: join(tmp.dir, 'not', 'made', 'yet'), purpose: 'export', nearest: true }, ctx).path).toBe(tmp.dir);
    expect(refusal(() => listFolder({ path: '/proc/self/nope/x', purpose: 'export', nearest: true }, ctx))).toMatch(/kernel filesystem/);
  });

  it('answers a missing folder and a relative path with one clear line', () => {
    expect(refusal(() => listFolder({ path: join(tmp.dir, 'nope'), purpose: 'dataset' }, ctx))).toBe(`listFolder: ${join(tmp.dir, 'nope')} does not exist`);
    expect(refusal(() => chosenPath('relative/x', 'addModel'))).toBe("addModel: 'relative/x' is not an absolute path");
  });
});

describe('the chooser over HTTP', () => {
  const TOKEN = 'chooser-token-0123456789abcdef';
  const served = useServedStudio(TOKEN);
  const post = (headers: Record<string, string>, body = JSON.stringify([{ purpose: 'dataset', path: tmp.dir }])) =>
    fetch(`${served.server.origin}/api/listFolder`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('answers the studio’s own page with its token, and refuses everyone else like every other call', async () => {
    const ok = await post({ 'X-Studio-Token': TOKEN, Origin: served.server.origin });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { value: { path: string } }).value.path).toBe(tmp.dir);
    expect((await post({})).status).toBe(401);
    expect((await post({ 'X-Studio-Token': 'wrong' })).status).toBe(401);
    expect((await post({ 'X-Studio-Token': TOKEN, Origin: 'http://evil.example' })).status).toBe(403);
    const kernel = await post({ 'X-Studio-Token': TOKEN }, JSON.stringify([{ purpose: 'dataset', path: '/proc/self' }]));
    expect(kernel.status).toBe(400);
    expect(await kernel.json()).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'listFolder: /proc/self is in /proc, a kernel filesystem; choose a folder of your own files' } });
  });
});
