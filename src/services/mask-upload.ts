// What a mask upload (saveMask from the editor or the HTTP API) must be before it is
// stored: a grayscale PNG of the image's size — judged from its header, so a small file
// that declares a huge image is refused before anything is inflated — whose every value
// is background (0), ignore (255) or one of the project's classes.
import { StudioError } from '../contract/errors.ts';
import { decodeLabelPng } from '../project/png.ts';
import type { Project } from '../project/index.ts';

export function checkMaskUpload(project: Project, imageId: number, png: Uint8Array): void {
  const img = project.images.get(imageId);
  const file = `mask for image ${imageId} (${img.name})`;
  const m = decodeLabelPng(png, file, { expect: { width: img.width, height: img.height } });
  if (m.palette) throw new StudioError('BAD_REQUEST', `${file}: expected an 8-bit grayscale label map, got an indexed PNG`);
  const allowed = new Uint8Array(256);
  allowed[0] = allowed[255] = 1;
  for (const c of project.classes.list()) allowed[c.index] = 1;
  const seen = new Uint8Array(256);
  for (let i = 0; i < m.labels.length; i++) seen[m.labels[i]] = 1;
  const bad: number[] = [];
  for (let v = 0; v < 256; v++) if (seen[v] && !allowed[v]) bad.push(v);
  if (bad.length) {
    const list = bad.slice(0, 8).join(', ') + (bad.length > 8 ? ', …' : '');
    throw new StudioError('BAD_REQUEST', `${file}: label value${bad.length > 1 ? 's' : ''} ${list} ${bad.length > 1 ? 'are' : 'is'} no class of this project (0 background, 255 ignore, 1..${Math.max(0, ...project.classes.list().map((c) => c.index))} classes)`);
  }
}
