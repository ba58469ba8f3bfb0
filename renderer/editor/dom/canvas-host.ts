// The DOM side of the editor: stacks the layers (image, CAM heatmap, labels, overlay) in
// one transformed stage, turns pointer/wheel input into image coordinates for the core,
// and repaints exactly the rectangles the core reports. Zoom and pan are a CSS transform
// of the stage, so they cost no repaint; the heatmap is drawn at CAM resolution and
// scaled by the compositor. Each pointer event's JS time (core + repaint) is recorded as a
// performance measure: 'editor-pointer' (moves), 'editor-pointer-down' / '-up'.
import { parseHexColor } from '../../../src/masks/palette.ts';
import { heatLut } from '../colors.ts';
import type { EditorCore } from '../editor.ts';
import type { Rect } from '../geometry.ts';
import { paintHeat } from '../paint.ts';
import type { ImagePixels, OverlayShape, ToolPointer } from '../tools/types.ts';
import { fit, panBy, toImage, zoomAt, type Viewport } from '../viewport.ts';
import { canvasRgb } from './image-pixels.ts';

const HEAT = heatLut();

export class CanvasHost {
  readonly root: HTMLDivElement;
  private readonly stage: HTMLDivElement;
  private readonly img: HTMLImageElement;
  private readonly heat: HTMLCanvasElement;
  private readonly labels: HTMLCanvasElement;
  private readonly overlay: HTMLCanvasElement;
  private labelCtx: CanvasRenderingContext2D;
  private view: Viewport = { scale: 1, tx: 0, ty: 0 };
  private readonly disposers: (() => void)[] = [];
  private spaceDown = false;
  private panning: { x: number; y: number } | null = null;
  private drawing = false;
  private overlayFrame = 0;
  private fitted = false;
  /** the last region preview drawn, as a canvas at image resolution (redrawn only when the preview changes) */
  private regionLayer: { mask: Uint8Array; value: number; canvas: HTMLCanvasElement } | null = null;
  onViewChange: (v: Viewport) => void = () => {};

  constructor(
    private readonly container: HTMLElement,
    private readonly core: EditorCore,
  ) {
    this.root = el('div', 'rs-canvas-root');
    this.stage = el('div', 'rs-stage');
    this.img = document.createElement('img');
    this.img.className = 'rs-layer rs-image';
    this.img.alt = '';
    this.img.draggable = false;
    this.heat = canvas('rs-layer rs-heat');
    this.labels = canvas('rs-layer rs-labels');
    this.overlay = canvas('rs-overlay');
    this.stage.append(this.img, this.heat, this.labels);
    this.root.append(this.stage, this.overlay);
    container.append(this.root);
    this.labelCtx = this.labels.getContext('2d')!;

    this.disposers.push(
      core.on('labels', (r) => this.paintLabels(r)),
      core.on('overlay', () => this.scheduleOverlay()),
      core.on('heat', () => this.paintHeat()),
      core.on('state', () => this.applyState()),
    );
    this.listen(this.root, 'pointerdown', (e) => this.onDown(e as PointerEvent));
    this.listen(this.root, 'pointermove', (e) => this.onMove(e as PointerEvent));
    this.listen(this.root, 'pointerup', (e) => this.onUp(e as PointerEvent));
    this.listen(this.root, 'pointercancel', () => this.onCancel());
    this.listen(this.root, 'pointerleave', () => core.pointerLeave());
    this.listen(this.root, 'wheel', (e) => this.onWheel(e as WheelEvent), { passive: false });
    this.listen(this.root, 'contextmenu', (e) => e.preventDefault());
    this.listen(window, 'keydown', (e) => this.onKey(e as KeyboardEvent, true));
    this.listen(window, 'keyup', (e) => this.onKey(e as KeyboardEvent, false));
    this.listen(window, 'blur', () => (this.spaceDown = false));
    const ro = new ResizeObserver(() => this.onResize());
    ro.observe(this.root);
    this.disposers.push(() => ro.disconnect());
  }

  dispose(): void {
    for (const d of this.disposers.splice(0)) d();
    cancelAnimationFrame(this.overlayFrame);
    this.root.remove();
  }

