import { describe, expect, it } from 'vitest';
import { commandFor } from '../../../renderer/editor/keymap.ts';
import { ToolRegistry } from '../../../renderer/editor/tools/registry.ts';
import type { Tool } from '../../../renderer/editor/tools/types.ts';
import { fit, toImage, zoomAt } from '../../../renderer/editor/viewport.ts';
import { CamField } from '../../../src/masks/cam-field.ts';
import { camFromStored, upsampleCams, type StoredCam } from '../../../src/masks/cam-mask.ts';
import { meanIoU } from '../../../src/masks/confusion.ts';
import { encodeFloat16 } from '../../../src/masks/float16.ts';
import { decodeLabelPngAsync, encodeLabelPngAsync, webZlib } from '../../../src/masks/png.ts';
import { decodeLabelPng as storeDecode, encodeLabelPng as storeEncode } from '../../../src/project/png.ts';

describe('label PNG in the renderer', () => {
  it('round-trips and is readable by the store (and the store’s PNGs by it)', async () => {
    const w = 37;
    const h = 23;
    const labels = new Uint8Array(w * h);
    for (let i = 0; i < labels.length; i++) labels[i] = [0, 1, 2, 255, 17][i % 5];
    const png = await encodeLabelPngAsync(labels, w, h, webZlib);
    const back = await decodeLabelPngAsync(png, webZlib);
    expect([back.width, back.height]).toEqual([w, h]);
    expect(back.labels).toEqual(labels);
    expect(storeDecode(png).labels).toEqual(labels);
    expect((await decodeLabelPngAsync(storeEncode(labels, w, h), webZlib)).labels).toEqual(labels);
  });
});

describe('tool registry', () => {
  it('keeps one current tool: switching cancels the old gesture, then deactivates it', () => {
    const calls: string[] = [];
    const make = (id: Tool['id']): Tool => ({
      id,
      name: id,
      shortcut: id[0].toUpperCase(),
      hint: '',
      activate: () => calls.push(`${id}.activate`),
      cancel: () => calls.push(`${id}.cancel`),
      deactivate: () => calls.push(`${id}.deactivate`),
    });
    const reg = new ToolRegistry();
    reg.register(make('brush'));
    reg.register(make('fill'));
    expect(() => reg.register(make('fill'))).toThrow(/tool 'fill' is registered twice/);
    reg.activate('brush');
    reg.activate('brush'); // already current: nothing happens
    expect(calls).toEqual(['brush.activate']);
    reg.activate('fill');
    expect(calls).toEqual(['brush.activate', 'brush.cancel', 'brush.deactivate', 'fill.activate']);
    expect(reg.current?.id).toBe('fill');
    reg.deactivateCurrent();
    expect(calls.slice(-2)).toEqual(['fill.cancel', 'fill.deactivate']);
    expect(reg.current).toBeNull();
    expect(reg.byShortcut('f')?.id).toBe('fill');
    expect(() => reg.activate('polygon')).toThrow(/no tool 'polygon'/);
  });
});

describe('keyboard map', () => {
  const k = (key: string, m: Partial<{ ctrlKey: boolean; shiftKey: boolean; metaKey: boolean; altKey: boolean }> = {}) =>
    commandFor({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...m });
  it('maps the review shortcuts', () => {
    expect(k('b')).toEqual({ kind: 'tool', tool: 'brush' });
    expect(k('E', { shiftKey: true })).toEqual({ kind: 'tool', tool: 'eraser' });
    expect(k('s')).toEqual({ kind: 'tool', tool: 'smart' });
    expect(k('t')).toBeNull();
    expect(k('z', { ctrlKey: true })).toEqual({ kind: 'undo' });
    expect(k('Z', { ctrlKey: true, shiftKey: true })).toEqual({ kind: 'redo' });
    expect(k('3')).toEqual({ kind: 'class', n: 3 });
    expect(k(']')).toEqual({ kind: 'size', dir: 1 });
    expect(k('a')).toEqual({ kind: 'approve-next' });
    expect(k('N', { shiftKey: true })).toEqual({ kind: 'previous' });
    expect(k('n')).toEqual({ kind: 'next' });
    expect(k('h')).toEqual({ kind: 'toggle-heat' });
    expect(k('m')).toEqual({ kind: 'toggle-mask' });
    expect(k('a', { ctrlKey: true })).toBeNull();
  });

  it('gives the tenth class a key, moves between images with arrows and pages, opens the help', () => {
    expect(k('0')).toEqual({ kind: 'class', n: 10 });
    expect(k('1')).toEqual({ kind: 'class', n: 1 });
    expect(k('z')).toEqual({ kind: 'fit' });
    for (const key of ['ArrowRight', 'ArrowDown', 'PageDown']) expect(k(key)).toEqual({ kind: 'next' });
    for (const key of ['ArrowLeft', 'ArrowUp', 'PageUp']) expect(k(key)).toEqual({ kind: 'previous' });
    expect(k('?', { shiftKey: true })).toEqual({ kind: 'help' });
    expect(k('ArrowRight', { altKey: true })).toBeNull();
  });
});

describe('viewport', () => {
  it('zooming keeps the image point under the cursor', () => {
    const v = fit(4096, 4096, 1000, 800);
    const before = toImage(v, 300, 200);
    const z = zoomAt(v, 300, 200, 2.5);
    const after = toImage(z, 300, 200);
    expect(after.x).toBeCloseTo(before.x, 9);
    expect(after.y).toBeCloseTo(before.y, 9);
    expect(z.scale).toBeCloseTo(v.scale * 2.5, 12);
  });
});

describe('CAMs in the renderer', () => {
  it('upsample exactly the maps the store’s mask generator upsamples', () => {
    const a = Float32Array.from({ length: 8 * 6 }, (_, i) => Math.sin(i * 0.7) * 3);
    const b = Float32Array.from({ length: 8 * 6 }, (_, i) => Math.cos(i * 0.3) * 2);
    const stored: StoredCam[] = [
      { classIndex: 1, h: 6, w: 8, f16: encodeFloat16(a) },
      { classIndex: 4, h: 6, w: 8, f16: encodeFloat16(b) },
    ];
    const store = upsampleCams(stored.map(camFromStored), 50, 37, 'relu-max');
    const [fa, fb] = stored.map((c) => new CamField(c, 50, 37));
    expect(fa.upsampled()).toEqual(store[0].map);
    expect(fb.upsampled()).toEqual(store[1].map);
    // computed once
    expect(fa.upsampled()).toBe(fa.upsampled());
  });

  it('mean IoU skips ignore pixels of the reference', () => {
    const ref = Uint8Array.of(0, 0, 1, 1, 255, 255);
    const pred = Uint8Array.of(0, 1, 1, 1, 1, 0);
    // bg: inter 1 / union 2; class 1: inter 2 / union 3
    expect(meanIoU(pred, ref)).toBeCloseTo((1 / 2 + 2 / 3) / 2, 12);
    expect(meanIoU(pred, new Uint8Array(6).fill(255))).toBeNull();
  });
});
