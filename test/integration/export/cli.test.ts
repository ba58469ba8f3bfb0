import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { captureCli } from '../../helpers/cli.ts';
import { tempDir } from '../../helpers/images.ts';
import { makeFixture } from './fixture.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('studio-export-cli-');
});
afterEach(() => tmp.cleanup());
const io = captureCli();
const { out, err } = io;

describe('cli: export, import-masks', () => {
  it('exports VOC with a seeded split and progress, and re-imports it', async () => {
    const fx = await makeFixture(tmp.dir);
    fx.p.close();
    const proj = join(tmp.dir, 'proj');
    const voc = join(tmp.dir, 'voc');
    expect(await main(['export', proj, '--format', 'voc', '--out', voc, '--split', 'val=0.34', '--seed', '1'])).toBe(0);
    expect(out.join('\n')).toMatch(/exported 3 images \(\d+ files, voc\) to /);
    expect(err.join('')).toMatch(/export: 100% \(3\/3\)/);
    expect(readFileSync(join(voc, 'ImageSets/Segmentation/val.txt'), 'utf8').trim().split('\n')).toHaveLength(1);
    io.clear();
    expect(await main(['import-masks', proj, voc, '--format', 'voc'])).toBe(0);
    expect(out.join('\n')).toBe(`imported 3 masks from ${voc}`);
    // the import re-opened the approved image's review: an approved-only export has nothing to write
    expect(await main(['export', proj, '--format', 'coco', '--out', join(tmp.dir, 'coco'), '--approved-only'])).toBe(1);
    expect(err.join('\n')).toMatch(/export: nothing to write: every image is left out \(4 not approved\)/);
    expect(existsSync(join(tmp.dir, 'coco'))).toBe(false);
    io.clear();
    expect(await main(['export', proj, '--format', 'coco', '--out', join(tmp.dir, 'coco')])).toBe(0);
    expect(existsSync(join(tmp.dir, 'coco', 'annotations.json'))).toBe(true);
    expect(err.join('\n')).toMatch(/left out: 1 without a mask/);
  });

  it('rejects bad flags with one line', async () => {
    const fx = await makeFixture(tmp.dir);
    fx.p.close();
    const proj = join(tmp.dir, 'proj');
    expect(await main(['export', proj, '--format', 'png', '--out', 'x'])).toBe(1);
    expect(err.join('\n')).toMatch(/--format must be one of voc, coco, yolo, cams, got 'png'/);
    expect(await main(['export', proj, '--format', 'voc'])).toBe(1);
    expect(err.join('\n')).toMatch(/--out OUT is required/);
    expect(await main(['export', proj, '--out', 'x', '--split', 'half'])).toBe(1);
    expect(err.join('\n')).toMatch(/--split must look like val=0.1/);
    expect(await main(['import-masks', proj, join(tmp.dir, 'nowhere'), '--format', 'voc'])).toBe(1);
    expect(err.join('\n')).toMatch(/nowhere: not found/);
  });
});
