// CC0 textures shipped with scikit-image (brick, grass, gravel; 512×512 grayscale PNGs),
// decoded to one gray channel with sharp. Found in Debian's python3-skimage, or SKIMAGE_DATA_DIR.
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { StudioError } from '../contract/errors.ts';

export const TEXTURE_NAMES = ['brick', 'grass', 'gravel'] as const;
export type TextureName = (typeof TEXTURE_NAMES)[number];

export interface GrayImage { width: number; height: number; data: Uint8Array }

const CANDIDATE_DIRS = [
  process.env.SKIMAGE_DATA_DIR,
  '/usr/lib/python3/dist-packages/skimage/data',
  '/usr/local/lib/python3/dist-packages/skimage/data',
].filter((d): d is string => typeof d === 'string' && d.length > 0);

export function findTextureDir(): string {
  for (const dir of CANDIDATE_DIRS) if (existsSync(path.join(dir, 'brick.png'))) return dir;
  throw new StudioError('NOT_FOUND', `scikit-image textures (brick.png) not found in ${CANDIDATE_DIRS.join(', ')}; install Debian's python3-skimage or set SKIMAGE_DATA_DIR`);
}

export async function loadTexture(name: TextureName, dir = findTextureDir()): Promise<GrayImage> {
  const file = path.join(dir, `${name}.png`);
  try {
    const { data, info } = await sharp(file).greyscale().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) throw new Error(`expected 1 channel after greyscale, got ${info.channels}`);
    return { width: info.width, height: info.height, data: new Uint8Array(data) };
  } catch (e) {
    throw new StudioError('BAD_REQUEST', `${file}: cannot decode texture (${(e as Error).message})`);
  }
}

export async function loadTextures(dir = findTextureDir()): Promise<GrayImage[]> {
  return Promise.all(TEXTURE_NAMES.map((n) => loadTexture(n, dir)));
}
