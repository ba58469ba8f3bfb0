// The smart region tool in the editor core (no DOM): the hover preview is the region the
// click then writes, a click is one undo step, Shift-click writes background, and the tool
// waits for the image's pixels (the host's reader) instead of guessing.
import { describe, expect, it } from 'vitest';
import { EditorCore } from '../../../renderer/editor/editor.ts';
import { emptyLabels } from '../../../renderer/editor/labels.ts';
import type { OverlayShape, ToolPointer } from '../../../renderer/editor/tools/types.ts';
import { disc, iou, maskOf, twoTone } from '../masks/smart-region/fixtures.ts';

const W = 80;
const H = 60;
const inObject = disc(40, 30, 14);
const rgb = twoTone(W, H, inObject, [200, 70, 40], [50, 90, 170], 20, 4);
const pt = (x: number, y: number, shift = false): ToolPointer => ({ x: x + 0.5, y: y + 0.5, shift, alt: false });

function core(): EditorCore {
  const c = new EditorCore();
  c.setClasses([{ index: 1, name: 'coat', color: '#c03020' }]);
  c.load(emptyLabels(W, H));
  c.setPixels({ rgb, width: W, height: H });
  c.setTool('smart');
  return c;
}

const region = (shapes: OverlayShape[]) => shapes.find((s) => s.kind === 'region') as Extract<OverlayShape, { kind: 'region' }> | undefined;

describe('smart region tool', () => {
  it('previews on hover exactly what the click then labels, as one undo step', () => {
    const c = core();
    c.pointerMove(pt(40, 30), false);
    const preview = region(c.overlay());
    expect(preview).toBeDefined();
    expect(preview!.value).toBe(1);
    // hovering changes nothing
    expect(c.labels.data.every((v) => v === 0)).toBe(true);
    c.pointerDown(pt(40, 30));
    c.pointerUp(pt(40, 30));
    const after = c.labels.data.slice();
    // the labelled pixels are the preview's
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const inPreview = x >= preview!.x && y >= preview!.y && x < preview!.x + preview!.w && y < preview!.y + preview!.h && preview!.mask[(y - preview!.y) * preview!.w + x - preview!.x] === 1;
        expect(after[y * W + x] === 1).toBe(inPreview);
      }
    }
    expect(iou(Uint8Array.from(after, (v) => (v === 1 ? 1 : 0)), maskOf(W, H, inObject))).toBeGreaterThan(0.9);
    expect(c.history.size.undo).toBe(1);
    c.undo();
    expect(c.labels.data.every((v) => v === 0)).toBe(true);
    c.redo();
    expect(c.labels.data).toEqual(after);
  });

  it('Shift-click takes a spill back to background', () => {
    const c = core();
    const spill = (x: number, y: number) => inObject(x, y) || (x >= 54 && x < 74 && y >= 24 && y < 36);
    c.replace(maskOf(W, H, spill), 'generated');
    c.pointerMove(pt(68, 30, true), false);
    expect(region(c.overlay())!.value).toBe(0);
    c.pointerDown(pt(68, 30, true));
    c.pointerUp(pt(68, 30, true));
    expect(iou(Uint8Array.from(c.labels.data, (v) => (v === 1 ? 1 : 0)), maskOf(W, H, inObject))).toBeGreaterThan(0.9);
    expect(c.history.size.undo).toBe(2);
  });

  it('waits for the pixels: reads them through the host, says so on an early click', async () => {
    const c = new EditorCore();
    c.setClasses([{ index: 1, name: 'coat', color: '#c03020' }]);
    c.load(emptyLabels(W, H));
    let reads = 0;
    let resolve!: (v: { rgb: Uint8Array; width: number; height: number }) => void;
    c.setPixelReader(() => {
      reads++;
      return new Promise((r) => (resolve = r));
    });
    const notices: string[] = [];
    c.on('notice', (m) => notices.push(m));
    c.setTool('smart');
    expect(reads).toBe(1);
    c.pointerDown(pt(40, 30));
    c.pointerUp(pt(40, 30));
    expect(notices[0]).toMatch(/Reading the image's pixels/);
    expect(c.history.size.undo).toBe(0);
    resolve({ rgb, width: W, height: H });
    await Promise.resolve();
    expect(reads).toBe(1);
    c.pointerDown(pt(40, 30));
    c.pointerUp(pt(40, 30));
    expect(c.history.size.undo).toBe(1);
    // a new image drops the old pixels
    c.load(emptyLabels(W, H));
    c.pointerDown(pt(40, 30));
    expect(c.history.size.undo).toBe(0);
  });
});
