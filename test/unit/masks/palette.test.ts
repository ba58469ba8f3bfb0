// The default class colours: the table is the documented procedure's output, every colour
// reads against dark and light images (WCAG 3:1 against black and white), and the first
// ones are far apart (CIEDE2000) — unlike the VOC colour map they replace.
import { describe, expect, it } from 'vitest';
import { cielab, contrastRatio, contrastingBW, deltaE2000, relativeLuminance, type Rgb } from '../../../src/masks/color-science.ts';
import { computeDefaultPalette, defaultClassColor, defaultClassColors, MIN_IMAGE_CONTRAST, parseHexColor, vocColor } from '../../../src/masks/palette.ts';

const rgb = (hex: string): Rgb => parseHexColor(hex.startsWith('#') ? hex : `#${hex}`);
const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];

function minPairwiseDeltaE(colors: readonly Rgb[]): number {
  let min = Infinity;
  for (let i = 0; i < colors.length; i++) for (let j = i + 1; j < colors.length; j++) min = Math.min(min, deltaE2000(cielab(colors[i]), cielab(colors[j])));
  return min;
}

describe('colour science', () => {
  it('matches the published values', () => {
    expect(relativeLuminance(WHITE)).toBeCloseTo(1, 6);
    expect(contrastRatio(BLACK, WHITE)).toBeCloseTo(21, 6);
    expect(contrastRatio([119, 119, 119], WHITE)).toBeCloseTo(4.48, 2); // WCAG's #777 example
    const white = cielab(WHITE);
    expect(white[0]).toBeCloseTo(100, 3);
    expect(Math.abs(white[1]) + Math.abs(white[2])).toBeLessThan(0.01);
    // Sharma, Wu & Dalal (2005), test data pairs 1, 7 and 17
    expect(deltaE2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4);
    expect(deltaE2000([50, 0, 0], [50, -1, 2])).toBeCloseTo(2.3669, 4);
    expect(deltaE2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4);
  });
});

describe('the default class palette', () => {
  const table = defaultClassColors();

  it('is the output of the documented procedure', () => {
    expect(table).toHaveLength(254);
    expect(computeDefaultPalette()).toEqual(table);
    expect(defaultClassColor(1)).toBe(`#${table[0]}`);
    expect(() => defaultClassColor(255)).toThrow(/no default colour/);
  });

  it('reads against dark and light images: every colour is at least 3:1 against black and against white', () => {
    for (const hex of table) {
      expect(contrastRatio(rgb(hex), BLACK), hex).toBeGreaterThanOrEqual(MIN_IMAGE_CONTRAST);
      expect(contrastRatio(rgb(hex), WHITE), hex).toBeGreaterThanOrEqual(MIN_IMAGE_CONTRAST);
    }
    // the VOC colours it replaces fail this (#400000 is 1.4:1 against black)
    const vocFails = Array.from({ length: 10 }, (_, k) => rgb(vocColor(k + 1))).filter((c) => contrastRatio(c, BLACK) < 3 || contrastRatio(c, WHITE) < 3);
    expect(vocFails.length).toBeGreaterThanOrEqual(4);
  });

  it('keeps the first colours far apart, far more than the VOC colour map did', () => {
    const ours = minPairwiseDeltaE(table.slice(0, 10).map(rgb));
    const voc = minPairwiseDeltaE(Array.from({ length: 10 }, (_, k) => rgb(vocColor(k + 1))));
    expect(ours).toBeGreaterThan(20);
    expect(ours).toBeGreaterThan(2 * voc);
    expect(minPairwiseDeltaE(table.slice(0, 24).map(rgb))).toBeGreaterThan(12);
    // and no colour is a grey (grey means "no class" and is part of the ignore hatch)
    for (const hex of table.slice(0, 40)) expect(deltaE2000(cielab(rgb(hex)), cielab([128, 128, 128])), hex).toBeGreaterThan(10);
  });

  it('gives every colour a halo that contrasts with it more than the other choice', () => {
    for (const hex of table) {
      const c = rgb(hex);
      const halo = contrastingBW(c);
      const other: Rgb = halo[0] === 0 ? WHITE : BLACK;
      expect(contrastRatio(c, halo)).toBeGreaterThanOrEqual(contrastRatio(c, other));
    }
  });
});
