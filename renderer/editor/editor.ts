// The editor core: the label map, its history, the tools and the display settings, with
// no DOM and no framework. A host (the canvas view) feeds it pointer/key/wheel input in
// image coordinates and repaints what the 'labels' event names; Svelte only mirrors the
// state for its panels as one immutable snapshot (snapshot(), renewed on every 'state'
// event). Every completed change (stroke, undo, redo, a whole new mask) emits 'commit',
// which is what autosave listens to.
import type { CamField } from '../../src/masks/cam-field.ts';
import { OUTLINE_REACH, type OverlayColors } from '../../src/masks/overlay.ts';
import { labelColors } from './colors.ts';
import { clip, grow, isEmpty, type Rect } from './geometry.ts';
import { History, type Step } from './history.ts';
import { emptyLabels, type LabelMap } from './labels.ts';
import { paintLabels } from './paint.ts';
import { StrokeRecorder } from './stroke.ts';
import { FillTool, PickerTool } from './tools/region.ts';
import { BrushTool, EraserTool } from './tools/brush.ts';
import { PolygonTool } from './tools/polygon.ts';
import { ToolRegistry } from './tools/registry.ts';
import { SmartRegionTool } from './tools/smart-region.ts';
import type { ImagePixels, OverlayShape, Tool, ToolContext, ToolId, ToolKey, ToolPointer } from './tools/types.ts';

export interface EditorClass {
  index: number;
  name: string;
  color: string;
}

/** What the panels show of the core: one immutable object per 'state' event. */
export interface EditorSnapshot {
  readonly tool: ToolId;
  readonly activeClass: number;
  readonly classes: readonly EditorClass[];
  readonly brushSize: number;
  readonly showMask: boolean;
  readonly showHeat: boolean;
  readonly outline: boolean;
  readonly maskOpacity: number;
  readonly heatOpacity: number;
  readonly canUndo: boolean;
  readonly canRedo: boolean;
  /** classes with a CAM loaded (the heatmap can show them) */
  readonly camClasses: readonly number[];
}

/** The pixel under the pointer and its label (null: the pointer is off the image). */
export interface HoverPixel {
  x: number;
  y: number;
  label: number;
}

export interface EditorEventMap {
  /** label layer pixels in this rectangle changed */
  labels: Rect;
  overlay: undefined;
  /** tool, class, sizes, toggles, undo/redo availability */
  state: undefined;
  /** the heatmap layer must be rebuilt (class or CAMs changed) */
  heat: undefined;
  /** a completed change to the mask (autosave) */
  /** `rect` bounds every label the change touched (autosave copies only that) */
  commit: { label: string; revision: number; rect: Rect };
  notice: string;
  /** the image pixel under the pointer (or its label) changed */
  hover: HoverPixel | null;
}

type Listener<K extends keyof EditorEventMap> = (payload: EditorEventMap[K]) => void;

export const MIN_BRUSH = 1;
export const MAX_BRUSH = 512;

export class EditorCore {
  labels: LabelMap = emptyLabels(1, 1);
  readonly history: History;
  readonly tools = new ToolRegistry();
  classes: EditorClass[] = [];
  colors: OverlayColors = labelColors([]);
  activeClass = 1;
  brushSize = 16;
  showMask = true;
  maskOpacity = 0.55;
  outline = false;
  showHeat = false;
  heatOpacity = 0.6;
  /** revision of the label map: +1 per completed change */
  revision = 0;
  hover: ToolPointer | null = null;
  private hoverPixel: HoverPixel | null = null;
  private cams = new Map<number, CamField>();
  /** the image's pixels for tools that follow image edges: read on first ask through the host's reader */
  private pixelData: ImagePixels | null = null;
  private pixelReader: (() => Promise<ImagePixels>) | null = null;
  private pixelReading = false;
  private recorder: StrokeRecorder | null = null;
  private readonly listeners: { [K in keyof EditorEventMap]?: Set<Listener<K>> } = {};

