import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { progressLine } from '../../../src/cli/progress.ts';
import { main } from '../../../src/cli/main.ts';
import { captureCli } from '../../helpers/cli.ts';
import { labelMap, tempDir, writeGarbage, writeJpeg, writeVocDataset } from '../../helpers/images.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());
const io = captureCli();
const { out, err } = io;

async function run(...argv: string[]): Promise<number> {
  io.clear();
  return main(argv);
}

describe('cli: init, import, info', () => {
  it('creates a project, imports a VOC folder with progress, and reports it as JSON', async () => {
    const proj = join(tmp.dir, 'proj');
    const data = join(tmp.dir, 'voc');
    await writeVocDataset(data, [
      { stem: 'a', width: 8, height: 6, seed: 1, objects: ['cat'], split: 'train', mask: labelMap(8, 6, 8) },
      { stem: 'b', width: 8, height: 6, seed: 2, objects: ['dog', 'cat'], split: 'val' },
      { stem: 'c', width: 8, height: 6, seed: 3, objects: [] },
    ]);
    writeGarbage(join(data, 'JPEGImages', 'broken.jpg'));

    expect(await run('init', proj, '--name', 'Pets')).toBe(0);
    expect(out).toEqual([`created project 'Pets' in ${proj}`]);

    expect(await run('import', proj, data)).toBe(0);
    expect(out[0]).toBe(`imported ${data} (voc): 3 added, 0 already in the project, 1 problems, 1 mask`);
    expect(out[1]).toMatch(/^new classes: aeroplane, bicycle, .*tvmonitor$/);
    // not a TTY here: one progress line per 5% step reached, ending at 100%
    const lines = err.filter((l) => l.startsWith('import: '));
    expect(lines.at(-1)).toBe('import: 100% (4/4)\n');
    expect(err.filter((l) => l.startsWith('skipped '))).toEqual([
      expect.stringMatching(new RegExp(`^skipped ${join(data, 'JPEGImages', 'broken\\.jpg')}: not a readable image \\(`)),
    ]);

    expect(await run('info', proj, '--json')).toBe(0);
    const info = JSON.parse(out.join('\n'));
    expect(info).toMatchObject({ name: 'Pets', images: 3, tagged: 2, masks: 1, approved: 0 });
    expect(info.classes).toHaveLength(20);
    expect(info.classes[7]).toBe('cat');

    expect(await run('import', proj, data)).toBe(0);
    expect(out[0]).toBe(`imported ${data} (voc): 0 added, 3 already in the project, 1 problems`);

    expect(await run('info', proj)).toBe(0);
    expect(out.join('\n')).toMatch(/^project {2}Pets .*\nimages {3}3 \(2 tagged, 1 with a mask, 0 approved\)\nclasses {2}1 aeroplane \(0\)/);
  });

  it('imports a CSV with --layout and --tags and creates its unknown tags', async () => {
    const proj = join(tmp.dir, 'proj');
    const data = join(tmp.dir, 'data');
    await writeJpeg(join(data, 'x.jpg'), { width: 5, height: 5 });
    const tags = join(tmp.dir, 'my tags.csv');
    writeFileSync(tags, 'image,tags\nx.jpg,"zebra;okapi"\n');
    await run('init', proj);
    expect(await run('import', proj, data, '--layout', 'csv', '--tags', tags)).toBe(0);
    expect(out).toEqual([`imported ${data} (csv): 1 added, 0 already in the project, 0 problems`, 'new classes: zebra, okapi']);
    await run('info', proj, '--json');
    expect(JSON.parse(out[0])).toMatchObject({ images: 1, classes: ['zebra', 'okapi'], tagged: 1, masks: 0, approved: 0 });
  });

  it('exits non-zero with one line naming the file and the problem', async () => {
    const proj = join(tmp.dir, 'proj');
    expect(await run('info', proj)).toBe(1);
    expect(err).toEqual([`relevance-studio info: ${proj}: not a Relevance Studio project (no project.sqlite); create one with 'relevance-studio init'`]);

    await run('init', proj);
    expect(await run('init', proj)).toBe(1);
    expect(err).toEqual([`relevance-studio init: ${proj}: a project already exists here (project.sqlite)`]);

    expect(await run('import', proj, join(tmp.dir, 'missing'))).toBe(1);
    expect(err).toEqual([`relevance-studio import: ${join(tmp.dir, 'missing')}: no such dataset folder`]);

    expect(await run('import', proj, tmp.dir, '--layout', 'coco')).toBe(1);
    expect(err).toEqual(["relevance-studio import: --layout must be one of voc, folders, csv, json, got 'coco'"]);

    const db = new Database(join(proj, 'project.sqlite'));
    db.pragma('user_version = 42');
    db.close();
    expect(await run('info', proj, '--json')).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(new RegExp(`^relevance-studio info: ${join(proj, 'project.sqlite')}: the project was written by a newer version .*schema version 42`));
  });
});

describe('progress printer', () => {
  it('draws a bar in place on a terminal and a line per 5% otherwise', () => {
    const tty: string[] = [];
    const bar = progressLine('import', { isTTY: true, columns: 60, write: (s) => (tty.push(s), true) });
    for (let d = 0; d <= 1000; d++) bar.update({ done: d, total: 1000 });
    bar.finish();
    expect(tty.every((s) => s.startsWith('\r') || s === '\n')).toBe(true);
    expect(tty.at(-2)).toBe(`\rimport [${'#'.repeat(30)}] 100% 1000/1000`);
    const log: string[] = [];
    const lines = progressLine('import', { isTTY: false, write: (s) => (log.push(s), true) });
    for (let d = 0; d <= 1000; d++) lines.update({ done: d, total: 1000 });
    lines.finish();
    expect(log).toHaveLength(21);
    expect(log[1]).toBe('import: 5% (50/1000)\n');
  });
});
