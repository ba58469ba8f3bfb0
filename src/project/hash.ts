// Content hashes of image files, read under the image-file rule (fs/image-file.ts).
import { createHash } from 'node:crypto';
import { readImageFile } from '../fs/image-file.ts';

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** sha256 hex of an image file's bytes and its size. */
export async function hashFile(file: string): Promise<{ hash: string; size: number }> {
  const bytes = await readImageFile(file);
  return { hash: hashBytes(bytes), size: bytes.length };
}
