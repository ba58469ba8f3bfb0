// The three CC0 textures of the 'textured' tier (brick, grass, gravel; 512×512 grayscale
// PNGs from scikit-image's sample data, committed in textures/ with their credits in
// textures/README.md), decoded to one gray channel with sharp.
import path from 'node:path';
import sharp from 'sharp';

export const TEXTURE_NAMES = ['brick', 'grass', 'gravel'] as const;
export type TextureName = (typeof TEXTURE_NAMES)[number];

export const TEXTURE_DIR = path.join(import.meta.dirname, 'textures');

export interface GrayImage { width: number; height: number; data: Uint8Array }

export async function loadTexture(name: TextureName, dir = TEXTURE_DIR): Promise<GrayImage> {
  const file = path.join(dir, `${name}.png`);
  try {
    const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected 1 channel after greyscale, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(data) };
  } catch (e) {
    throw new Error(`${file}: cannot decode texture (${(e as Error).message})`);
  }
}

export async function loadTextures(dir = TEXTURE_DIR): Promise<GrayImage[]> {
  return Promise.all(TEXTURE_NAMES.map((n) => loadTexture(n, dir)));
}
