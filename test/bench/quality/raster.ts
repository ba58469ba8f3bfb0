// A tiny RGBA raster for the benchmark's figures: filled rectangles, thick lines, pasted
// images; text is collected as SVG <text> and composited by sharp (librsvg + fontconfig
// render it with the system's DejaVu/Liberation fonts), then the whole thing is a PNG.
import sharp from 'sharp';

export type Rgb = readonly [number, number, number];

/** a plot panel's place on the canvas, in pixels */
export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

interface Label {
  x: number;
  y: number;
  text: string;
  size: number;
  anchor: 'start' | 'middle' | 'end';
  color: Rgb;
  rotate: boolean;
  bold: boolean;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export class Canvas {
  readonly data: Uint8Array;
  private readonly labels: Label[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = [255, 255, 255],
  ) {
    this.data = new Uint8Array(width * height * 4);
    this.rect(0, 0, width, height, background);
  }

  pixel(x: number, y: number, c: Rgb, alpha = 1): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 4;
    for (let k = 0; k < 3; k++) this.data[o + k] = Math.round(this.data[o + k] * (1 - alpha) + c[k] * alpha);
    this.data[o + 3] = 255;
  }

  rect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = Math.max(0, Math.round(y)); yy < Math.min(this.height, Math.round(y + h)); yy++) {
      for (let xx = Math.max(0, Math.round(x)); xx < Math.min(this.width, Math.round(x + w)); xx++) this.pixel(xx, yy, c);
    }
  }

  /** a line of the given width; dash = [on, off] in pixels along the line */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb, width = 1, dash?: [number, number]): void {
    const len = Math.hypot(x1 - x0, y1 - y0);
    const steps = Math.max(1, Math.ceil(len * 2));
    const r = (width - 1) / 2;
    for (let s = 0; s <= steps; s++) {
      const t = s / steps;
      if (dash && (t * len) % (dash[0] + dash[1]) > dash[0]) continue;
      const x = x0 + (x1 - x0) * t;
      const y = y0 + (y1 - y0) * t;
      for (let dy = -Math.ceil(r); dy <= Math.ceil(r); dy++) {
        for (let dx = -Math.ceil(r); dx <= Math.ceil(r); dx++) if (dx * dx + dy * dy <= r * r + 0.5) this.pixel(x + dx, y + dy, c);
      }
    }
  }

  /** a filled square marker */
  marker(x: number, y: number, c: Rgb, size = 5): void {
    this.rect(x - size / 2, y - size / 2, size, size, c);
  }

  /** pastes an RGB (3 channels) image of w×h at (x, y), scaled by an integer factor */
  image(x: number, y: number, rgb: Uint8Array, w: number, h: number, scale = 1): void {
    for (let yy = 0; yy < h * scale; yy++) {
      for (let xx = 0; xx < w * scale; xx++) {
        const o = (Math.floor(yy / scale) * w + Math.floor(xx / scale)) * 3;
        this.pixel(x + xx, y + yy, [rgb[o], rgb[o + 1], rgb[o + 2]]);
      }
    }
  }

  text(x: number, y: number, text: string, opts: Partial<Omit<Label, 'x' | 'y' | 'text'>> = {}): void {
    this.labels.push({ x, y, text, size: 12, anchor: 'start', color: [0, 0, 0], rotate: false, bold: false, ...opts });
  }

  async writePng(file: string): Promise<void> {
    const texts = this.labels.map((l) => {
      const rot = l.rotate ? ` transform="rotate(-90 ${l.x} ${l.y})"` : '';
      return `<text x="${l.x}" y="${l.y}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="${l.size}" text-anchor="${l.anchor}"${l.bold ? ' font-weight="bold"' : ''} fill="rgb(${l.color.join(',')})"${rot}>${esc(l.text)}</text>`;
    });
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}">${texts.join('')}</svg>`;
    await sharp(Buffer.from(this.data.buffer, this.data.byteOffset, this.data.length), { raw: { width: this.width, height: this.height, channels: 4 } })
      .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
      .png()
      .toFile(file);
  }
}

/** a perceptually ordered colour map (viridis-like, 5 stops interpolated) for [0, 1] */
export function heat(v: number): Rgb {
  const stops: Rgb[] = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const t = Math.max(0, Math.min(1, Number.isFinite(v) ? v : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(t));
  const f = t - i;
  return [0, 1, 2].map((k) => Math.round(stops[i][k] + (stops[i + 1][k] - stops[i][k]) * f)) as unknown as Rgb;
}
