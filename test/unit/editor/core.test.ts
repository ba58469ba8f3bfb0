import { describe, expect, it } from 'vitest';
import { EditorCore } from '../../../renderer/editor/editor.ts';
import { emptyLabels, IGNORE } from '../../../renderer/editor/labels.ts';
import type { ToolPointer } from '../../../renderer/editor/tools/types.ts';

const pt = (x: number, y: number, mods: Partial<ToolPointer> = {}): ToolPointer => ({ x, y, shift: false, alt: false, ...mods });

function core(w = 64, h = 48): EditorCore {
  const c = new EditorCore();
  c.setClasses([
    { index: 1, name: 'cat', color: '#800000' },
    { index: 2, name: 'dog', color: '#008000' },
  ]);
  const m = emptyLabels(w, h);
  c.load(m);
  return c;
}

function count(data: Uint8Array, v: number): number {
  let n = 0;
  for (const x of data) if (x === v) n++;
  return n;
}

describe('editor core: strokes, undo, redo', () => {
  it('a brush stroke is one undo step; undo and redo restore the exact bytes', () => {
    const c = core();
    // some existing content so undo has something non-trivial to restore
    c.labels.data.fill(2, 0, 64 * 10);
    const original = c.labels.data.slice();
    const commits: number[] = [];
    c.on('commit', (e) => commits.push(e.revision));
    c.setBrushSize(5);
    c.pointerDown(pt(10.5, 8.5));
    c.pointerMove(pt(30.5, 20.5), true);
    c.pointerMove(pt(50.5, 8.5), true);
    c.pointerUp(pt(50.5, 8.5));
    const painted = c.labels.data.slice();
    expect(count(painted, 1)).toBeGreaterThan(100);
    // hard edge: only the labels 0, 1, 2 exist (no blended values)
    expect(new Set(painted)).toEqual(new Set([0, 1, 2]));
    expect(commits).toEqual([1]);
    expect(c.history.size.undo).toBe(1);

    c.undo();
    expect(c.labels.data).toEqual(original);
    c.redo();
    expect(c.labels.data).toEqual(painted);
    c.undo();
    expect(c.labels.data).toEqual(original);
    expect(commits).toEqual([1, 2, 3, 4]);
  });

  it('a dab of size d covers the pixels whose centres lie within d/2', () => {
    const c = core();
    c.setBrushSize(1);
    c.pointerDown(pt(5.2, 7.9));
    c.pointerUp(pt(5.2, 7.9));
    expect(count(c.labels.data, 1)).toBe(1);
    expect(c.labels.data[7 * 64 + 5]).toBe(1);
    c.setBrushSize(3);
    c.pointerDown(pt(20.5, 20.5));
    c.pointerUp(pt(20.5, 20.5));
    // radius 1.5 around a pixel centre: the 3×3 block minus nothing (corners at √2 < 1.5)
    expect(count(c.labels.data, 1)).toBe(1 + 9);
  });

  it('a cancelled stroke restores every pixel and leaves no history (redo kept)', () => {
    const c = core();
    c.pointerDown(pt(10, 10));
    c.pointerUp(pt(10, 10));
    const afterFirst = c.labels.data.slice();
    c.undo();
    expect(c.canRedo).toBe(true);
    const before = c.labels.data.slice();
    c.pointerDown(pt(40, 20));
    c.pointerMove(pt(50, 30), true);
    expect(c.labels.data).not.toEqual(before);
    c.cancelGesture();
    expect(c.labels.data).toEqual(before);
    expect(c.history.size.undo).toBe(0);
    expect(c.canRedo).toBe(true);
    c.redo();
    expect(c.labels.data).toEqual(afterFirst);
  });

  it('a stroke that changes nothing adds no step', () => {
    const c = core();
    c.setTool('eraser');
    c.pointerDown(pt(10, 10));
    c.pointerUp(pt(10, 10));
    expect(c.history.size.undo).toBe(0);
  });

  it('the eraser writes background, or ignore with Shift', () => {
    const c = core();
    c.labels.data.fill(1);
    c.setTool('eraser');
    c.setBrushSize(4);
    c.pointerDown(pt(10, 10));
    c.pointerUp(pt(10, 10));
    c.pointerDown(pt(30, 30, { shift: true }));
    c.pointerUp(pt(30, 30, { shift: true }));
    expect(c.labels.data[10 * 64 + 10]).toBe(0);
    expect(c.labels.data[30 * 64 + 30]).toBe(IGNORE);
  });

  it('a whole new mask arrives as one step', () => {
    const c = core(8, 8);
    const before = c.labels.data.slice();
    const next = new Uint8Array(64).fill(2);
    c.replace(next, 'Restore version 3');
    expect(c.history.size.undo).toBe(1);
    expect(c.labels.data).toEqual(next);
    c.undo();
    expect(c.labels.data).toEqual(before);
  });

  it('history is capped by bytes, keeping the newest steps', () => {
    const c = new EditorCore({ historyBytes: 2 * 2 * 64 * 64 });
    c.load(emptyLabels(64, 64));
    for (let k = 0; k < 5; k++) c.replace(new Uint8Array(64 * 64).fill(k + 1), `fill ${k}`);
    expect(c.history.size.undo).toBe(2);
    expect(c.history.size.bytes).toBeLessThanOrEqual(2 * 2 * 64 * 64);
    c.undo();
    c.undo();
    expect(c.labels.data[0]).toBe(3);
    expect(c.canUndo).toBe(false);
  });
});

