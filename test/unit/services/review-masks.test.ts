// What the grid and the editor need to review masks, over a real project: small overlays of
// the current mask in the class colours (cached on disk, drawn again for a new mask or
// colour), per-class pixel counts, an adopted mask with its recipe, versions that say what
// made them, and an edit that undoes back to the generated mask being 'Generated' again.
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { MaskSummary, MaskVersionInfo } from '../../../src/contract/api.ts';
import { REFINE_PRESETS } from '../../../src/masks/refine/index.ts';
import { overlayPath } from '../../../src/project/overlays.ts';
import { encodeLabelPng } from '../../../src/project/png.ts';
import { dispatch } from '../../../src/services/index.ts';
import { splitOverlays } from '../../../renderer/src/lib/overlay-bytes.ts';
import { useStudio } from './fixture.ts';

const s = useStudio();

/** a label map of the image's size: class `c` in the left `frac` of it */
function leftBlock(id: number, c: number, frac = 0.5): Uint8Array {
  const { width, height } = s.tp.project.getImage(id);
  const d = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) d.fill(c, y * width, y * width + Math.floor(width * frac));
  return encodeLabelPng(d, width, height);
}

/** one image's overlay through the batched call */
async function overlayOf(id: number, style: 'fill' | 'outline'): Promise<Uint8Array> {
  return splitOverlays(await s.api.maskOverlays([id], style))[0];
}

async function rgbaAt(png: Uint8Array, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * info.channels;
  return [...data.subarray(i, i + 4)];
}

describe('mask overlays and summaries', () => {
  it('draws the current mask at thumbnail size in the class colour, caches it, and draws a new mask again', async () => {
    const p = s.tp.project;
    const img = p.listImages({ offset: 0, limit: 1, search: 'c1' }).items[0]; // 400×300
    expect(await overlayOf(img.id, 'fill')).toHaveLength(0);
    const cat = p.classes.indexOf('cat')!;
    p.maskWrites.generated(img.id, leftBlock(img.id, cat), { method: 'rcam', layer: 'layer2' });
    const fill = await overlayOf(img.id, 'fill');
    const meta = await sharp(fill).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 256, 192, 4]);
    const color = p.listClasses().find((c) => c.index === cat)!.color;
    const rgb = [1, 3, 5].map((k) => parseInt(color.slice(k, k + 2), 16));
    expect(await rgbaAt(fill, 40, 96)).toEqual([...rgb, 255]); // inside the block
    expect((await rgbaAt(fill, 200, 96))[3]).toBe(0); // background: clear
    expect(existsSync(overlayPath(p.dir, img.id, 'fill'))).toBe(true);
    expect(Buffer.from(await overlayOf(img.id, 'fill')).equals(Buffer.from(fill))).toBe(true);

    // many images in one answer, in the order asked, empty for an image without a mask
    const other = p.listImages({ offset: 0, limit: 1, search: 'c3' }).items[0];
    const both = splitOverlays(await s.api.maskOverlays([other.id, img.id, img.id], 'fill'));
    expect(both.map((b) => b.length)).toEqual([0, fill.length, fill.length]);
    expect(Buffer.from(both[2]).equals(Buffer.from(fill))).toBe(true);
    const tooMany = await dispatch(s.api, 'maskOverlays', [Array.from({ length: 101 }, () => img.id), 'fill']);
    expect(tooMany.ok ? '' : tooMany.error.message).toMatch(/at most 100 allowed/);

    // outline: the border in the class colour, the inside clear
    const outline = await overlayOf(img.id, 'outline');
    expect(await rgbaAt(outline, 127, 96)).toEqual([...rgb, 255]);
    expect((await rgbaAt(outline, 40, 96))[3]).toBe(0);

    // a new mask and a recoloured class: drawn again
    p.maskWrites.edited(img.id, leftBlock(img.id, cat, 0.25));
    const again = await overlayOf(img.id, 'fill');
    expect((await rgbaAt(again, 100, 96))[3]).toBe(0);
    await s.api.updateClass(cat, { color: '#00ff00' });
    expect(await rgbaAt(await overlayOf(img.id, 'fill'), 20, 96)).toEqual([0, 255, 0, 255]);
  });

  it('counts pixels per label for the grid badges, by the current mask version', async () => {
    const p = s.tp.project;
    const img = p.listImages({ offset: 0, limit: 1, search: 'd1' }).items[0]; // 30×40, tagged dog
    const dog = p.classes.indexOf('dog')!;
    const cat = p.classes.indexOf('cat')!;
    const v = p.maskWrites.generated(img.id, leftBlock(img.id, cat, 0.5), { method: 'rcam' }).version;
    const [sum] = await s.api.maskSummaries([img.id]);
    expect(sum).toEqual<MaskSummary>({ imageId: img.id, maskId: v.id, pixels: [[cat, 15 * 40]], total: 1200, confidence: null });
    expect(img.tags).toEqual([dog]); // tagged dog, holds cat: what the badges flag
    const other = p.listImages({ offset: 0, limit: 1, search: 'd2' }).items[0];
    expect((await s.api.maskSummaries([other.id]))[0]).toMatchObject({ maskId: null, pixels: [], total: 0 });
    const r = await dispatch(s.api, 'maskSummaries', [[999]]);
    expect(r.ok ? null : r.error.code).toBe('NOT_FOUND');
    expect((await s.api.listImages({ offset: 0, limit: 10, search: 'd1' })).items[0].maskId).toBe(v.id);
  });
});