  /** Shows a new image (its labels arrive through core.load). Resolves once decoded. */
  async setImage(url: string, width: number, height: number): Promise<void> {
    this.img.src = url;
    this.img.width = width;
    this.img.height = height;
    for (const c of [this.heat, this.labels]) {
      c.style.width = `${width}px`;
      c.style.height = `${height}px`;
    }
    if (this.labels.width !== width || this.labels.height !== height) {
      // resizing a canvas clears it: repaint the labels core.load already delivered
      this.labels.width = width;
      this.labels.height = height;
      this.labelCtx = this.labels.getContext('2d')!;
      if (this.core.width === width && this.core.height === height) this.paintLabels({ x: 0, y: 0, w: width, h: height });
    }
    this.stage.style.width = `${width}px`;
    this.stage.style.height = `${height}px`;
    this.fitted = false;
    this.fit();
    this.core.setPixelReader(() => this.readPixels(width, height));
    await this.img.decode().catch(() => undefined);
  }

  /** The shown image's RGB pixels (read on demand: tools that follow image edges ask for them). */
  private async readPixels(width: number, height: number): Promise<ImagePixels> {
    await this.img.decode();
    const c = document.createElement('canvas');
    c.width = width;
    c.height = height;
    const ctx = c.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(this.img, 0, 0, width, height);
    return { rgb: canvasRgb(ctx, width, height), width, height };
  }

  fit(): void {
    const w = this.root.clientWidth;
    const h = this.root.clientHeight;
    if (!w || !h || !this.core.width) return;
    this.fitted = true;
    this.setView(fit(this.core.width, this.core.height, w, h));
  }

  get viewport(): Viewport {
    return this.view;
  }

  zoomBy(factor: number): void {
    this.setView(zoomAt(this.view, this.root.clientWidth / 2, this.root.clientHeight / 2, factor));
  }

  private setView(v: Viewport): void {
    this.view = v;
    this.stage.style.transform = `translate(${v.tx}px, ${v.ty}px) scale(${v.scale})`;
    // nearest-neighbour when zoomed in, so label pixels stay crisp squares
    this.stage.classList.toggle('rs-pixelated', v.scale >= 2);
    this.scheduleOverlay();
    this.onViewChange(v);
  }

  private onResize(): void {
    if (!this.fitted) this.fit();
    const r = this.root.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.overlay.width = Math.round(r.width * dpr);
    this.overlay.height = Math.round(r.height * dpr);
    this.overlay.style.width = `${r.width}px`;
    this.overlay.style.height = `${r.height}px`;
    this.scheduleOverlay();
  }

  // ---- painting ----

  private paintLabels(r: Rect): void {
    if (r.w <= 0 || r.h <= 0) return;
    const px = this.core.paintLabels(r);
    this.labelCtx.putImageData(new ImageData(new Uint8ClampedArray(px.buffer, px.byteOffset, px.byteLength), r.w, r.h), r.x, r.y);
  }

  private heatClass(): number | null {
    const classes = this.core.camClasses;
    if (!classes.length) return null;
    return classes.includes(this.core.activeClass) ? this.core.activeClass : classes[0];
  }

