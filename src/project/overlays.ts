// The grid's mask overlays: an image's current mask at thumbnail size, in the class colours
// (src/masks/overlay.ts: fill, or outline with a halo), as an RGBA PNG. Cached on disk like
// thumbnails, under <project>/.cache/overlays/<id>-<style>.bin (a cache: deleting it is
// always safe). A cache file starts with the key it was drawn for — mask version, style,
// class colours — so a new mask or a recoloured class draws it again, in the same file.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../contract/errors.ts';
import { overlayColors, paintOverlay, rgba, shrinkLabels, type OverlayStyle } from '../masks/overlay.ts';
import { decodeLabelPng } from './png.ts';
import type { Project } from './project.ts';
import { THUMB_SIZE } from './thumbnails.ts';

/** bump when the drawing changes: every cached overlay is drawn again */
const DRAWING_VERSION = 1;
/** ignore (255) at thumbnail size: a flat light tint (a hatch would be noise at this size) */
const IGNORE_TINT = rgba(230, 230, 230, 150);
const KEY_BYTES = 41; // 40 hex digits + '\n'

export function overlayPath(projectDir: string, imageId: number, style: OverlayStyle): string {
  return join(projectDir, '.cache', 'overlays', `${imageId}-${style}.bin`);
}

/**
 * The overlay PNG of the image's current mask (zero bytes: no mask). `classes`: the
 * project's class colours, when the caller read them already (a batch reads them once).
 */
export async function maskOverlay(project: Project, imageId: number, style: OverlayStyle, classes = project.classes.colors()): Promise<Uint8Array> {
  project.images.get(imageId); // NOT_FOUND first
  const version = project.masks.currentVersion(imageId);
  if (!version) return new Uint8Array(0);
  const key = createHash('sha1')
    .update(`${DRAWING_VERSION}|${version.id}|${style}|${classes.map((c) => `${c.index}:${c.color}`).join(',')}`)
    .digest('hex');
  const file = overlayPath(project.dir, imageId, style);
  try {
    const cached = readFileSync(file);
    if (cached.length > KEY_BYTES && cached.toString('latin1', 0, KEY_BYTES - 1) === key) return new Uint8Array(cached.buffer, cached.byteOffset + KEY_BYTES, cached.length - KEY_BYTES);
  } catch {
    // not cached yet
  }
  const png = await renderOverlay(project.masks.png(version.id), classes, style, `mask version ${version.id} of image ${imageId}`);
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, Buffer.concat([Buffer.from(`${key}\n`, 'latin1'), png]));
    renameSync(tmp, file);
  } catch {
    // a read-only or full disk: the overlay is still drawn, just not kept
  }
  return new Uint8Array(png);
}

/** A label PNG drawn as a thumbnail-sized overlay. */
export async function renderOverlay(labelPng: Uint8Array, classes: readonly { index: number; color: string }[], style: OverlayStyle, what: string): Promise<Buffer> {
  const m = decodeLabelPng(labelPng, what);
  const small = shrinkLabels(m.labels, m.width, m.height, THUMB_SIZE);
  const px = new Uint32Array(small.width * small.height);
  paintOverlay(small.data, small.width, small.height, 0, 0, small.width, small.height, overlayColors(classes, () => IGNORE_TINT), style, px);
  try {
    return await sharp(new Uint8Array(px.buffer), { raw: { width: small.width, height: small.height, channels: 4 } })
      .png({ compressionLevel: 6, palette: false })
      .toBuffer();
  } catch (err) {
    throw new StudioError('IO_ERROR', `${what}: cannot draw the overlay (${(err as Error).message.split('\n')[0]})`);
  }
}
