// A label map as the editor holds it: one uint8 label per pixel, row-major, with the
// store's values (src/masks/labels.ts: 0 background, 1..254 project classes, 255 ignore).
export { BACKGROUND, IGNORE } from '../../src/masks/labels.ts';

export interface LabelMap {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function emptyLabels(width: number, height: number): LabelMap {
  return { width, height, data: new Uint8Array(width * height) };
}