  private paintHeat(): void {
    const c = this.heatClass();
    const field = c === null ? null : this.core.camFor(c);
    this.heat.hidden = !field || !this.core.showHeat;
    if (!field) return;
    if (this.heat.width !== field.camWidth || this.heat.height !== field.camHeight) {
      this.heat.width = field.camWidth;
      this.heat.height = field.camHeight;
    }
    const out = new Uint32Array(field.camWidth * field.camHeight);
    paintHeat(field.values, HEAT, out);
    this.heat.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(out.buffer), field.camWidth, field.camHeight), 0, 0);
  }

  private applyState(): void {
    // an outline is a thin line: it is drawn stronger than a fill at the same setting
    this.labels.style.opacity = String(this.core.outline ? Math.min(1, 2 * this.core.maskOpacity) : this.core.maskOpacity);
    this.labels.hidden = !this.core.showMask;
    this.heat.style.opacity = String(this.core.heatOpacity);
    this.heat.hidden = !this.core.showHeat || this.heatClass() === null;
    this.root.dataset.tool = this.core.tool.id;
  }

  private scheduleOverlay(): void {
    if (this.overlayFrame) return;
    this.overlayFrame = requestAnimationFrame(() => {
      this.overlayFrame = 0;
      this.drawOverlay();
    });
  }

  private drawOverlay(): void {
    const ctx = this.overlay.getContext('2d')!;
    const dpr = window.devicePixelRatio || 1;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, this.overlay.width, this.overlay.height);
    if (this.panning || this.spaceDown) return;
    const v = this.view;
    const sx = (x: number) => x * v.scale + v.tx;
    const sy = (y: number) => y * v.scale + v.ty;
    for (const s of this.core.overlay()) {
      if (s.kind === 'region') {
        this.drawRegion(ctx, s, sx(s.x), sy(s.y), v.scale);
      } else if (s.kind === 'circle') {
        const r = Math.max(s.r * v.scale, 0);
        ctx.lineWidth = 1;
        if (r > 1) {
          ctx.beginPath();
          ctx.arc(sx(s.x), sy(s.y), r, 0, Math.PI * 2);
          haloStroke(ctx, 'rgba(255,255,255,0.95)', 1.25);
        } else {
          crosshair(ctx, sx(s.x), sy(s.y));
        }
        if (s.label) label(ctx, s.label, sx(s.x) + r + 8, sy(s.y) - r - 4);
      } else {
        const p = s.points;
        if (p.length < 2) continue;
        ctx.beginPath();
        ctx.moveTo(sx(p[0]), sy(p[1]));
        for (let k = 2; k + 1 < p.length; k += 2) ctx.lineTo(sx(p[k]), sy(p[k + 1]));
        if (s.closed) ctx.closePath();
        haloStroke(ctx, '#4c8dff', 1.5);
        for (let k = 0; k + 1 < p.length - 2; k += 2) {
          ctx.fillStyle = k === 0 ? '#ffffff' : '#4c8dff';
          ctx.fillRect(sx(p[k]) - 3, sy(p[k + 1]) - 3, 6, 6);
        }
      }
    }
  }

  /**
   * A region preview: the class colour (background: white) over the region, its edge in
   * white so the preview reads apart from the mask under it. Built once per preview.
   */
  private drawRegion(ctx: CanvasRenderingContext2D, s: Extract<OverlayShape, { kind: 'region' }>, x: number, y: number, scale: number): void {
    let layer = this.regionLayer;
    if (!layer || layer.mask !== s.mask || layer.value !== s.value) {
      const c = layer?.canvas ?? document.createElement('canvas');
      c.width = s.w;
      c.height = s.h;
      const cls = this.core.classes.find((k) => k.index === s.value);
      const [r, g, b] = s.value === 0 || !cls ? [255, 255, 255] : parseHexColor(cls.color);
      const img = new ImageData(s.w, s.h);
      const px = new Uint32Array(img.data.buffer);
      const fill = ((150 << 24) | (b << 16) | (g << 8) | r) >>> 0;
      const edge = 0xffffffff;
      const m = s.mask;
      for (let yy = 0; yy < s.h; yy++) {
        for (let xx = 0; xx < s.w; xx++) {
          const i = yy * s.w + xx;
          if (!m[i]) continue;
          const onEdge = xx === 0 || yy === 0 || xx === s.w - 1 || yy === s.h - 1 || !m[i - 1] || !m[i + 1] || !m[i - s.w] || !m[i + s.w];
          px[i] = onEdge ? edge : fill;
        }
      }
      c.getContext('2d')!.putImageData(img, 0, 0);
      layer = this.regionLayer = { mask: s.mask, value: s.value, canvas: c };
    }
    ctx.save();
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(layer.canvas, x, y, s.w * scale, s.h * scale);
    ctx.restore();
  }

  // ---- input ----

  private pointer(e: PointerEvent | WheelEvent): ToolPointer {
    const r = this.root.getBoundingClientRect();
    const p = toImage(this.view, e.clientX - r.left, e.clientY - r.top);
    return { x: p.x, y: p.y, shift: e.shiftKey, alt: e.altKey };
  }

  private onDown(e: PointerEvent): void {
    this.root.focus({ preventScroll: true });
    if (e.button === 1 || (e.button === 0 && this.spaceDown)) {
      e.preventDefault();
      this.panning = { x: e.clientX, y: e.clientY };
      this.root.setPointerCapture(e.pointerId);
      this.root.classList.add('rs-panning');
      this.scheduleOverlay();
      return;
    }
    if (e.button !== 0) return;
    this.root.setPointerCapture(e.pointerId);
    this.drawing = true;
    this.measure(() => this.core.pointerDown(this.pointer(e)), 'editor-pointer-down');
  }

  private onMove(e: PointerEvent): void {
    if (this.panning) {
      this.setView(panBy(this.view, e.clientX - this.panning.x, e.clientY - this.panning.y));
      this.panning = { x: e.clientX, y: e.clientY };
      return;
    }
    if (!this.drawing) {
      this.core.pointerMove(this.pointer(e), false);
      return;
    }
    // every coalesced sample of a fast stroke, so the stroke follows the hand exactly
    const samples = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [];
    this.measure(() => {
      for (const s of samples.length ? samples : [e]) this.core.pointerMove(this.pointer(s), true);
    });
  }

  private onUp(e: PointerEvent): void {
    if (this.panning) {
      this.panning = null;
      this.root.classList.remove('rs-panning');
      this.scheduleOverlay();
      return;
    }
    if (!this.drawing) return;
    this.drawing = false;
    this.measure(() => this.core.pointerUp(this.pointer(e)), 'editor-pointer-up');
  }

  private onCancel(): void {
    this.panning = null;
    if (this.drawing) {
      this.drawing = false;
      this.core.cancelGesture();
    }
  }

  private onWheel(e: WheelEvent): void {
    e.preventDefault();
    if (!e.ctrlKey && this.core.wheel(e.deltaY, this.pointer(e))) return;
    const r = this.root.getBoundingClientRect();
    const factor = Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.0015));
    this.setView(zoomAt(this.view, e.clientX - r.left, e.clientY - r.top, factor));
  }

  private onKey(e: KeyboardEvent, down: boolean): void {
    if (e.code !== 'Space') return;
    const t = e.target as HTMLElement | null;
    if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.tagName === 'BUTTON')) return;
    e.preventDefault();
    if (this.spaceDown === down) return;
    this.spaceDown = down;
    this.root.classList.toggle('rs-pan-ready', down);
    this.scheduleOverlay();
  }

  /** pointermove → 'editor-pointer'; down and up (stroke start / commit) are measured apart */
  private measure(fn: () => void, name = 'editor-pointer'): void {
    const t0 = performance.now();
    fn();
    performance.measure(name, { start: t0, end: performance.now() });
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void, opts?: AddEventListenerOptions): void {
    target.addEventListener(type, fn, opts);
    this.disposers.push(() => target.removeEventListener(type, fn, opts));
  }
}

