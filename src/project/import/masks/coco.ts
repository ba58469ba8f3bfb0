// COCO mask import: an instances JSON's segmentations — compressed RLE strings,
// uncompressed count lists, or polygons (rasterised even–odd, pixel centres; see
// src/masks/polygon-fill.ts) — painted into one label map per listed image (an image
// with no annotation gets an all-background mask). Categories map to project classes
// by name. Annotations are painted in id order, so a later one wins where they overlap.
// Images match by file_name = the project image's name, else by a unique base name.
import { readFileSync } from 'node:fs';
import { StudioError } from '../../../contract/errors.ts';
import { fillPolygonsEvenOdd } from '../../../masks/polygon-fill.ts';
import { rleDecode, rleFromString } from '../../../masks/rle.ts';
import type { Project } from '../../project.ts';
import { classesByName, type MaskImportPlan, type PlannedMask } from './plan.ts';

interface CocoImage {
  id: number;
  file_name: string;
  width: number;
  height: number;
}
interface CocoAnnotation {
  id: number;
  image_id: number;
  category_id: number;
  segmentation: number[][] | { size: [number, number]; counts: string | number[] };
}
interface CocoFile {
  images?: CocoImage[];
  annotations?: CocoAnnotation[];
  categories?: { id: number; name: string }[];
}

export function planCocoImport(project: Project, file: string): MaskImportPlan {
  let coco: CocoFile;
  try {
    coco = JSON.parse(readFileSync(file, 'utf8')) as CocoFile;
  } catch (err) {
    throw new StudioError('BAD_REQUEST', `${file}: not a readable COCO JSON file (${(err as Error).message})`);
  }
  if (!Array.isArray(coco.images) || !Array.isArray(coco.categories)) {
    throw new StudioError('BAD_REQUEST', `${file}: not a COCO instances file (needs "images" and "categories" lists)`);
  }
  const classes = classesByName(project);
  const catClass = new Map<number, number | string>();
  for (const c of coco.categories) catClass.set(c.id, classes.get(c.name) ?? c.name);
  // grouped by appending (never by copying the list so far: 40 000 annotations of one image stay linear)
  const byImage = new Map<number, CocoAnnotation[]>();
  for (const a of coco.annotations ?? []) {
    const list = byImage.get(a.image_id);
    if (list) list.push(a);
    else byImage.set(a.image_id, [a]);
  }

  const images = project.allImages({ sort: 'id' });
  const byName = new Map(images.map((i) => [i.name, i]));
  const byBase = new Map<string, typeof images>();
  for (const i of images) {
    const b = i.name.split('/').pop()!;
    const list = byBase.get(b);
    if (list) list.push(i);
    else byBase.set(b, [i]);
  }

  const items: PlannedMask[] = coco.images.map((ci) => {
    const where = `${file}: image ${ci.file_name}`;
    const base = String(ci.file_name).split('/').pop()!;
    const match = byName.get(ci.file_name) ?? (byBase.get(base)?.length === 1 ? byBase.get(base)![0] : undefined);
    if (!match) return { file: where, error: byBase.get(base)?.length ? `'${base}' matches several project images; use the full name` : 'not in the project' };
    if (ci.width !== match.width || ci.height !== match.height) {
      return { file: where, error: `size ${ci.width}x${ci.height} in the JSON, the project image is ${match.width}x${match.height}` };
    }
    const anns = [...(byImage.get(ci.id) ?? [])].sort((a, b) => a.id - b.id);
    const missing = [...new Set(anns.map((a) => catClass.get(a.category_id)).filter((c) => typeof c !== 'number'))];
    if (missing.length) return { file: where, error: `categories not in the project: ${missing.map((m) => (m === undefined ? '(undeclared id)' : m)).join(', ')}` };
    return {
      file: where,
      imageId: match.id,
      build: () => {
        const { width: w, height: h } = match;
        const labels = new Uint8Array(w * h);
        for (const a of anns) {
          const m = annotationMask(a, w, h);
          const v = catClass.get(a.category_id) as number;
          for (let i = 0; i < m.length; i++) if (m[i]) labels[i] = v;
        }
        return labels;
      },
    };
  });
  return { items };
}

function annotationMask(a: CocoAnnotation, w: number, h: number): Uint8Array {
  const s = a.segmentation;
  if (Array.isArray(s)) {
    s.forEach((ring, k) => {
      if (!Array.isArray(ring) || ring.length < 6 || ring.length % 2 !== 0) throw new Error(`annotation ${a.id}: polygon ${k} is not a list of at least 3 x, y pairs`);
      const bad = ring.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
      if (bad >= 0) throw new Error(`annotation ${a.id}: polygon ${k} point value ${bad} is ${JSON.stringify(ring[bad])}, not a number`);
    });
    return fillPolygonsEvenOdd(s, w, h);
  }
  if (!s || !Array.isArray(s.size)) throw new Error(`annotation ${a.id}: unknown segmentation`);
  if (s.size[0] !== h || s.size[1] !== w) throw new Error(`annotation ${a.id}: RLE size ${s.size[0]}x${s.size[1]} (h×w), the image is ${h}x${w}`);
  const counts = typeof s.counts === 'string' ? rleFromString(s.counts) : s.counts;
  return rleDecode({ size: [h, w], counts });
}
