// What needs a reviewer's eye in an image's mask: a tagged class with no pixels, a class
// present that the image is not tagged with, a mask its CAMs are unsure about
// (ImageScore.confidence below LOW_CONFIDENCE).
import { LOW_CONFIDENCE, type MaskSummary } from '../../../src/contract/api.ts';

export interface Attention {
  /** tagged classes with no pixel in the mask */
  missing: number[];
  /** classes in the mask the image is not tagged with */
  untagged: number[];
  lowConfidence: boolean;
}

/** null while there is nothing to judge (no mask, or its summary has not arrived) */
export function attentionOf(tags: readonly number[], summary: MaskSummary | undefined): Attention | null {
  if (!summary || summary.maskId === null) return null;
  const present = new Set(summary.pixels.filter(([label, n]) => label !== 255 && n > 0).map(([label]) => label));
  return {
    missing: tags.filter((t) => !present.has(t)),
    untagged: [...present].filter((c) => !tags.includes(c)).sort((a, b) => a - b),
    lowConfidence: summary.confidence !== null && summary.confidence < LOW_CONFIDENCE,
  };
}

export function needsAttention(a: Attention | null): boolean {
  return a !== null && (a.missing.length > 0 || a.untagged.length > 0 || a.lowConfidence);
}