function el(tag: 'div', cls: string): HTMLDivElement {
  const d = document.createElement(tag);
  d.className = cls;
  return d;
}

function canvas(cls: string): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.className = cls;
  return c;
}

/** strokes the current path twice, a dark 3 px halo under `color` at `width`, so it shows on any image */
function haloStroke(ctx: CanvasRenderingContext2D, color: string, width: number): void {
  ctx.strokeStyle = 'rgba(0,0,0,0.7)';
  ctx.lineWidth = 3;
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.stroke();
}

function crosshair(ctx: CanvasRenderingContext2D, x: number, y: number): void {
  ctx.beginPath();
  ctx.moveTo(x - 7, y);
  ctx.lineTo(x + 7, y);
  ctx.moveTo(x, y - 7);
  ctx.lineTo(x, y + 7);
  haloStroke(ctx, '#fff', 1);
}

function label(ctx: CanvasRenderingContext2D, text: string, x: number, y: number): void {
  ctx.font = '600 11px system-ui, sans-serif';
  const w = ctx.measureText(text).width + 10;
  ctx.fillStyle = 'rgba(18,19,21,0.85)';
  ctx.beginPath();
  ctx.roundRect(x, y - 16, w, 18, 4);
  ctx.fill();
  ctx.fillStyle = '#e6e7ea';
  ctx.fillText(text, x + 5, y - 3);
}
