// Export targets: system folders are refused at once, a symlink planted in the target is
// replaced rather than written through, files appear only when the export is complete (a
// completion marker last), a failed export leaves the earlier one as it was, and the CLI
// follows the same overwrite rule as the API and the desktop menu.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { EXPORT_MARKER, exportProject } from '../../../src/export/index.ts';
import { isExportLeftover } from '../../../src/export/bookkeeping.ts';
import { stageExport } from '../../../src/export/stage.ts';
import { ProjectFiles } from '../../../src/export/target.ts';
import { makeFixture, type Fixture } from './fixture.ts';
import { scratchEach } from '../../helpers/scratch.ts';

let fx: Fixture;
const tmp = scratchEach('studio-export-target-', async (dir) => {
  fx = await makeFixture(dir);
  return () => fx.p.close();
});
afterEach(() => vi.restoreAllMocks());

describe('export targets', () => {
  it('refuses /proc, /sys and /dev targets before writing anything', async () => {
    await expect(exportProject(fx.p, { format: 'voc', out: '/proc/x' })).rejects.toThrow('export: /proc/x is under /proc, a system folder; choose a folder for files');
    await expect(exportProject(fx.p, { format: 'voc', out: '/proc/self/fd/x' })).rejects.toThrow(/is under \/proc/);
    await expect(exportProject(fx.p, { format: 'voc', out: '/sys/kernel/x' })).rejects.toThrow(/is under \/sys/);
    await expect(exportProject(fx.p, { format: 'coco', out: '/dev/shm/../null' })).rejects.toThrow(/\/dev\/null is under \/dev/);
    const viaLink = join(tmp.dir, 'proc-link');
    symlinkSync('/proc', viaLink);
    await expect(exportProject(fx.p, { format: 'voc', out: join(viaLink, 'x') })).rejects.toThrow(/is under \/proc/);
    await expect(exportProject(fx.p, { format: 'voc', out: 'relative/out' })).rejects.toThrow(/absolute path/);
    await expect(exportProject(fx.p, { format: 'voc', out: fx.p.dir })).rejects.toThrow(/is the project folder/);
  });

  it('a finished export carries the marker; refuses a non-empty folder unless overwrite', async () => {
    const out = join(tmp.dir, 'out');
    const rep = await exportProject(fx.p, { format: 'voc', out });
    expect(JSON.parse(readFileSync(join(out, EXPORT_MARKER), 'utf8'))).toEqual({ app: 'relevance-studio', complete: true, format: 'voc', images: 3, files: rep.files, skipped: 0 });
    expect(readdirSync(out).filter((n) => n.startsWith('.relevance-studio-partial'))).toEqual([]);
    await expect(exportProject(fx.p, { format: 'voc', out })).rejects.toThrow(`export: ${out} is not empty; tick "Overwrite" (CLI: --overwrite) or choose an empty folder`);
    expect((await exportProject(fx.p, { format: 'voc', out, overwrite: true })).images).toBe(3);
  });

  it('with overwrite, symlinks in the target are replaced, never written through', async () => {
    const out = join(tmp.dir, 'out');
    const victimDir = join(tmp.dir, 'victim');
    mkdirSync(victimDir);
    writeFileSync(join(victimDir, 'precious.txt'), 'keep me');
    const victimFile = join(tmp.dir, 'victim.txt');
    writeFileSync(victimFile, 'keep me too');
    mkdirSync(out);
    symlinkSync(victimDir, join(out, 'SegmentationClass'));
    symlinkSync(victimFile, join(out, 'classes.txt'));
    await exportProject(fx.p, { format: 'voc', out, overwrite: true });
    expect(readdirSync(victimDir)).toEqual(['precious.txt']);
    expect(readFileSync(victimFile, 'utf8')).toBe('keep me too');
    expect(lstatSync(join(out, 'SegmentationClass')).isDirectory()).toBe(true);
    expect(readdirSync(join(out, 'SegmentationClass')).sort()).toEqual(['b.png', 'cat__a.png', 'dog__a.png']);
    expect(readFileSync(join(out, 'classes.txt'), 'utf8')).toBe('background\ncat\ndog\n');
  });

  it('an export that dies half-way shows no files and no marker; a failed overwrite keeps the earlier export', async () => {
    const out = join(tmp.dir, 'out');
    const stage = stageExport(out, { overwrite: false, files: new ProjectFiles(fx.p) });
    writeFileSync(join(stage.dir, 'classes.txt'), 'background\n'); // were the process killed now (concurrent.test.ts kills one)…
    expect(readdirSync(out).filter((n) => !isExportLeftover(n))).toEqual([]);
    expect(existsSync(join(out, EXPORT_MARKER))).toBe(false);
    stage.abort();
    expect(readdirSync(out)).toEqual([]);

    await exportProject(fx.p, { format: 'voc', out, overwrite: true });
    const before = readFileSync(join(out, 'SegmentationClass', 'cat__a.png'));
    let n = 0;
    const boom = () => {
      if (++n === 2) throw new Error('disk pulled');
    };
    await expect(exportProject(fx.p, { format: 'voc', out, overwrite: true, onProgress: boom })).rejects.toThrow('disk pulled');
    expect(readFileSync(join(out, 'SegmentationClass', 'cat__a.png'))).toEqual(before);
    // the stage removed, the earlier export's marker still there: it is still whole
    expect(readdirSync(out).filter((n) => n.startsWith('.relevance-studio'))).toEqual([EXPORT_MARKER]);
  });

  it('the CLI refuses a non-empty folder without --overwrite, like the API', async () => {
    const err: string[] = [];
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    const out = join(tmp.dir, 'cli-out');
    mkdirSync(out);
    writeFileSync(join(out, 'notes.txt'), 'mine');
    fx.p.close();
    const proj = join(tmp.dir, 'proj');
    expect(await main(['export', proj, '--format', 'voc', '--out', out])).not.toBe(0);
    expect(err.join('\n')).toContain(`export: ${out} is not empty; tick "Overwrite" (CLI: --overwrite) or choose an empty folder`);
    expect(readdirSync(out)).toEqual(['notes.txt']);
    expect(await main(['export', proj, '--format', 'voc', '--out', out, '--overwrite'])).toBe(0);
    expect(readdirSync(out).sort()).toEqual([EXPORT_MARKER, 'ImageSets', 'SegmentationClass', 'classes.txt', 'labelmap.txt', 'notes.txt']);
    fx = { ...fx, p: (await import('../../../src/project/index.ts')).openProject(proj) };
  });

  it("refuses a target holding the project's images, unless an earlier export whose replaced entries hold none", async () => {
    const files = () => readdirSync(join(fx.data, 'cat')).sort();
    const before = files();
    // the dataset folder itself, or a folder above it
    for (const out of [fx.data, tmp.dir]) {
      await expect(exportProject(fx.p, { format: 'voc', out, overwrite: true, copyImages: true })).rejects.toThrow(`export: ${out} holds the project's own files (`);
    }
    expect(files()).toEqual(before);

    // a project whose images are an earlier export's JPEGImages/ (exported, then imported back)
    const first = join(tmp.dir, 'first');
    await exportProject(fx.p, { format: 'voc', out: first, copyImages: true });
    const { createProject } = await import('../../../src/project/index.ts');
    const q = createProject(join(tmp.dir, 'again'));
    try {
      expect((await q.importDataset(first, { layout: 'voc' })).added).toBe(3);
      const images = readdirSync(join(first, 'JPEGImages')).sort();
      const marker = readFileSync(join(first, EXPORT_MARKER), 'utf8');
      await expect(exportProject(q, { format: 'voc', out: first, overwrite: true, copyImages: true })).rejects.toThrow(
        `export: ${join(first, 'JPEGImages')} holds the project's own files (${join(first, 'JPEGImages', images[0])}), which this export would replace`,
      );
      expect(readdirSync(join(first, 'JPEGImages')).sort()).toEqual(images);
      expect(readFileSync(join(first, EXPORT_MARKER), 'utf8')).toBe(marker);
      // without --copy-images nothing holding its images is replaced: allowed
      expect((await exportProject(q, { format: 'voc', out: first, overwrite: true })).images).toBe(3);
      expect(readdirSync(join(first, 'JPEGImages')).sort()).toEqual(images);
    } finally {
      q.close();
    }
  });
});
