// Colour tables for indexed label PNGs. The VOC colour map interleaves the bits of index k
// into r, g, b from the top bit down (so 255 = (224, 224, 192), VOC's ignore colour); the
// project store's default class colours.
import { StudioError } from '../contract/errors.ts';

/** rgb triples for indices 0..255 (768 bytes). */
export function vocPalette(): Uint8Array {
  const out = new Uint8Array(256 * 3);
  for (let k = 0; k < 256; k++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let c = k;
    for (let bit = 7; bit >= 0; bit--) {
      r |= (c & 1) << bit;
      g |= ((c >> 1) & 1) << bit;
      b |= ((c >> 2) & 1) << bit;
      c >>= 3;
    }
    out[k * 3] = r;
    out[k * 3 + 1] = g;
    out[k * 3 + 2] = b;
  }
  return out;
}

const VOC = vocPalette();

/** '#rrggbb' of VOC index k: the default colour of project class k. */
export function vocColor(k: number): string {
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return `#${hex(VOC[k * 3])}${hex(VOC[k * 3 + 1])}${hex(VOC[k * 3 + 2])}`;
}

/** The 20 PASCAL-VOC classes in label order (index 1..20). */
export const VOC_CLASSES: readonly string[] = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
];

/** '#rrggbb' → [r, g, b]. */
export function parseHexColor(color: string): [number, number, number] {
  const m = /^#([0-9a-fA-F]{6})$/.exec(color);
  if (!m) throw new StudioError('BAD_REQUEST', `colour '${color}' is not #rrggbb`);
  const v = parseInt(m[1], 16);
  return [(v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff];
}

/**
 * The VOC palette with the given classes' colours at their indices (background and
 * ignore keep VOC's black and (224, 224, 192)).
 */
export function classPalette(classes: readonly { index: number; color: string }[]): Uint8Array {
  const p = vocPalette();
  for (const c of classes) {
    if (c.index < 1 || c.index > 254) continue;
    p.set(parseHexColor(c.color), c.index * 3);
  }
  return p;
}
