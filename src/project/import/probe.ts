// Reading an image's header (size, EXIF orientation, format) and, optionally, decoding it
// once to prove it is readable and make its thumbnail.
import sharp from 'sharp';
import { renderThumbnail } from '../thumbnails.ts';

export interface ImageProbe {
  /** displayed size: after EXIF orientation */
  width: number;
  height: number;
  orientation: number;
  format: string;
  thumbnail?: Buffer;
}

export async function probeImage(file: string, withThumbnail: boolean): Promise<ImageProbe> {
  const meta = await sharp(file).metadata();
  if (!meta.width || !meta.height || !meta.format) throw new Error('no image size in the header');
  const orientation = meta.orientation ?? 1;
  // orientations 5–8 rotate by 90°: the image is shown with width and height swapped
  const swap = orientation >= 5 && orientation <= 8;
  const probe: ImageProbe = {
    width: swap ? meta.height : meta.width,
    height: swap ? meta.width : meta.height,
    orientation,
    format: meta.format,
  };
  if (withThumbnail) probe.thumbnail = await renderThumbnail(file);
  return probe;
}
