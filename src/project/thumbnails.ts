// Thumbnails: JPEG, longest side ≤ 256 px, EXIF orientation applied, cached on disk under
// <project>/.cache/thumbs/<id>.jpg (a cache: deleting it is always safe).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { SHARP_LIMITS } from '../fs/image-file.ts';

export const THUMB_SIZE = 256;

export function thumbPath(projectDir: string, imageId: number): string {
  return join(projectDir, '.cache', 'thumbs', `${imageId}.jpg`);
}

/** Decodes the whole image (so a truncated file fails here) into a thumbnail; `bytes` as the image reader gave them. */
export async function renderThumbnail(bytes: Uint8Array): Promise<Buffer> {
  return sharp(bytes, { ...SHARP_LIMITS, failOn: 'truncated' })
    .rotate()
    .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: 80 })
    .toBuffer();
}

/** Writes via a temp file + rename so a reader never sees half a thumbnail; a failed write leaves no temp file. */
export function writeThumbnail(projectDir: string, imageId: number, bytes: Uint8Array): void {
  const file = thumbPath(projectDir, imageId);
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
