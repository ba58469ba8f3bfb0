// VOC mask import: SRC/SegmentationClass/*.png (or SRC/*.png), indexed or 8-bit
// grayscale, value = class index, 255 ignore. A PNG matches the image whose export stem
// (src/project/image-stems.ts) or plain file stem equals its own, so an export re-imports to
// the same images. With SRC/classes.txt (line k = name of value k, line 0 background —
// what our export writes) values are mapped to the project's classes by name;
// without it, values are project class indices.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readImageFileSync } from '../../../fs/image-file.ts';
import { basename, join } from 'node:path';
import { remapLabels, unknownValues } from '../../../masks/labels.ts';
import { decodeLabelPng } from '../../png.ts';
import type { Project } from '../../project.ts';
import { classesByName, type MaskImportPlan, type PlannedMask } from './plan.ts';
import { exportStems } from '../../image-stems.ts';

function stemOf(name: string): string {
  const base = name.split('/').pop()!;
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

export function planVocImport(project: Project, src: string): MaskImportPlan {
  const dir = existsSync(join(src, 'SegmentationClass')) ? join(src, 'SegmentationClass') : src;
  const files = readdirSync(dir)
    .filter((f) => f.toLowerCase().endsWith('.png'))
    .sort();
  const images = project.allImages({ sort: 'id' });
  const byStem = new Map<string, number>();
  for (const [id, stem] of exportStems(images)) byStem.set(stem, id);
  const plain = new Map<string, number[]>();
  for (const i of images) plain.set(stemOf(i.name), [...(plain.get(stemOf(i.name)) ?? []), i.id]);
  const sizes = new Map(images.map((i) => [i.id, i]));
  const known = project.listClasses().map((c) => c.index);

  // value table from classes.txt, when present
  let table: Uint8Array | undefined;
  const unknownNames = new Map<number, string>();
  const classesFile = join(src, 'classes.txt');
  if (existsSync(classesFile)) {
    const names = readFileSync(classesFile, 'utf8').split(/\r?\n/).map((l) => l.trim());
    while (names.length && names[names.length - 1] === '') names.pop();
    const project_ = classesByName(project);
    table = Uint8Array.from({ length: 256 }, (_, v) => v);
    names.forEach((n, v) => {
      if (v === 0 || v >= 255) return;
      const idx = project_.get(n);
      if (idx !== undefined) table![v] = idx;
      else if (!/^unused_\d+$/.test(n)) unknownNames.set(v, n);
    });
  }

  const items: PlannedMask[] = files.map((f) => {
    const file = join(dir, f);
    const stem = f.slice(0, -4);
    const ids = byStem.has(stem) ? [byStem.get(stem)!] : (plain.get(stem) ?? []);
    if (ids.length === 0) return { file, error: `no image in the project matches '${stem}'` };
    if (ids.length > 1) return { file, error: `'${stem}' matches ${ids.length} images; name the file by the export stem (path with '/' → '__')` };
    const imageId = ids[0];
    return {
      file,
      imageId,
      build: () => {
        const d = decodeLabelPng(new Uint8Array(readImageFileSync(file)), file);
        const img = sizes.get(imageId)!;
        if (d.width !== img.width || d.height !== img.height) {
          throw new Error(`${basename(file)} is ${d.width}x${d.height}, the image ${img.name} is ${img.width}x${img.height}`);
        }
        if (table) {
          const missing = [...unknownNames.keys()].filter((v) => d.labels.includes(v));
          if (missing.length) throw new Error(`classes not in the project: ${missing.map((v) => `${v} (${unknownNames.get(v)})`).join(', ')}`);
        }
        const labels = table ? remapLabels(d.labels, table) : d.labels;
        const bad = unknownValues(labels, known);
        if (bad.length) throw new Error(`label values ${bad.join(', ')} are not classes of the project (classes: ${known.join(', ') || 'none'})`);
        return labels;
      },
    };
  });
  return { items };
}
