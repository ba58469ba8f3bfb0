// Review scores (defined in the contract's ImageScore): how good the image's mask is likely
// to be (confidence: the mIoU predicted from the refinement's evidence, fix-evidence.ts)
// and how much the stored methods disagree (disagreement). Cached per image until its CAMs
// or its current mask change, so ranking a large project is a cheap query after the first.
import sharp from 'sharp';
import type { ImageScore } from '../contract/api.ts';
import { DEFAULT_CAM_LAYER } from '../contract/generation.ts';
import { argmaxMaps, camFromFloat16, DEFAULT_MASK_SETTINGS, maskSettings, normaliseCam, thresholdArgmax } from '../masks/cam-mask.ts';
import { meanIoU } from '../masks/confusion.ts';
import { DEFAULT_REFINE_PRESET, refinePreset, workSize } from '../masks/refine/index.ts';
import type { CamRecord, Project } from '../project/index.ts';
import { decodeLabelPng } from '../project/png.ts';
import { EVIDENCE_SIDE, fixEvidence, predictedIoU } from './fix-evidence.ts';

/**
 * The CAM-only scores of one image: `confidence` here is the stored layers' mean CAM
 * margin |top CAM − τ| / max(τ, 1 − τ) (what the review queue ranked by before the
 * refinement's evidence; the fix-cost bench compares the two), `disagreement` 1 − the mean
 * pairwise mIoU of the methods' masks at the same layer.
 */
export function scoreImage(imageId: number, rows: readonly CamRecord[], tau = DEFAULT_MASK_SETTINGS.bg): ImageScore {
  const groups = new Map<string, CamRecord[]>();
  for (const r of rows) {
    const k = `${r.modelHash}\u0000${r.layer}\u0000${r.method}`;
    const g = groups.get(k) ?? [];
    g.push(r);
    groups.set(k, g);
  }
  if (groups.size === 0) return { imageId, confidence: null, disagreement: null, methods: [] };
  const span = Math.max(tau, 1 - tau);
  const plain = maskSettings({ bg: tau });
  const perMethod: { key: string; method: string; h: number; w: number; labels: Uint8Array }[] = [];
  let confSum = 0;
  for (const [key, g] of groups) {
    const h = g[0].h;
    const w = g[0].w;
    const maps = g.filter((r) => r.h === h && r.w === w).map((r) => ({ classIndex: r.classIndex, map: normaliseCam(camFromFloat16(r.classIndex, r.w, r.h, r.data).data, 'relu-max') }));
    // the pipeline's argmax and τ at CAM resolution, without the clean-ups
    const { argmax, score: best } = argmaxMaps(maps, h * w);
    const labels = thresholdArgmax(argmax, best, w, h, plain);
    let m = 0;
    for (let i = 0; i < best.length; i++) m += Math.abs(best[i] - tau) / span;
    confSum += m / best.length;
    perMethod.push({ key: key.slice(0, key.lastIndexOf('\u0000')), method: g[0].method, h, w, labels });
  }
  let pairs = 0;
  let iouSum = 0;
  for (let i = 0; i < perMethod.length; i++) {
    for (let j = i + 1; j < perMethod.length; j++) {
      const a = perMethod[i];
      const b = perMethod[j];
      if (a.key !== b.key || a.h !== b.h || a.w !== b.w) continue;
      // both maps come from thresholds (no 255), so one IoU per class present in either
      iouSum += meanIoU(a.labels, b.labels) ?? 1;
      pairs++;
    }
  }
  return {
    imageId,
    confidence: confSum / groups.size,
    disagreement: pairs ? 1 - iouSum / pairs : null,
    methods: [...new Set(perMethod.map((p) => p.method))].sort(),
  };
}

export class ScoreCache {
  private readonly cache = new Map<number, { stamp: string; score: ImageScore }>();

  constructor(private readonly project: Project) {}

