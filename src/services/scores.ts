// Review scores from stored CAMs (defined in the contract's ImageScore): how sure the
// CAMs are about each pixel (confidence) and how much the methods disagree
// (disagreement). Computed at CAM resolution from the stored CAMs and cached per image
// until its CAMs change, so ranking a large project is a cheap query after the first one.
import type { ImageScore } from '../contract/api.ts';
import { normaliseCam, DEFAULT_MASK_SETTINGS } from '../masks/cam-mask.ts';
import { decodeFloat16 } from '../masks/float16.ts';
import type { CamRecord, Project } from '../project/index.ts';

/** Argmax over classes, background where the best normalised value is ≤ τ. */
function labelsOf(maps: { classIndex: number; v: Float32Array }[], tau: number): { labels: Uint8Array; best: Float32Array } {
  const n = maps[0].v.length;
  const labels = new Uint8Array(n);
  const best = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let b = -1;
    let l = 0;
    for (const m of maps) {
      if (m.v[i] > b) {
        b = m.v[i];
        l = m.classIndex;
      }
    }
    best[i] = b;
    labels[i] = b > tau ? l : 0;
  }
  return { labels, best };
}

function meanIoU(a: Uint8Array, b: Uint8Array): number {
  const inter = new Map<number, number>();
  const uni = new Map<number, number>();
  const add = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);
  for (let i = 0; i < a.length; i++) {
    if (a[i] === b[i]) {
      add(inter, a[i]);
      add(uni, a[i]);
    } else {
      add(uni, a[i]);
      add(uni, b[i]);
    }
  }
  let s = 0;
  for (const [k, u] of uni) s += (inter.get(k) ?? 0) / u;
  return uni.size ? s / uni.size : 1;
}

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
  const perMethod: { key: string; method: string; h: number; w: number; labels: Uint8Array }[] = [];
  let confSum = 0;
  for (const [key, g] of groups) {
    const h = g[0].h;
    const w = g[0].w;
    const maps = g.filter((r) => r.h === h && r.w === w).map((r) => ({ classIndex: r.classIndex, v: normaliseCam(decodeFloat16(r.data), 'relu-max') }));
    const { labels, best } = labelsOf(maps, tau);
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
      iouSum += meanIoU(a.labels, b.labels);
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
