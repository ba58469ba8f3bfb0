// Smart region: hover shows the region a click would label (the area around the pointer
// that belongs with it, following image edges and the active class's CAM, within the
// connected region of the label under the pointer); a click labels it with the active
// class, Shift-click with background. One click is one undo step. The kernel is
// src/masks/smart-region, the very function the fix-cost bench measures. The preview is
// computed when the overlay is drawn (at most once per frame, for the latest hover), once
// per working pixel of the kernel, and a click there labels exactly what was previewed.
import type { CamField } from '../../../src/masks/cam-field.ts';
import { applyRegion, DEFAULT_SMART_REGION, SmartRegionImage, type SmartCam, type SmartRegionResult } from '../../../src/masks/smart-region/index.ts';
import { BACKGROUND } from '../labels.ts';
import type { ImagePixels, OverlayShape, Tool, ToolContext, ToolPointer } from './types.ts';

export class SmartRegionTool implements Tool {
  readonly id = 'smart';
  readonly name = 'Smart region';
  readonly shortcut = 'S';
  readonly hint = 'Click to label the region around the pointer with the current class, following image edges and the CAM (Shift: background)';
  private prepared: { pixels: ImagePixels; image: SmartRegionImage } | null = null;
  private readonly camViews = new WeakMap<CamField, SmartCam>();
  private preview: { key: string; region: SmartRegionResult | null } | null = null;

  constructor(private readonly ctx: ToolContext) {}

  activate(): void {
    // start reading the pixels now, so the first hover has them
    this.ctx.pixels();
  }

  deactivate(): void {
    this.preview = null;
  }

  move(): void {
    this.ctx.overlayChanged();
  }

  down(p: ToolPointer): void {
    const at = this.pixel(p);
    if (!at) return;
    const image = this.image();
    if (!image) {
      this.ctx.notify("Reading the image's pixels — click again in a moment");
      return;
    }
    const target = p.shift ? BACKGROUND : this.ctx.activeClass;
    const r = this.regionAt(image, at.x, at.y, target);
    if (!r || r.pixels === 0) return;
    const { labels } = this.ctx;
    this.ctx.begin();
    const rect = this.ctx.touch({ x: r.x, y: r.y, w: r.w, h: r.h });
    applyRegion(labels.data, labels.width, r);
    this.ctx.changed(rect);
    this.ctx.commit(this.name);
    this.preview = null;
    this.ctx.overlayChanged();
  }

  overlay(hover: ToolPointer | null): OverlayShape[] {
    if (!hover) return [];
    const cross: OverlayShape = { kind: 'circle', x: hover.x, y: hover.y, r: 0 };
    const at = this.pixel(hover);
    const image = at && this.image();
    if (!at || !image) return [cross];
    const target = hover.shift ? BACKGROUND : this.ctx.activeClass;
    const r = this.regionAt(image, at.x, at.y, target);
    if (!r || r.pixels === 0) return [cross];
    return [{ kind: 'region', x: r.x, y: r.y, w: r.w, h: r.h, mask: r.mask, value: target }, cross];
  }

  /** the region for a click at (x, y), from the preview when it is for the same click on the same labels */
  private regionAt(image: SmartRegionImage, x: number, y: number, target: number): SmartRegionResult | null {
    const { labels } = this.ctx;
    const wp = image.workPixel(x, y);
    const key = `${wp.x},${wp.y},${labels.data[y * labels.width + x]},${target},${this.ctx.revision}`;
    if (this.preview?.key === key) return this.preview.region;
    const t0 = performance.now();
    const region = image.region(labels.data, { x, y, target }, DEFAULT_SMART_REGION);
    performance.measure('smart-region', { start: t0, end: performance.now() });
    this.preview = { key, region };
    return region;
  }

  private image(): SmartRegionImage | null {
    const px = this.ctx.pixels();
    if (!px) return null;
    const { width, height } = this.ctx.labels;
    if (px.width !== width || px.height !== height) return null;
    if (this.prepared?.pixels !== px) {
      const t0 = performance.now();
      this.prepared = { pixels: px, image: new SmartRegionImage(px.rgb, width, height, (c) => this.cam(c), DEFAULT_SMART_REGION.workSide) };
      this.prepared.image.prepare(DEFAULT_SMART_REGION);
      performance.measure('smart-region-prepare', { start: t0, end: performance.now() });
      this.preview = null;
    }
    return this.prepared.image;
  }

  private cam(classIndex: number): SmartCam | null {
    const f = this.ctx.camFor(classIndex);
    if (!f) return null;
    let v = this.camViews.get(f);
    if (!v) {
      v = { values: f.values, width: f.camWidth, height: f.camHeight };
      this.camViews.set(f, v);
    }
    return v;
  }

  private pixel(p: ToolPointer): { x: number; y: number } | null {
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    const { width, height } = this.ctx.labels;
    return x >= 0 && y >= 0 && x < width && y < height ? { x, y } : null;
  }
}
