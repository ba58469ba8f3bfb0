// Colour tables for the label and heatmap layers. Pixels are packed RGBA in a Uint32
// (little-endian: 0xAABBGGRR), the layout ImageData uses on every platform we ship to.
// Class colours and the outline halo come from the mask kernel (src/masks/overlay.ts), so
// the editor, the previews and the grid's overlays draw a mask the same way.
import { overlayColors, rgba, type OverlayColors } from '../../src/masks/overlay.ts';

export { rgba } from '../../src/masks/overlay.ts';

const HATCH_ON = rgba(236, 236, 236, 230);
const HATCH_OFF = rgba(20, 20, 24, 150);

/** The ignore hatch: 45° stripes, 3 of every 8 pixels light, fixed to image pixels. */
export function hatchAt(x: number, y: number): number {
  return ((x + y) & 7) < 3 ? HATCH_ON : HATCH_OFF;
}

/** The editor's label colours: the project's classes, ignore hatched. */
export function labelColors(classes: readonly { index: number; color: string }[]): OverlayColors {
  return overlayColors(classes, hatchAt);
}

// A perceptually ordered heatmap (dark blue → cyan → green → yellow → red); alpha rises
// with the value, so cold regions leave the image readable.
const STOPS: [number, number, number, number][] = [
  [0.0, 48, 18, 59],
  [0.25, 40, 140, 230],
  [0.5, 40, 220, 120],
  [0.75, 250, 200, 40],
  [1.0, 200, 30, 20],
];

/** 256-entry colormap for values in [0, 1]. */
export function heatLut(): Uint32Array {
  const lut = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const v = i / 255;
    let k = 0;
    while (k < STOPS.length - 2 && v > STOPS[k + 1][0]) k++;
    const [v0, r0, g0, b0] = STOPS[k];
    const [v1, r1, g1, b1] = STOPS[k + 1];
    const t = (v - v0) / (v1 - v0);
    const a = Math.round(40 + 215 * Math.min(1, v * 1.4));
    lut[i] = rgba(Math.round(r0 + (r1 - r0) * t), Math.round(g0 + (g1 - g0) * t), Math.round(b0 + (b1 - b0) * t), a);
  }
  return lut;
}