describe('versions', () => {
  it('say what made them; an adopted mask keeps its recipe; an edit back to the generated mask is Generated again', async () => {
    const p = s.tp.project;
    const img = p.listImages({ offset: 0, limit: 1, search: 'c2' }).items[0];
    const cat = p.classes.indexOf('cat')!;
    const job = p.jobs.create('generate', { test: 'versions' }, new Date().toISOString());
    const gen = p.maskWrites.generated(img.id, leftBlock(img.id, cat), { method: 'rcam', layer: 'layer2', thresholds: { bg: 0.4 }, jobId: job.id, refine: { settings: REFINE_PRESETS.fast!, steps: [] } }).version;
    expect(p.getImage(img.id).status).toBe('generated');

    const edited = await s.api.saveMask(img.id, leftBlock(img.id, cat, 0.75));
    expect(edited.status).toBe('edited');
    // every stroke undone: the same labels as the generated mask (other PNG bytes are fine)
    const back = await s.api.saveMask(img.id, leftBlock(img.id, cat));
    expect(back).toMatchObject({ status: 'generated', version: { id: gen.id, current: true, source: 'generated' } });
    expect(p.getImage(img.id).status).toBe('generated');
    expect(p.masks.versions(img.id)).toHaveLength(2);

    const adopted = await s.api.adoptMask(img.id, { method: 'gradcam', layer: 'layer3', refine: 'best', bg: 0.35 }, leftBlock(img.id, cat, 0.3));
    expect(adopted.status).toBe('edited');
    const list = await s.api.maskVersions(img.id);
    expect(list.map((v) => [v.source, v.method, v.layer, v.refine, v.bg, v.jobId, v.current])).toEqual([
      ['generated', 'rcam', 'layer2', 'fast', 0.4, job.id, false],
      ['edited', undefined, undefined, undefined, undefined, undefined, false],
      ['edited', 'gradcam', 'layer3', 'best', 0.35, undefined, true],
    ]);
    expect(list.every((v: MaskVersionInfo) => v.groundTruth === false)).toBe(true);
    const bad = await dispatch(s.api, 'adoptMask', [img.id, { method: 'gradcam', layer: 'layer3', refine: 'max', bg: 0.3 }, leftBlock(img.id, cat)]);
    expect(bad.ok ? '' : bad.error.message).toBe("adoptMask: unknown refinement chain 'max'");
  });
});
