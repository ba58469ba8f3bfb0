// Colour tables: the VOC colour map of exported indexed PNGs, and the studio's default class
// colours.
//
// The default class colours (DEFAULT_CLASS_COLORS) are computed, not hand-picked, by this
// procedure (computeDefaultPalette; a test checks the table is its output and its properties):
//   1. Candidates: the sRGB cube sampled at 18 levels per channel (step 15).
//   2. Contrast: keep the colours whose WCAG 2 contrast ratio is at least 3:1 against black
//      AND against white (relative luminance Y in [0.10, 0.30]) — a mask drawn over a dark
//      image and over a light one stays readable (3:1 is WCAG's bar for graphical objects).
//   3. Distinctness: greedy farthest-point selection by CIEDE2000: each next colour is the
//      candidate whose smallest ΔE to the colours chosen so far — and to neutral greys, kept
//      for "no class" and the ignore hatch — is largest; ties go to the earlier candidate.
//      The first colours are the most distinct set the band allows (the first ten differ by
//      ΔE ≥ 23), and class k always gets the same colour.
// The old default, the VOC colour map, fails step 2 for most classes (#400000 is 1.4:1
// against black) and gives near-identical reds (#800000, #400000, #c00000).
import { StudioError } from '../contract/errors.ts';
import { cielab, deltaE2000, relativeLuminance, type Rgb } from './color-science.ts';

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

const hex2 = (v: number) => v.toString(16).padStart(2, '0');
function toHex(r: number, g: number, b: number): string {
  return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
}

