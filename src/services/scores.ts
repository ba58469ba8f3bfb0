// Review scores from stored CAMs (defined in the contract's ImageScore): how sure the
// CAMs are about each pixel (confidence) and how much the methods disagree
// (disagreement). Computed at CAM resolution from the stored CAMs and cached per image
// until its CAMs change, so ranking a large project is a cheap query after the first one.
import type { ImageScore } from '../contract/api.ts';
import { argmaxMaps, camFromFloat16, DEFAULT_MASK_SETTINGS, maskSettings, normaliseCam, thresholdArgmax } from '../masks/cam-mask.ts';
import { meanIoU } from '../masks/confusion.ts';
import type { CamRecord, Project } from '../project/index.ts';

/** The scores of one image from its stored CAMs. */
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
  scores(imageIds: readonly number[]): ImageScore[] {
    const stamps = this.project.cams.changeStamps(imageIds);
    return imageIds.map((id) => {
      const stamp = stamps.get(id);
      if (stamp === undefined) return { imageId: id, confidence: null, disagreement: null, methods: [] };
      const hit = this.cache.get(id);
      if (hit && hit.stamp === stamp) return hit.score;
      const score = scoreImage(id, this.project.cams.forImage(id));
      this.cache.set(id, { stamp, score });
      return score;
    });
  }

  /** Every image with stored CAMs. */
  scoredImageIds(): number[] {
    return this.project.cams.imageIds();
  }
}
