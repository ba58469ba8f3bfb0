// The autosave queue: every completed change is stored as its own version, in the order
// the changes happened, each exactly the label map right after that change — never two
// changes coalesced into one save, also when they complete while a save is in flight or
// after a failed save. With the real editor core: strokes, undo and redo.
import { describe, expect, it } from 'vitest';
import { Autosaver, type LiveLabels, type Snapshot } from '../../../renderer/editor/autosave.ts';
import { EditorCore } from '../../../renderer/editor/editor.ts';
import { emptyLabels } from '../../../renderer/editor/labels.ts';
import type { Rect } from '../../../renderer/editor/geometry.ts';

const nextTask = () => new Promise((r) => setTimeout(r, 0));

/** A save that waits for the test to release it; records a copy of what it was given. */
function gatedSaves() {
  const stored: Snapshot[] = [];
  const gates: ((err?: Error) => void)[] = [];
  const save = (s: Snapshot) =>
    new Promise<void>((resolve, reject) => {
      const copy = { revision: s.revision, labels: s.labels.slice() };
      gates.push((err) => {
        if (err) reject(err);
        else {
          stored.push(copy);
          resolve();
        }
      });
    });
  return { stored, gates, save };
}

/** paints value v into rect r of a w-wide map (a stand-in for a stroke) */
function paint(live: LiveLabels, r: Rect, v: number): void {
  for (let y = r.y; y < r.y + r.h; y++) live.data.fill(v, y * live.width + r.x, y * live.width + r.x + r.w);
}

describe('autosave queue', () => {
  it('stores each change as its own version, in order, even when they complete during a save', async () => {
    const live: LiveLabels = { data: new Uint8Array(8 * 4), width: 8 };
    const { stored, gates, save } = gatedSaves();
    const saver = new Autosaver(() => live, save);
    saver.reset(0);
    const expected: Uint8Array[] = [];
    const change = (rev: number, r: Rect, v: number) => {
      paint(live, r, v);
      expected.push(live.data.slice());
      saver.request(rev, r);
    };

    change(1, { x: 0, y: 0, w: 2, h: 2 }, 1);
    // the save starts in a task of its own, not inside the pointer-up handler
    expect(gates).toHaveLength(0);
    await nextTask();
    expect(saver.state).toBe('saving');
    // three strokes land while save 1 is in flight; one overwrites part of another
    change(2, { x: 3, y: 1, w: 3, h: 2 }, 2);
    change(3, { x: 4, y: 0, w: 4, h: 4 }, 3);
    change(4, { x: 0, y: 1, w: 8, h: 1 }, 4);
    expect(saver.pending).toEqual([1, 2, 3, 4]);
    for (let k = 0; k < 4; k++) {
      await nextTask();
      expect(gates).toHaveLength(k + 1); // one save at a time, one per change
      gates[k]();
    }
    await saver.flush();
    expect(stored.map((s) => s.revision)).toEqual([1, 2, 3, 4]);
    stored.forEach((s, k) => expect(s.labels, `version ${k + 1}`).toEqual(expected[k]));
    expect(saver.savedRevision).toBe(4);
    expect(saver.state).toBe('saved');
    expect(saver.dirty).toBe(false);
  });

  it('a change captures its labels when it completes: later strokes do not leak into it', async () => {
    const live: LiveLabels = { data: new Uint8Array(4 * 4), width: 4 };
    const { stored, gates, save } = gatedSaves();
    const saver = new Autosaver(() => live, save);
    saver.reset(0);
    paint(live, { x: 0, y: 0, w: 4, h: 1 }, 5);
    saver.request(1, { x: 0, y: 0, w: 4, h: 1 });
    // a stroke in progress (not committed) paints before the save of 1 runs
    paint(live, { x: 0, y: 0, w: 1, h: 4 }, 9);
    await nextTask();
    gates[0]();
    await saver.flush();
    expect(stored).toHaveLength(1);
    expect([...stored[0].labels]).toEqual([5, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('a failed save is retried first; the changes behind it wait and keep their order', async () => {
    const live: LiveLabels = { data: new Uint8Array(6), width: 3 };
    const { stored, gates, save } = gatedSaves();
    const states: string[] = [];
    const saver = new Autosaver(() => live, save, (s) => states.push(s));
    saver.reset(0);
    paint(live, { x: 0, y: 0, w: 1, h: 1 }, 1);
    saver.request(1, { x: 0, y: 0, w: 1, h: 1 });
    await nextTask();
    paint(live, { x: 1, y: 0, w: 1, h: 1 }, 2);
    saver.request(2, { x: 1, y: 0, w: 1, h: 1 });
    gates[0](new Error('server down'));
    await nextTask();
    expect(saver.state).toBe('error');
    expect(saver.error).toBe('server down');
    expect(saver.pending).toEqual([1, 2]);
    // a third change during the back-off
    paint(live, { x: 2, y: 1, w: 1, h: 1 }, 3);
    saver.request(3, { x: 2, y: 1, w: 1, h: 1 });
    const flushed = saver.flush();
    for (let k = 1; k <= 3; k++) {
      await nextTask();
      gates[k]();
    }
    await flushed;
    expect(stored.map((s) => [s.revision, ...s.labels])).toEqual([
      [1, 1, 0, 0, 0, 0, 0],
      [2, 1, 2, 0, 0, 0, 0],
      [3, 1, 2, 0, 0, 0, 3],
    ]);
    expect(states.at(-1)).toBe('saved');
  });

  it('flush() rejects while the server refuses, and nothing queued is lost', async () => {
    const live: LiveLabels = { data: new Uint8Array(4), width: 2 };
    let fail = true;
    const stored: number[] = [];
    const saver = new Autosaver(
      () => live,
      async (s) => {
        if (fail) throw new Error('disk full');
        stored.push(s.revision);
      },
    );
    saver.reset(0);
    saver.request(1);
    saver.request(2);
    await expect(saver.flush()).rejects.toThrow('disk full');
    expect(saver.pending).toEqual([1, 2]);
    fail = false;
    await saver.flush();
    expect(stored).toEqual([1, 2]);
  });

  it('with the editor core: two strokes, an undo and a redo are four versions, each the map after it', async () => {
    const core = new EditorCore();
    core.setClasses([{ index: 1, name: 'cat', color: '#800000' }]);
    core.load(emptyLabels(64, 48));
    const { stored, gates, save } = gatedSaves();
    const saver = new Autosaver(() => core.labels, save);
    saver.reset(0);
    const after: Uint8Array[] = [];
    core.on('commit', (c) => {
      saver.request(c.revision, c.rect);
      after.push(core.labels.data.slice());
    });
    const pt = (x: number, y: number) => ({ x, y, shift: false, alt: false });
    core.setBrushSize(5);
    core.pointerDown(pt(10.5, 8.5));
    core.pointerMove(pt(30.5, 20.5), true);
    core.pointerUp(pt(30.5, 20.5));
    await nextTask(); // save 1 in flight
    core.pointerDown(pt(40.5, 30.5));
    core.pointerMove(pt(60.5, 40.5), true);
    core.pointerUp(pt(60.5, 40.5));
    core.undo();
    core.redo();
    expect(saver.pending).toEqual([1, 2, 3, 4]);
    for (let k = 0; k < 4; k++) {
      await nextTask();
      gates[k]();
    }
    await saver.flush();
    expect(stored.map((s) => s.revision)).toEqual([1, 2, 3, 4]);
    stored.forEach((s, k) => expect(s.labels, `version ${k + 1}`).toEqual(after[k]));
    expect(stored[2].labels).toEqual(stored[0].labels); // the undo's version is the map before stroke 2
  });
});
