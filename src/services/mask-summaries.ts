// What each image's current mask holds (pixels per label) and its CAM confidence: the
// grid's attention badges and the inspector's class counts. A mask version never changes,
// so its counts are kept by version id (an LRU); only a new mask is decoded.
import type { MaskSummary } from '../contract/api.ts';
import { histogram } from '../masks/labels.ts';
import type { Project } from '../project/index.ts';
import { decodeLabelPng } from '../project/png.ts';
import type { ScoreCache } from './scores.ts';

const KEEP = 20_000;

interface Counts {
  pixels: [number, number][];
  total: number;
}

export class MaskSummaries {
  private readonly byVersion = new Map<number, Counts>();

  constructor(
    private readonly project: Project,
    private readonly scores: ScoreCache,
  ) {}

  async summaries(imageIds: readonly number[]): Promise<MaskSummary[]> {
    const confidence = new Map((await this.scores.scores(imageIds)).map((s) => [s.imageId, s.confidence]));
    return imageIds.map((imageId) => {
      this.project.images.get(imageId); // NOT_FOUND for an unknown id
      const version = this.project.masks.currentVersion(imageId);
      const counts = version ? this.counts(version.id) : { pixels: [], total: 0 };
      return { imageId, maskId: version?.id ?? null, ...counts, confidence: confidence.get(imageId) ?? null };
    });
  }

  private counts(versionId: number): Counts {
    const hit = this.byVersion.get(versionId);
    if (hit) {
      this.byVersion.delete(versionId);
      this.byVersion.set(versionId, hit);
      return hit;
    }
    const m = decodeLabelPng(this.project.masks.png(versionId), `mask version ${versionId}`);
    const h = histogram(m.labels);
    const pixels: [number, number][] = [];
    for (let v = 1; v < 256; v++) if (h[v]) pixels.push([v, h[v]]);
    const counts = { pixels, total: m.labels.length };
    this.byVersion.set(versionId, counts);
    if (this.byVersion.size > KEEP) this.byVersion.delete(this.byVersion.keys().next().value!);
    return counts;
  }
}