describe('editor core: region tools', () => {
  it('flood fill replaces exactly the 4-connected region of the clicked label', () => {
    const c = core(10, 10);
    const d = c.labels.data;
    // a vertical wall of 2 at x = 5 splits the map; a diagonal-only neighbour stays out
    for (let y = 0; y < 10; y++) d[y * 10 + 5] = 2;
    c.setTool('fill');
    c.pointerDown(pt(1.5, 1.5));
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 10; x++) expect(d[y * 10 + x]).toBe(x < 5 ? 1 : x === 5 ? 2 : 0);
    }
    expect(c.history.size.undo).toBe(1);
    // filling the same label again is a no-op
    c.pointerDown(pt(1.5, 1.5));
    expect(c.history.size.undo).toBe(1);
  });

  it('polygon tool fills the clicked polygon at pixel centres', () => {
    const c = core(20, 20);
    c.setTool('polygon');
    for (const [x, y] of [[2, 2], [12, 2], [12, 8], [2, 8]]) c.pointerDown(pt(x, y));
    expect(c.toolKey({ key: 'Enter', shift: false })).toBe(true);
    // centres x+0.5 in [2, 12) → x 2..11, y 2..7
    expect(count(c.labels.data, 1)).toBe(10 * 6);
    expect(c.labels.data[2 * 20 + 2]).toBe(1);
    expect(c.labels.data[8 * 20 + 2]).toBe(0);
    expect(c.history.size.undo).toBe(1);
  });

  it('the picker makes the label under the cursor the current class', () => {
    const c = core(4, 4);
    c.labels.data[5] = 2;
    c.setTool('picker');
    c.pointerDown(pt(1.5, 1.5));
    expect(c.activeClass).toBe(2);
  });

  it('1–9 pick the first nine classes; [ and ] change the brush size', () => {
    const c = core();
    c.pickNth(2);
    expect(c.activeClass).toBe(2);
    c.pickNth(9);
    expect(c.activeClass).toBe(2);
    c.setBrushSize(10);
    c.stepBrushSize(1);
    expect(c.brushSize).toBe(12);
    c.stepBrushSize(-1);
    expect(c.brushSize).toBe(10);
  });

  it('repaints name only the dirty rectangle of a stroke', () => {
    const c = new EditorCore();
    c.load(emptyLabels(4096, 4096));
    const rects: { w: number; h: number }[] = [];
    c.on('labels', (r) => rects.push(r));
    c.setBrushSize(20);
    c.pointerDown(pt(2000, 2000));
    c.pointerMove(pt(2010, 2004), true);
    c.pointerUp(pt(2010, 2004));
    expect(rects.length).toBe(2);
    for (const r of rects) expect(r.w * r.h).toBeLessThan(40 * 40);
  });
});
