// One-click tools: flood fill of a label region and the eyedropper.
import { BACKGROUND, IGNORE } from '../labels.ts';
import { fillRegion, floodRegion } from '../raster.ts';
import type { Tool, ToolContext, ToolPointer } from './types.ts';

/** labels a flood region with `value` as one undoable step named `step` */
function labelRegion(ctx: ToolContext, region: ReturnType<typeof floodRegion>, value: number, step: string): void {
  ctx.begin();
  ctx.touch(region.bounds);
  fillRegion(ctx.labels.data, ctx.labels.width, region, value);
  ctx.changed(region.bounds);
  ctx.commit(step);
}

function pixel(ctx: ToolContext, p: ToolPointer): { x: number; y: number } | null {
  const x = Math.floor(p.x);
  const y = Math.floor(p.y);
  const { width, height } = ctx.labels;
  return x >= 0 && y >= 0 && x < width && y < height ? { x, y } : null;
}

export class FillTool implements Tool {
  readonly id = 'fill';
  readonly name = 'Flood fill';
  readonly shortcut = 'F';
  readonly hint = 'Fill a connected region of one label with the current class (Shift: background)';
  constructor(private readonly ctx: ToolContext) {}

  down(p: ToolPointer): void {
    const at = pixel(this.ctx, p);
    if (!at) return;
    const { data, width, height } = this.ctx.labels;
    const seed = data[at.y * width + at.x];
    const value = p.shift ? BACKGROUND : this.ctx.activeClass;
    if (seed === value) return;
    labelRegion(this.ctx, floodRegion(width, height, at.x, at.y, (i) => data[i] === seed), value, this.name);
  }
}

export class PickerTool implements Tool {
  readonly id = 'picker';
  readonly name = 'Class picker';
  readonly shortcut = 'I';
  readonly hint = 'Pick the class under the cursor';
  constructor(private readonly ctx: ToolContext) {}

  down(p: ToolPointer): void {
    const at = pixel(this.ctx, p);
    if (!at) return;
    const v = this.ctx.labels.data[at.y * this.ctx.labels.width + at.x];
    if (v === BACKGROUND || v === IGNORE) this.ctx.notify(v === IGNORE ? 'Ignore region: no class here' : 'Background: no class here');
    else this.ctx.setActiveClass(v);
  }
}