  constructor(opts: { historyBytes?: number; now?: () => number } = {}) {
    this.history = new History(opts.historyBytes);
    const ctx = this.toolContext();
    for (const t of [
      new BrushTool(ctx),
      new EraserTool(ctx),
      new PolygonTool(ctx, opts.now),
      new FillTool(ctx),
      new SmartRegionTool(ctx),
      new PickerTool(ctx),
    ]) {
      this.tools.register(t);
    }
    this.tools.activate('brush');
  }

  on<K extends keyof EditorEventMap>(name: K, fn: Listener<K>): () => void {
    let set = this.listeners[name] as Set<Listener<K>> | undefined;
    if (!set) (this.listeners as Record<string, unknown>)[name] = set = new Set<Listener<K>>();
    set.add(fn);
    return () => set!.delete(fn);
  }

  private emit<K extends keyof EditorEventMap>(name: K, payload: EditorEventMap[K]): void {
    const set = this.listeners[name] as Set<Listener<K>> | undefined;
    if (set) for (const fn of [...set]) fn(payload);
  }

  get width(): number {
    return this.labels.width;
  }

  get height(): number {
    return this.labels.height;
  }

  get tool(): Tool {
    return this.tools.current!;
  }

  get fullRect(): Rect {
    return { x: 0, y: 0, w: this.labels.width, h: this.labels.height };
  }

  // ---- the mask ----

  /** A new image's mask: no history, nothing to save. */
  load(map: LabelMap): void {
    this.abortStroke();
    this.labels = map;
    // the pixels were the previous image's; the host gives the new image's reader
    this.setPixelReader(null);
    this.history.clear();
    this.revision = 0;
    this.emit('labels', this.fullRect);
    this.emit('state', undefined);
  }

  /** Replaces the whole mask as one undoable step (a restored version, a generated mask). */
  replace(data: Uint8Array, label: string): void {
    if (data.length !== this.labels.data.length) throw new Error(`mask of ${data.length} labels for a ${this.width}x${this.height} image`);
    this.abortStroke();
    const rec = new StrokeRecorder(this.labels);
    rec.touch(this.fullRect);
    this.labels.data.set(data);
    const patch = rec.commit();
    if (!patch) return;
    this.history.push({ label, patch });
    this.finish(label, patch.rect);
  }

  undo(): void {
    if (this.recorder) return;
    const s = this.history.undo(this.labels.data, this.width);
    if (s) this.finish(`Undo ${s.label}`, s.patch.rect);
  }

  redo(): void {
    if (this.recorder) return;
    const s = this.history.redo(this.labels.data, this.width);
    if (s) this.finish(`Redo ${s.label}`, s.patch.rect);
  }

  get canUndo(): boolean {
    return this.history.canUndo;
  }

  get canRedo(): boolean {
    return this.history.canRedo;
  }

  get stroking(): boolean {
    return this.recorder !== null;
  }

  private finish(label: string, rect: Rect): void {
    this.revision++;
    this.emit('labels', this.repaintRect(rect));
    this.emit('commit', { label, revision: this.revision, rect });
    this.emit('state', undefined);
  }

  /** Outline mode colours a pixel by its neighbours (line and halo): repaint that far around. */
  private repaintRect(r: Rect): Rect {
    return this.outline ? clip(grow(r, OUTLINE_REACH), this.width, this.height) : r;
  }

  /** The panels' view of the core (a new object after every change of state). */
  snapshot(): EditorSnapshot {
    return {
      tool: this.tool.id,
      activeClass: this.activeClass,
      classes: this.classes,
      brushSize: this.brushSize,
      showMask: this.showMask,
      showHeat: this.showHeat,
      outline: this.outline,
      maskOpacity: this.maskOpacity,
      heatOpacity: this.heatOpacity,
      canUndo: this.canUndo,
      canRedo: this.canRedo,
      camClasses: this.camClasses,
    };
  }