/** '#rrggbb' of VOC index k (the VOC export's colour map). */
export function vocColor(k: number): string {
  return toHex(VOC[k * 3], VOC[k * 3 + 1], VOC[k * 3 + 2]);
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

// ---- the default class colours ----

/** the contrast every default class colour has against black and against white */
export const MIN_IMAGE_CONTRAST = 3;
/** one default colour per possible class index (1..254) */
const PALETTE_SIZE = 254;

/** The procedure above: `count` colours as 'rrggbb' (no '#'), class 1 first. */
export function computeDefaultPalette(count = PALETTE_SIZE, step = 15): string[] {
  const rgb: Rgb[] = [];
  for (let r = 0; r <= 255; r += step) {
    for (let g = 0; g <= 255; g += step) {
      for (let b = 0; b <= 255; b += step) {
        const y = relativeLuminance([r, g, b]);
        // (Y + 0.05) / 0.05 ≥ 3 against black, 1.05 / (Y + 0.05) ≥ 3 against white
        if (y >= 0.1 && y <= 0.3) rgb.push([r, g, b]);
      }
    }
  }
  const lab = rgb.map(cielab);
  const nearest = new Float64Array(rgb.length).fill(Infinity);
  const take = (p: readonly [number, number, number]) => {
    for (let i = 0; i < lab.length; i++) {
      const d = deltaE2000(lab[i], p);
      if (d < nearest[i]) nearest[i] = d;
    }
  };
  for (const v of [105, 120, 135, 150]) take(cielab([v, v, v]));
  const out: string[] = [];
  while (out.length < Math.min(count, rgb.length)) {
    let best = 0;
    for (let i = 1; i < nearest.length; i++) if (nearest[i] > nearest[best]) best = i;
    out.push(rgb[best].map((v) => hex2(v)).join(''));
    take(lab[best]);
    nearest[best] = -1;
  }
  return out;
}

/** computeDefaultPalette()'s output (computing it takes ~0.5 s, so it is kept here) */
const DEFAULT_CLASS_COLORS: readonly string[] = [
  '6900ff', 'ff0000', 'ff3cd2', '00a500', '0087ff', 'c38700', 'b4004b', '00693c', '874b00', '00a596', '696900', '8769a5', 'c37878', '2d5a96',
  '0f7887', '96965a', 'a50f96', '875a5a', 'ff1e78', '8778ff', 'c3692d', 'b40f0f', '69785a', 'a58769', 'c31eff', '6996a5', '695a3c', 'b487a5',
  '3c7800', '5a5a78', 'b45a87', '5a9669', '2d5aff', '8787a5', 'd23c4b', '784b69', '3c7869', 'ff5a5a', '966900', '694bb4', '5a7896', 'b478d2',
  '789600', 'a59600', '87784b', '967878', '96694b', '0087b4', 'ff5a00', '879687', '964b2d', '963c3c', 'b44bb4', '786978', 'e10096', '4b6969',
  'e169a5', '00873c', '7896c3', 'c33c00', 'd2785a', '0096a5', '875ae1', 'b45a69', 'a500d2', '69873c', '874b96', 'c3874b', 'b48778', 'e17800',
  '2d6987', '6969b4', '785a4b', 'a5873c', '877869', '4b693c', 'b45a4b', '5a8787', '69693c', '9687d2', '878769', 'd25aff', '00a55a', 'a53c69',
  '0078c3', '695a5a', 'd22d69', '006969', '5a78e1', '877800', '785a1e', '788796', '966978', 'b46900', '699687', 'ff5a78', 'a55a1e', 'c369b4',
  '968796', 'e1001e', 'ff003c', '008787', '0096e1', '00690f', '008769', '003cff', '69695a', 'e100d2', '787887', 'f05a3c', '5a6978', '0069e1',
  'a5783c', 'c3002d', '695a96', '967896', 'ff2da5', '4b963c', 'b40078', '964b5a', 'a569f0', '4b5ac3', '962dff', '87872d', '697878', 'd24b2d',
  'd26987', 'e1783c', '4b695a', 'b47887', '964bc3', '965a87', '3c784b', 'e14b00', 'ff00ff', '879696', '785a69', '968787', '78875a', 'ff0f5a',
  '695a00', 'b4785a', '4b7887', '7878a5', '965a4b', 'a587b4', '967869', '69781e', '00a578', '694bff', '789678', '5a87b4', 'd2004b', '78692d',
  '785a87', 'c300b4', '4b5a87', '87693c', '968769', 'a56969', 'c35ad2', '00695a', '6969f0', '875a2d', '4b691e', '008700', 'a569b4', '963c78',
  '8769c3', 'b48787', '2d96b4', 'd25a69', 'e13c87', '5a6987', '4b69a5', '5a783c', 'e13cb4', '7887f0', '3c7878', '7887a5', '5a8700', '7878d2',
  '695a4b', '69a50f', 'b43c96', '5a8769', 'a53c00', 'c378a5', '4b9696', 'a53c2d', 'd2695a', '3c694b', '5a3cd2', '0069a5', '2d6978', '78965a',
  '6996b4', '78783c', '3c8796', '3c9678', 'b43c4b', 'b44b2d', 'a57800', '5a5a69', '5aa55a', '0f7896', '2d782d', '696996', 'c30069', '876969',
  '4b874b', '787869', '876987', '4b8778', '4b9600', '7887c3', 'a56996', 'a58700', '698778', '695a78', 'b45a2d', '1ea5a5', '872db4', 'a5695a',
  '965a00', '9678b4', '695ad2', '5a694b', '5a7869', '697887', 'c37800', '878796', '87695a', 'e11e00', '786969', '968778', '78785a', '5a5aa5',
  'e14b4b', '1e78f0', '78695a', '5a78b4', '877878', '696978', '78963c', '78694b', 'd2693c', '878778', '695a69', '5a5a5a', '5a96d2', '1e785a',
  'a55ad2', '785a3c',
];

/** '#rrggbb' of project class k (1..254) when created without a colour. */
export function defaultClassColor(k: number): string {
  if (!Number.isInteger(k) || k < 1 || k > PALETTE_SIZE) throw new StudioError('BAD_REQUEST', `class index ${k} has no default colour (1..${PALETTE_SIZE})`);
  return `#${DEFAULT_CLASS_COLORS[k - 1]}`;
}

/** the table itself, for its test */
export const defaultClassColors = (): readonly string[] => DEFAULT_CLASS_COLORS;
