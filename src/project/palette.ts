// The PASCAL-VOC colour map: index k's colour interleaves k's bits into r, g, b from the
// top bit down. Class colours default to it so an exported indexed PNG looks like VOC.

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
    out.set([r, g, b], k * 3);
  }
  return out;
}

const PALETTE = vocPalette();

/** '#rrggbb' of VOC index k. */
export function vocColor(k: number): string {
  const hex = (v: number) => v.toString(16).padStart(2, '0');
  return `#${hex(PALETTE[k * 3])}${hex(PALETTE[k * 3 + 1])}${hex(PALETTE[k * 3 + 2])}`;
}

/** The 20 PASCAL-VOC classes in label order (index 1..20). */
export const VOC_CLASSES: readonly string[] = [
  'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair', 'cow',
  'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor',
];
