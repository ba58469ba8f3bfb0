// A label map as the editor holds it: one uint8 label per pixel, row-major. 0 is
// background, 1..254 project classes, 255 ignore (the store's convention, restated here
// because the renderer imports nothing from src/ but the contract).
export const BACKGROUND = 0;
export const IGNORE = 255;

export interface LabelMap {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export function emptyLabels(width: number, height: number): LabelMap {
  return { width, height, data: new Uint8Array(width * height) };
}

/** Per-label pixel counts. */
export function labelHistogram(data: Uint8Array): Uint32Array {
  const h = new Uint32Array(256);
  for (let i = 0; i < data.length; i++) h[data[i]]++;
  return h;
}
