// Raw CAM arrays: cams/<stem>_c<k>.npy, float32 (h, w) C order, one per (image, class),
// at feature resolution as stored (default) or bilinear to the image size — the values
// as stored (float16 → float32), not normalised. Which map when an image has several for
// a class: the one matching `cam` (model/method/layer) if given, else the one matching
// the current mask's provenance, else the newest. cams.json lists every file with its
// image, class and source; classes.txt as in the VOC export.
import { decodeFloat16 } from '../masks/float16.ts';
import { encodeNpyFloat32 } from '../masks/npy.ts';
import { resizeBilinear } from '../masks/resize.ts';
import type { Project } from '../project/index.ts';
import { classNamesByIndex, lines, type ExportWriter } from './files.ts';
import type { ExportItem, ExportOptions, ExportReport } from './types.ts';

export function writeCams(project: Project, items: ExportItem[], opts: ExportOptions, w: ExportWriter, report: ExportReport): void {
  const names = classNamesByIndex(project.listClasses());
  const manifest: unknown[] = [];
  for (let k = 0; k < items.length; k++) {
    const it = items[k];
    opts.onProgress?.({ done: k, total: items.length, file: it.name });
    const want = opts.cam;
    let cams = project.cams.forImage(it.id).filter(
      (c) => !want || ((!want.modelHash || c.modelHash === want.modelHash) && (!want.method || c.method === want.method) && (!want.layer || c.layer === want.layer)),
    );
    if (cams.length === 0) continue;
    const prov = want ? undefined : project.currentMask(it.id)?.version.provenance;
    const byClass = new Map<number, (typeof cams)[number]>();
    for (const c of cams) {
      const matches = prov && c.modelHash === prov.modelHash && c.method === prov.method && c.layer === prov.layer;
      const cur = byClass.get(c.classIndex);
      // rows come newest first, so the first seen is the newest; a provenance match wins over it
      if (!cur || (matches && !(prov && cur.modelHash === prov.modelHash && cur.method === prov.method && cur.layer === prov.layer))) {
        byClass.set(c.classIndex, c);
      }
    }
    cams = [...byClass.values()].sort((a, b) => a.classIndex - b.classIndex);
    for (const c of cams) {
      let data = decodeFloat16(c.data);
      let shape = [c.h, c.w];
      if (opts.camResolution === 'image') {
        data = resizeBilinear(data, c.w, c.h, it.width, it.height);
        shape = [it.height, it.width];
      }
      const file = `cams/${it.stem}_c${c.classIndex}.npy`;
      w.write(file, encodeNpyFloat32(data, shape));
      manifest.push({ file, image: it.name, imageId: it.id, split: it.split, class: c.classIndex, className: names[c.classIndex] ?? `unused_${c.classIndex}`, shape, modelHash: c.modelHash, method: c.method, layer: c.layer });
    }
    report.images++;
  }
  opts.onProgress?.({ done: items.length, total: items.length });
  w.write('cams.json', `${JSON.stringify(manifest, null, 1)}\n`);
  w.write('classes.txt', lines(names));
}