  // ---- settings ----

  setClasses(classes: EditorClass[]): void {
    this.classes = classes;
    this.colors = labelColors(classes);
    if (!classes.some((c) => c.index === this.activeClass) && classes.length) this.activeClass = classes[0].index;
    this.emit('labels', this.fullRect);
    this.emit('state', undefined);
  }

  setActiveClass(c: number): void {
    if (c < 1 || c > 254 || c === this.activeClass) return;
    this.activeClass = c;
    this.emit('state', undefined);
    this.emit('heat', undefined);
    this.emit('overlay', undefined);
  }

  /** 1..9 and 0 pick the first ten classes. */
  pickNth(n: number): void {
    const c = this.classes[n - 1];
    if (c) this.setActiveClass(c.index);
  }

  setBrushSize(s: number): void {
    const v = Math.max(MIN_BRUSH, Math.min(MAX_BRUSH, Math.round(s)));
    if (v === this.brushSize) return;
    this.brushSize = v;
    this.emit('state', undefined);
    this.emit('overlay', undefined);
  }

  /** `[` and `]`: about 15 % per step, at least one pixel. */
  stepBrushSize(dir: -1 | 1): void {
    const s = this.brushSize;
    this.setBrushSize(dir > 0 ? Math.max(s + 1, s * 1.15) : Math.min(s - 1, s / 1.15));
  }

  setTool(id: ToolId): void {
    this.tools.activate(id);
    this.emit('state', undefined);
    this.emit('overlay', undefined);
  }

  setOutline(on: boolean): void {
    this.outline = on;
    this.emit('labels', this.fullRect);
    this.emit('state', undefined);
  }

  toggleMask(): void {
    this.showMask = !this.showMask;
    this.emit('state', undefined);
  }

  toggleHeat(): void {
    this.showHeat = !this.showHeat;
    this.emit('state', undefined);
    this.emit('heat', undefined);
  }

  setOpacity(layer: 'mask' | 'heat', v: number): void {
    const o = Math.max(0, Math.min(1, v));
    if (layer === 'mask') this.maskOpacity = o;
    else this.heatOpacity = o;
    this.emit('state', undefined);
  }

  setCams(fields: readonly CamField[]): void {
    this.cams = new Map(fields.map((f) => [f.classIndex, f]));
    this.emit('heat', undefined);
    this.emit('state', undefined);
  }

  camFor(classIndex: number): CamField | null {
    return this.cams.get(classIndex) ?? null;
  }

  /** How the host reads the open image's pixels (set per image; clears what was read before). */
  setPixelReader(read: (() => Promise<ImagePixels>) | null): void {
    this.pixelReader = read;
    this.pixelData = null;
    this.pixelReading = false;
  }

  /** The open image's pixels when already known (tests, a host that has them at hand). */
  setPixels(p: ImagePixels | null): void {
    if (p && p.rgb.length !== p.width * p.height * 3) throw new Error(`${p.rgb.length} RGB bytes for a ${p.width}x${p.height} image`);
    this.pixelReader = null;
    this.pixelData = p;
    this.pixelReading = false;
    this.emit('overlay', undefined);
  }

  /** The image's pixels, or null while they are being read (the first ask starts the reading). */
  pixels(): ImagePixels | null {
    if (this.pixelData || !this.pixelReader || this.pixelReading) return this.pixelData;
    const read = this.pixelReader;
    this.pixelReading = true;
    read().then(
      (p) => {
        if (this.pixelReader !== read) return;
        this.pixelData = p;
        this.emit('overlay', undefined);
      },
      (err: Error) => {
        if (this.pixelReader === read) this.emit('notice', `Could not read the image's pixels: ${err.message}`);
      },
    );
    return null;
  }

  get camClasses(): number[] {
    return [...this.cams.keys()].sort((a, b) => a - b);
  }

