// What the review specs share: the two window sizes every review test runs at, a generated
// demo project served for one spec file, and reads of what the database holds.
import type { Page } from '@playwright/test';
import { histogram } from '../../src/masks/labels.ts';
import type { Project } from '../../src/project/index.ts';
import { decodeLabelPng } from '../../src/project/png.ts';
import type { ServedProject } from '../../src/server/session.ts';
import { servedForSpec } from './fixture.ts';
import { generatedProject } from './generated-fixture.ts';

/** the bar: every review view works on a laptop screen and on a 1024×768 one */
export const VIEWPORTS = [
  { width: 1440, height: 900 },
  { width: 1024, height: 768 },
] as const;

export type Viewport = (typeof VIEWPORTS)[number];

/** `N` demo scenes with masks from a real job, served before the spec file's tests. */
export function servedGenerated(n: number, prefix: string): { readonly served: ServedProject; readonly images: { id: number; name: string }[] } {
  const spec = servedForSpec(() => generatedProject(n, prefix), 180_000);
  return {
    get served(): ServedProject {
      return spec.served;
    },
    get images(): { id: number; name: string }[] {
      return spec.made.images;
    },
  };
}

/** the image's current labels as stored */
export function currentLabels(p: Project, id: number): { labels: Uint8Array; width: number; height: number } {
  const cur = p.currentMask(id);
  if (!cur) throw new Error(`image ${id} has no mask`);
  return decodeLabelPng(cur.png);
}

/** pixels per label of the image's current mask */
export function pixelsPerLabel(p: Project, id: number): Map<number, number> {
  const h = histogram(currentLabels(p, id).labels);
  const out = new Map<number, number>();
  h.forEach((n, v) => n && v !== 0 && out.set(v, n));
  return out;
}

/** The screen point over image pixel (x, y) in the editor (from the stage's box). */
export async function screenPoint(page: Page, x: number, y: number, width: number, height: number): Promise<{ x: number; y: number }> {
  const box = (await page.locator('.rs-stage').boundingBox())!;
  return { x: box.x + ((x + 0.5) * box.width) / width, y: box.y + ((y + 0.5) * box.height) / height };
}

/** a file name for a screenshot of `what` at this size */
export function shot(what: string, vp: Viewport): string {
  return `test-results/${what}-${vp.width}x${vp.height}.png`;
}
