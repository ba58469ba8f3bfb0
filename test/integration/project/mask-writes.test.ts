// The mask door (src/project/mask-writes.ts): what becomes current and which review status
// follows, for every kind of write, on a real project with real PNGs.
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeLabelPng, encodeLabelPng } from '../../../src/project/png.ts';
import { createProject, humanOwns, type MaskVersion, type Project } from '../../../src/project/index.ts';
import { labelMap, tempDir, writeJpeg } from '../../helpers/images.ts';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const W = 8;
const H = 6;
const mask = (fg: number) => ({ labels: labelMap(W, H, fg), width: W, height: H });
const gen = { method: 'rcam', layer: 'layer2', thresholds: { bg: 0.3 }, modelHash: 'm', engineVersion: 't' };

async function project(): Promise<{ p: Project; id: number }> {
  const data = join(tmp.dir, 'data');
  await writeJpeg(join(data, 'cat', 'a.jpg'), { width: W, height: H });
  const p = createProject(join(tmp.dir, 'proj'));
  p.addClass('dog');
  await p.importDataset(data, { layout: 'folders' });
  return { p, id: p.listImages({ offset: 0, limit: 1 }).items[0].id };
}

const status = (p: Project, id: number) => p.getImage(id).status;
const current = (p: Project, id: number) => p.currentMask(id)?.version.id ?? null;

describe('humanOwns', () => {
  const v = (source: MaskVersion['provenance']['source'], frozen = false): MaskVersion => ({
    id: 1, imageId: 1, createdAt: 't', width: 1, height: 1, provenance: { source }, current: true, frozen, groundTruth: false,
  });
  it('is true for an approved image or a current version a person made or approved', () => {
    expect(humanOwns('unreviewed', null)).toBe(false);
    expect(humanOwns('generated', v('generated'))).toBe(false);
    expect(humanOwns('rejected', v('generated'))).toBe(false);
    expect(humanOwns('approved', null)).toBe(true);
    expect(humanOwns('generated', v('edited'))).toBe(true);
    expect(humanOwns('unreviewed', v('imported'))).toBe(true);
    expect(humanOwns('edited', v('generated', true))).toBe(true);
  });
});

