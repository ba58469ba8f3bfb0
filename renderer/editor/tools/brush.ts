// Brush and eraser: one round, hard-edged stroke between successive pointer positions (a
// capsule per move, so fast strokes leave no gaps). They differ only in the label written
// and in which pixels may take it.
import { BACKGROUND, IGNORE } from '../labels.ts';
import { capsuleBounds, paintCapsule, type PixelFilter } from '../raster.ts';
import type { OverlayShape, Tool, ToolContext, ToolId, ToolPointer } from './types.ts';

abstract class StrokeTool implements Tool {
  abstract readonly id: ToolId;
  abstract readonly name: string;
  abstract readonly shortcut: string;
  abstract readonly hint: string;
  private last: { x: number; y: number } | null = null;
  private value = 0;
  private filter: PixelFilter | undefined;

  constructor(protected readonly ctx: ToolContext) {}

  /** The label this stroke writes and its pixel filter; null refuses the stroke. */
  protected abstract setup(p: ToolPointer): { value: number; filter?: PixelFilter } | null;

  down(p: ToolPointer): void {
    const s = this.setup(p);
    if (!s) return;
    this.value = s.value;
    this.filter = s.filter;
    this.ctx.begin();
    this.last = { x: this.snap(p.x), y: this.snap(p.y) };
    this.segment(p);
  }

  move(p: ToolPointer): void {
    if (this.last) this.segment(p);
    this.ctx.overlayChanged();
  }

  up(): void {
    if (!this.last) return;
    this.last = null;
    this.ctx.commit(this.name);
  }

  cancel(): void {
    if (!this.last) return;
    this.last = null;
    this.ctx.cancel();
  }

  overlay(hover: ToolPointer | null): OverlayShape[] {
    return hover ? [{ kind: 'circle', x: hover.x, y: hover.y, r: this.ctx.brushSize / 2 }] : [];
  }

  /**
   * Dab centres snap to the pixel grid (odd sizes: pixel centres, even sizes: corners), so
   * a brush of size d has the same footprint wherever it lands and size 1 is one pixel.
   */
  private snap(v: number): number {
    return this.ctx.brushSize % 2 === 1 ? Math.floor(v) + 0.5 : Math.round(v);
  }

  private segment(q: ToolPointer): void {
    const p = { x: this.snap(q.x), y: this.snap(q.y) };
    const a = this.last!;
    const { data, width, height } = this.ctx.labels;
    const r = this.ctx.brushSize / 2;
    const rect = this.ctx.touch(capsuleBounds(a.x, a.y, p.x, p.y, r, width, height));
    paintCapsule(data, width, rect, a.x, a.y, p.x, p.y, r, this.value, this.filter);
    this.ctx.changed(rect);
    this.last = { x: p.x, y: p.y };
  }
}

export class BrushTool extends StrokeTool {
  readonly id = 'brush';
  readonly name = 'Brush';
  readonly shortcut = 'B';
  readonly hint = 'Paint the current class';
  protected setup() {
    return { value: this.ctx.activeClass };
  }
}

export class EraserTool extends StrokeTool {
  readonly id = 'eraser';
  readonly name = 'Eraser';
  readonly shortcut = 'E';
  readonly hint = 'Erase to background; hold Shift to mark ignore';
  protected setup(p: ToolPointer) {
    return { value: p.shift ? IGNORE : BACKGROUND };
  }
}