  /** Scores for these images (null fields where no CAMs are stored). */
  async scores(imageIds: readonly number[]): Promise<ImageScore[]> {
    const stamps = this.project.cams.changeStamps(imageIds);
    const out: ImageScore[] = [];
    for (const id of imageIds) {
      const camStamp = stamps.get(id);
      if (camStamp === undefined) {
        out.push({ imageId: id, confidence: null, disagreement: null, methods: [] });
        continue;
      }
      const stamp = `${camStamp}|${this.project.masks.currentVersion(id)?.id ?? 'none'}`;
      const hit = this.cache.get(id);
      if (hit && hit.stamp === stamp) {
        out.push(hit.score);
        continue;
      }
      const rows = this.project.cams.forImage(id);
      const plain = scoreImage(id, rows);
      const score = { ...plain, confidence: await this.predictedQuality(id, rows) };
      this.cache.set(id, { stamp, score });
      out.push(score);
    }
    return out;
  }

  /**
   * The mask's predicted mIoU from the refinement's evidence: the stored CAMs of the mask's
   * model and method (its layer and the deeper ones), through its chain (the studio's
   * default for a mask a person made), against the current mask; the image's pixels read
   * shrunk towards the chain's working size.
   */
  private async predictedQuality(imageId: number, rows: readonly CamRecord[]): Promise<number> {
    const img = this.project.images.get(imageId);
    const current = this.project.currentMask(imageId);
    const prov = current?.version.provenance;
    const group = rows.filter((r) => (prov?.modelHash ? r.modelHash === prov.modelHash : true) && (prov?.method ? r.method === prov.method : true));
    const pool = group.length ? group : rows;
    const first = pool[0];
    const same = pool.filter((r) => r.modelHash === first.modelHash && r.method === first.method);
    const layers = [...new Set(same.map((r) => r.layer))];
    const layer = prov?.layer && layers.includes(prov.layer) ? prov.layer : layers.includes(DEFAULT_CAM_LAYER) ? DEFAULT_CAM_LAYER : layers[0];
    const stored = (l: string) => same.filter((r) => r.layer === l).map((r) => ({ classIndex: r.classIndex, h: r.h, w: r.w, f16: r.data }));
    const cams = stored(layer);
    const deep: Record<string, ReturnType<typeof stored>> = {};
    for (const l of layers) if (l !== layer && stored(l).length === cams.length) deep[l] = stored(l);
    const refine = prov?.source === 'generated' ? (prov.refine?.settings ?? null) : refinePreset(DEFAULT_REFINE_PRESET);
    const tau = prov?.thresholds?.bg ?? DEFAULT_MASK_SETTINGS.bg;
    const mask = current ? decodeLabelPng(current.png, `mask of image ${imageId}`) : null;
    const side = workSize(img.width, img.height, refine?.workSide ?? EVIDENCE_SIDE);
    const evidence = fixEvidence({
      cams,
      deep,
      layer,
      refine,
      tau,
      mask: mask ? { labels: mask.labels, width: mask.width, height: mask.height } : null,
      rgb: await this.smallPixels(imageId, Math.min(img.width, side.width * 4), Math.min(img.height, side.height * 4)),
      size: { width: img.width, height: img.height },
    });
    return predictedIoU(evidence);
  }

  /**
   * The image shrunk on decode to w×h (fixEvidence box-filters the rest of the way); null
   * when the file can't be read now (moved, unreadable): the evidence then goes without the
   * chain's colour step, as a job's mask does without pixels.
   */
  private async smallPixels(imageId: number, w: number, h: number): Promise<{ data: Uint8Array; width: number; height: number } | null> {
    try {
      const read = await sharp(await this.project.imageBytes(imageId)).rotate().resize(w, h, { fit: 'fill' }).removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
      return { data: new Uint8Array(read.data.buffer, read.data.byteOffset, read.data.length), width: read.info.width, height: read.info.height };
    } catch {
      return null;
    }
  }

  /** Every image with stored CAMs. */
  scoredImageIds(): number[] {
    return this.project.cams.imageIds();
  }
}
