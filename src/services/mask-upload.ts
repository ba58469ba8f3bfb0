// What a mask upload (saveMask from the editor or the HTTP API) must be before it goes to
// the mask door: a grayscale PNG of the image's size — judged from its header, so a small
// file that declares a huge image is refused before anything is inflated. Its label values
// are checked against the classes by the door itself (project/mask-writes.ts), for every
// source, at write time.
import { decodeLabelPng } from '../project/png.ts';
import type { Project } from '../project/index.ts';

export function checkMaskUpload(project: Project, imageId: number, png: Uint8Array): void {
  const img = project.images.get(imageId);
  decodeLabelPng(png, `mask for image ${imageId} (${img.name})`, { expect: { width: img.width, height: img.height } });
}
