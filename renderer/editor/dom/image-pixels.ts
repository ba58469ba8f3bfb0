// An image's RGB bytes as the browser decoded it, read back from a canvas it was drawn on:
// what the edge-following tools (the smart region) and the compare view's refinement read.

/** The first width×height pixels of `ctx` as packed RGB (alpha dropped). */
export function canvasRgb(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, width: number, height: number): Uint8Array {
  const rgba = ctx.getImageData(0, 0, width, height).data;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i];
    rgb[j + 1] = rgba[i + 1];
    rgb[j + 2] = rgba[i + 2];
  }
  return rgb;
}
