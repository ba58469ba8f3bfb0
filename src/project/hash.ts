// Content hashes by streaming: an image is never held whole in memory to hash it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 hex of the file's bytes and its size. */
export function hashFile(file: string): Promise<{ hash: string; size: number }> {
  return new Promise((resolveHash, reject) => {
    const h = createHash('sha256');
    let size = 0;
    createReadStream(file, { highWaterMark: 1 << 16 })
      .on('data', (chunk) => {
        size += chunk.length;
        h.update(chunk);
      })
      .on('error', reject)
      .on('end', () => resolveHash({ hash: h.digest('hex'), size }));
  });
}
