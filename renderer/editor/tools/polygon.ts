// Polygon fill: click vertices, close by clicking the first vertex, double-clicking or
// Enter; Backspace drops the last vertex, Escape the polygon. Alt while closing fills
// with background. Rasterised by the even-odd rule at pixel centres.
import { BACKGROUND } from '../labels.ts';
import { fillRings, ringsBounds } from '../raster.ts';
import type { OverlayShape, Tool, ToolContext, ToolKey, ToolPointer } from './types.ts';

/** Closing distance to the first vertex, in image pixels at 100 % zoom. */
const CLOSE_DIST = 4;

export class PolygonTool implements Tool {
  readonly id = 'polygon';
  readonly name = 'Polygon';
  readonly shortcut = 'P';
  readonly hint = 'Click vertices; click the first one, double-click or press Enter to fill';
  private points: number[] = [];
  private lastDown = 0;

  constructor(
    private readonly ctx: ToolContext,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get drawing(): boolean {
    return this.points.length > 0;
  }

  down(p: ToolPointer): void {
    const t = this.now();
    const n = this.points.length;
    // a double-click: a second press soon after, where the last vertex went
    const double = t - this.lastDown < 350 && n >= 2 && Math.hypot(p.x - this.points[n - 2], p.y - this.points[n - 1]) < 4;
    this.lastDown = t;
    if (n >= 6 && (double || Math.hypot(p.x - this.points[0], p.y - this.points[1]) <= CLOSE_DIST)) {
      this.close(p.alt);
      return;
    }
    this.points.push(p.x, p.y);
    this.ctx.overlayChanged();
  }

  move(): void {
    if (this.drawing) this.ctx.overlayChanged();
  }

  key(k: ToolKey): boolean {
    if (!this.drawing) return false;
    if (k.key === 'Enter') {
      if (this.points.length >= 6) this.close(false);
      return true;
    }
    if (k.key === 'Escape') {
      this.cancel();
      return true;
    }
    if (k.key === 'Backspace') {
      this.points.splice(-2, 2);
      this.ctx.overlayChanged();
      return true;
    }
    return false;
  }

  cancel(): void {
    this.points = [];
    this.ctx.overlayChanged();
  }

  deactivate(): void {
    this.cancel();
  }

  overlay(hover: ToolPointer | null): OverlayShape[] {
    if (!this.drawing) return hover ? [{ kind: 'circle', x: hover.x, y: hover.y, r: 0 }] : [];
    return [{ kind: 'polyline', points: hover ? [...this.points, hover.x, hover.y] : [...this.points], closed: false }];
  }

  /** Fills the current polygon (exposed for tests and the Enter key). */
  close(erase: boolean): void {
    const ring = this.points;
    this.points = [];
    const { data, width, height } = this.ctx.labels;
    this.ctx.begin();
    this.ctx.touch(ringsBounds([ring], width, height));
    fillRings(data, width, height, [ring], erase ? BACKGROUND : this.ctx.activeClass);
    this.ctx.changed(ringsBounds([ring], width, height));
    this.ctx.commit(this.name);
    this.ctx.overlayChanged();
  }
}