  // ---- input (image coordinates) ----

  pointerDown(p: ToolPointer): void {
    this.hover = p;
    this.tool.down?.(p);
    this.trackHover();
  }

  pointerMove(p: ToolPointer, pressed: boolean): void {
    this.hover = p;
    if (this.tool.move) this.tool.move(p, pressed);
    else this.emit('overlay', undefined);
    this.trackHover();
  }

  /** the label under the pointer: 'hover' fires only when the pixel or its label changes */
  private trackHover(): void {
    const p = this.hover;
    const x = p ? Math.floor(p.x) : -1;
    const y = p ? Math.floor(p.y) : -1;
    const inside = p !== null && x >= 0 && y >= 0 && x < this.width && y < this.height;
    const next = inside ? { x, y, label: this.labels.data[y * this.width + x] } : null;
    const cur = this.hoverPixel;
    if (cur === next || (cur && next && cur.x === next.x && cur.y === next.y && cur.label === next.label)) return;
    this.hoverPixel = next;
    this.emit('hover', next);
  }

  pointerUp(p: ToolPointer): void {
    this.tool.up?.(p);
    this.trackHover();
  }

  pointerLeave(): void {
    this.hover = null;
    this.emit('overlay', undefined);
    this.trackHover();
  }

  /** Escape / pointercancel: the gesture in progress is undone and leaves no history. */
  cancelGesture(): void {
    this.tool.cancel?.();
  }

  wheel(deltaY: number, p: ToolPointer): boolean {
    return this.tool.wheel?.(deltaY, p) ?? false;
  }

  /** Keys the current tool wants (polygon: Enter, Escape, Backspace). */
  toolKey(k: ToolKey): boolean {
    return this.tool.key?.(k) ?? false;
  }

  overlay(): OverlayShape[] {
    return this.tool.overlay?.(this.hover) ?? [];
  }

  /** Packed RGBA of the label layer over `r` (r.w×r.h). */
  paintLabels(r: Rect, out: Uint32Array<ArrayBuffer> = new Uint32Array(r.w * r.h)): Uint32Array<ArrayBuffer> {
    paintLabels(this.labels, r, this.colors, this.outline ? 'outline' : 'fill', out);
    return out;
  }

  private abortStroke(): void {
    if (!this.recorder) return;
    this.tool.cancel?.();
    if (this.recorder) {
      this.recorder.cancel();
      this.recorder = null;
    }
  }

  private toolContext(): ToolContext {
    const core = this;
    return {
      get labels() {
        return core.labels;
      },
      get activeClass() {
        return core.activeClass;
      },
      get brushSize() {
        return core.brushSize;
      },
      get revision() {
        return core.revision;
      },
      camFor: (c) => core.camFor(c),
      pixels: () => core.pixels(),
      begin() {
        if (!core.recorder) core.recorder = new StrokeRecorder(core.labels);
      },
      touch(r) {
        if (!core.recorder) core.recorder = new StrokeRecorder(core.labels);
        return core.recorder.touch(r);
      },
      changed(r) {
        if (!isEmpty(r)) core.emit('labels', core.repaintRect(r));
      },
      commit(label) {
        const rec = core.recorder;
        core.recorder = null;
        const patch = rec?.commit() ?? null;
        if (!patch) return;
        const step: Step = { label, patch };
        core.history.push(step);
        core.revision++;
        core.emit('commit', { label, revision: core.revision, rect: patch.rect });
        core.emit('state', undefined);
      },
      cancel() {
        const rec = core.recorder;
        core.recorder = null;
        if (!rec) return;
        const r = rec.cancel();
        if (!isEmpty(r)) core.emit('labels', core.repaintRect(r));
      },
      setActiveClass: (c) => core.setActiveClass(c),
      overlayChanged: () => core.emit('overlay', undefined),
      notify: (m) => core.emit('notice', m),
    };
  }
}