describe('mask writes', () => {
  it('a generated mask becomes current on an unreviewed image, which becomes generated', async () => {
    const { p, id } = await project();
    const w = p.maskWrites.generated(id, mask(1), gen);
    expect(w).toMatchObject({ madeCurrent: true, keptHuman: false, before: { maskId: null, status: 'unreviewed' } });
    expect(w.version.provenance).toEqual({ source: 'generated', ...gen });
    expect(current(p, id)).toBe(w.version.id);
    expect(status(p, id)).toBe('generated');
    // a second run replaces generated work and reports what it found
    const w2 = p.maskWrites.generated(id, mask(2), gen);
    expect(w2).toMatchObject({ madeCurrent: true, before: { maskId: w.version.id, status: 'generated' } });
    expect(decodeLabelPng(p.currentMask(id)!.png).labels).toEqual(labelMap(W, H, 2));
    p.close();
  });

  it('never replaces human work: edited, imported or approved masks stay current', async () => {
    const { p, id } = await project();
    const e = p.maskWrites.edited(id, encodeLabelPng(labelMap(W, H, 1), W, H));
    expect(status(p, id)).toBe('edited');
    const w = p.maskWrites.generated(id, mask(2), gen);
    expect(w).toMatchObject({ madeCurrent: false, keptHuman: true, before: { maskId: e.id, status: 'edited' } });
    expect(w.version.current).toBe(false);
    expect(current(p, id)).toBe(e.id);
    // approved, then re-opened: the frozen generated version is still a person's choice
    const g = p.maskWrites.generated(id, mask(2), gen);
    p.maskWrites.restore(id, g.version.id);
    p.maskWrites.setStatus(id, 'approved');
    p.maskWrites.setStatus(id, 'edited');
    expect(p.maskWrites.generated(id, mask(1), gen).madeCurrent).toBe(false);
    expect(current(p, id)).toBe(g.version.id);
    p.close();
  });

  it('an edit makes any image edited; an imported mask re-opens only an approved one', async () => {
    const { p, id } = await project();
    p.maskWrites.setStatus(id, 'rejected');
    p.maskWrites.edited(id, mask(1));
    expect(status(p, id)).toBe('edited');
    p.maskWrites.setStatus(id, 'rejected');
    const imp = p.maskWrites.imported(id, mask(2));
    expect(imp).toMatchObject({ current: true, groundTruth: false, provenance: { source: 'imported' } });
    expect(status(p, id)).toBe('rejected');
    p.maskWrites.setStatus(id, 'approved');
    expect(p.currentMask(id)!.version.frozen).toBe(true);
    p.maskWrites.imported(id, mask(1));
    expect(status(p, id)).toBe('edited');
    p.close();
  });

  it('ground truth is a reference beside the working mask: not current, status untouched', async () => {
    const { p, id } = await project();
    const e = p.maskWrites.edited(id, mask(1));
    p.maskWrites.setStatus(id, 'approved');
    const gt = p.maskWrites.imported(id, mask(2), { groundTruth: true });
    expect(gt).toMatchObject({ current: false, groundTruth: true, provenance: { source: 'imported' } });
    expect(current(p, id)).toBe(e.id);
    expect(status(p, id)).toBe('approved');
    expect(p.groundTruthMask(id)!.version.id).toBe(gt.id);
    expect(p.masks.current(id)!.version.groundTruth).toBe(false);
    p.close();
  });

  it('a relabelled version of an approved image is frozen and keeps the status and role', async () => {
    const { p, id } = await project();
    const imp = p.maskWrites.imported(id, mask(1), { groundTruth: true, current: true });
    p.maskWrites.setStatus(id, 'approved');
    const r = p.maskWrites.relabelled(id, mask(2), imp);
    expect(r).toMatchObject({ current: true, frozen: true, groundTruth: true, provenance: { source: 'edited' } });
    expect(p.currentMask(id)!.version).toMatchObject({ id: r.id, frozen: true });
    expect(status(p, id)).toBe('approved');
    expect(p.groundTruthMask(id)!.version.id).toBe(r.id);
    p.close();
  });

  it('restore makes an older version current and the image edited; a foreign version is refused', async () => {
    const { p, id } = await project();
    const a = p.maskWrites.generated(id, mask(1), gen).version;
    p.maskWrites.generated(id, mask(2), gen);
    expect(p.maskWrites.restore(id, a.id)).toMatchObject({ id: a.id, current: true });
    expect(current(p, id)).toBe(a.id);
    expect(status(p, id)).toBe('edited');
    expect(() => p.maskWrites.restore(id, 9999)).toThrow(/mask version 9999 of image \d+ \(cat\/a\.jpg\) does not exist/);
    p.close();
  });

  it('refuses a mask of the wrong size or an indexed PNG, writing nothing', async () => {
    const { p, id } = await project();
    expect(() => p.maskWrites.generated(id, { labels: new Uint8Array(4), width: 2, height: 2 }, gen)).toThrow(/generated mask for image \d+ \(cat\/a\.jpg\) is 2x2, the image is 8x6/);
    expect(() => p.maskWrites.imported(id, { labels: new Uint8Array(5), width: W, height: H })).toThrow(/mask for image \d+ \(cat\/a\.jpg\): 5 values for a 8x6 map/);
    const indexed = encodeLabelPng(labelMap(W, H, 1), W, H, new Uint8Array(256 * 3));
    expect(() => p.maskWrites.edited(id, indexed)).toThrow(/expected an 8-bit grayscale label map, got an indexed PNG/);
    // a job's PNG with its classes is judged by its header (not decoded again): the same refusals
    const encoded = (png: Uint8Array) => ({ png, classes: [1] });
    expect(() => p.maskWrites.generated(id, encoded(indexed), gen)).toThrow(/generated mask for image \d+ \(cat\/a\.jpg\): expected an 8-bit grayscale label map, got an indexed PNG/);
    expect(() => p.maskWrites.generated(id, encoded(encodeLabelPng(labelMap(4, 4, 1), 4, 4)), gen)).toThrow(/generated mask for image \d+ \(cat\/a\.jpg\) is 4x4, the image is 8x6/);
    expect(() => p.maskWrites.generated(id, encoded(new Uint8Array([137, 80, 78, 71])), gen)).toThrow(/generated mask for image \d+ \(cat\/a\.jpg\): not a PNG file|truncated/);
    expect(p.maskVersions(id)).toEqual([]);
    expect(status(p, id)).toBe('unreviewed');
    p.close();
  });

  it('refuses, for every source, a label value that is no class at write time; nothing written', async () => {
    const { p, id } = await project();
    const with3 = { labels: labelMap(W, H, 3), width: W, height: H };
    const no3 = /for image \d+ \(cat\/a\.jpg\): label value 3 is no class of this project \(0 background, 255 ignore, 1\.\.2 classes\)$/;
    expect(() => p.maskWrites.generated(id, with3, gen)).toThrow(no3);
    expect(() => p.maskWrites.generated(id, encodeLabelPng(with3.labels, W, H), gen)).toThrow(no3);
    expect(() => p.maskWrites.edited(id, encodeLabelPng(with3.labels, W, H))).toThrow(no3);
    expect(() => p.maskWrites.imported(id, with3, { groundTruth: true })).toThrow(no3);
    const v = p.maskWrites.edited(id, mask(2));
    expect(() => p.maskWrites.relabelled(id, with3, v)).toThrow(no3);
    expect(p.maskVersions(id).map((x) => x.id)).toEqual([v.id]);
    // 0, 255 and every class are fine; a class added since is too
    p.addClass('bird');
    expect(p.maskWrites.generated(id, with3, gen).keptHuman).toBe(true);
    p.close();
  });

  it("stores a job's PNG exactly as its encoder made it, judging the classes it reports", async () => {
    const { p, id } = await project();
    const png = encodeLabelPng(labelMap(W, H, 2), W, H);
    const w = p.maskWrites.generated(id, { png, classes: [2] }, gen);
    expect(p.masks.png(w.version.id)).toEqual(png);
    expect(() => p.maskWrites.generated(id, { png: encodeLabelPng(labelMap(W, H, 3), W, H), classes: [3] }, gen)).toThrow(/label value 3 is no class of this project/);
    p.close();
  });

  it("undoing a job's write restores what it found, keeps approved versions, removes the rest", async () => {
    const { p, id } = await project();
    const w1 = p.maskWrites.generated(id, mask(1), gen);
    const undo = (w: typeof w1) => p.maskWrites.undoJobWrite({ imageId: id, maskId: w.version.id, prevMaskId: w.before.maskId, prevStatus: w.before.status });
    const w2 = p.maskWrites.generated(id, mask(2), gen);
    expect(undo(w2)).toBe('restored');
    expect(current(p, id)).toBe(w1.version.id);
    expect(status(p, id)).toBe('generated');
    expect(undo(w2)).toBe('gone');
    expect(undo(w1)).toBe('restored');
    expect(current(p, id)).toBeNull();
    expect(status(p, id)).toBe('unreviewed');
    // a version kept beside a person's edit is simply removed
    const e = p.maskWrites.edited(id, mask(1));
    const kept = p.maskWrites.generated(id, mask(2), gen);
    expect(undo(kept)).toBe('removed');
    expect(current(p, id)).toBe(e.id);
    // an approved one stays
    p.maskWrites.setStatus(id, 'rejected');
    const w3 = p.maskWrites.generated(id, mask(2), gen);
    expect(w3.madeCurrent).toBe(false); // the edit still owns the mask
    p.maskWrites.restore(id, w3.version.id);
    p.maskWrites.setStatus(id, 'approved');
    expect(undo(w3)).toBe('kept-approved');
    expect(current(p, id)).toBe(w3.version.id);
    p.close();
  });
});
