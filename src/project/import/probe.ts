// Reading an image's header (size, EXIF orientation, format) and, optionally, decoding it
// once to prove it is readable and make its thumbnail. The bytes come from the image
// reader (fs/image-file.ts); a header declaring more pixels than the studio reads is
// refused here, at import, not when a job later tries to decode it.
import sharp from 'sharp';
import { checkImagePixels } from '../../fs/image-file.ts';
import { renderThumbnail } from '../thumbnails.ts';

export interface ImageProbe {
  /** displayed size: after EXIF orientation */
  width: number;
  height: number;
  orientation: number;
  format: string;
  thumbnail?: Buffer;
}

export async function probeImage(file: string, bytes: Uint8Array, withThumbnail: boolean): Promise<ImageProbe> {
  const meta = await sharp(bytes).metadata(); // the header only: our pixel rule speaks first
  if (!meta.width || !meta.height || !meta.format) throw new Error('no image size in the header');
  checkImagePixels(file, meta.width, meta.height);
  const orientation = meta.orientation ?? 1;
  // orientations 5–8 rotate by 90°: the image is shown with width and height swapped
  const swap = orientation >= 5 && orientation <= 8;
  const probe: ImageProbe = {
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    orientation,
    format: meta.format,
  };
  if (withThumbnail) probe.thumbnail = await renderThumbnail(bytes);
  return probe;
}
