// Class colours are mid-luminance at best (the default palette keeps 3:1 against black and
// white) and dark in older projects (VOC colours such as #000080, #400000): fine for masks
// over an image, hard to read as text accents on a dark UI. For chips the UI lifts a
// colour's lightness, keeping its hue, so every class stays recognisable.
export function uiColor(hex: string, minLightness = 0.62): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1], 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => v / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (l >= minLightness) return hex;
  const d = max - min;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  let h = 0;
  if (d !== 0) {
    if (max === r) h = ((g - b) / d) % 6;
    else if (max === g) h = (b - r) / d + 2;
    else h = (r - g) / d + 4;
  }
  const sat = Math.min(0.75, s);
  return `hsl(${Math.round(((h * 60) + 360) % 360)} ${Math.round(sat * 100)}% ${Math.round(minLightness * 100)}%)`;
}
