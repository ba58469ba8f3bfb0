// The autosave queue: a run of changes (strokes, undo, redo) is stored as ONE version, the
// label map once the changes pause; changes made during a save or a failed save's back-off
// go into the next save; a run that ends on the stored map stores nothing; flush() stores
// at once. With the real editor core: strokes, undo and redo.
import { describe, expect, it } from 'vitest';
import { Autosaver, type LiveLabels, type Snapshot } from '../../../renderer/editor/autosave.ts';
import { EditorCore } from '../../../renderer/editor/editor.ts';
import { emptyLabels } from '../../../renderer/editor/labels.ts';
import type { Rect } from '../../../renderer/editor/geometry.ts';

const QUIET = 30;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** a 4×4 map whose saver (over gated saves) has one committed stroke: 5 on the top row, revision 1 */
function afterTopRowStroke() {
  const live: LiveLabels = { data: new Uint8Array(4 * 4), width: 4 };
  const { stored, gates, save } = gatedSaves();
  const saver = new Autosaver(() => live, save, () => {}, QUIET);
  saver.reset(0);
  paint(live, { x: 0, y: 0, w: 4, h: 1 }, 5);
  saver.request(1, { x: 0, y: 0, w: 4, h: 1 });
  return { live, stored, gates, saver };
}

/** paints value v into rect r of a w-wide map (a stand-in for a stroke) */
function paint(live: LiveLabels, r: Rect, v: number): void {
  for (let y = r.y; y < r.y + r.h; y++) live.data.fill(v, y * live.width + r.x, y * live.width + r.x + r.w);
}

describe('autosave', () => {
  it('stores a run of changes as one version: the map once they pause', async () => {
    const live: LiveLabels = { data: new Uint8Array(8 * 4), width: 8 };
    const { stored, gates, save } = gatedSaves();
    const states: string[] = [];
    // a long quiet period here: the pauses between these changes must stay inside it on a busy machine
    const quiet = 400;
    const saver = new Autosaver(() => live, save, (s) => states.push(s), quiet);
    saver.reset(0);
    const change = (rev: number, r: Rect, v: number) => {
      paint(live, r, v);
      saver.request(rev, r);
    };
    change(1, { x: 0, y: 0, w: 2, h: 2 }, 1);
    expect(saver.state).toBe('pending');
    await sleep(5);
    change(2, { x: 3, y: 1, w: 3, h: 2 }, 2);
    await sleep(5);
    change(3, { x: 4, y: 0, w: 4, h: 4 }, 3);
    expect(gates).toHaveLength(0); // still inside the run: nothing saved yet
    await sleep(quiet * 2);
    expect(gates).toHaveLength(1);
    expect(saver.state).toBe('saving');
    gates[0]();
    await saver.flush();
    expect(stored.map((s) => s.revision)).toEqual([3]);
    expect(stored[0].labels).toEqual(live.data);
    expect(saver.savedRevision).toBe(3);
    expect(states.at(-1)).toBe('saved');
  });

  it('changes made during a save go into the next one, which holds the map at their revision', async () => {
    const { live, stored, gates, saver } = afterTopRowStroke();
    const first = live.data.slice();
    await sleep(QUIET * 2);
    expect(gates).toHaveLength(1);
    // two strokes while save 1 is in flight; one overwrites part of the first
    paint(live, { x: 0, y: 0, w: 1, h: 4 }, 9);
    saver.request(2, { x: 0, y: 0, w: 1, h: 4 });
    paint(live, { x: 2, y: 2, w: 2, h: 2 }, 7);
    saver.request(3, { x: 2, y: 2, w: 2, h: 2 });
    gates[0]();
    await sleep(QUIET * 3);
    expect(gates).toHaveLength(2);
    gates[1]();
    await saver.flush();
    expect(stored.map((s) => s.revision)).toEqual([1, 3]);
    expect(stored[0].labels).toEqual(first);
    expect([...stored[1].labels]).toEqual([9, 5, 5, 5, 9, 0, 0, 0, 9, 0, 7, 7, 9, 0, 7, 7]);
  });

  it('a change captures its labels when it completes: a stroke in progress does not leak into it', async () => {
    const { live, stored, gates, saver } = afterTopRowStroke();
    paint(live, { x: 0, y: 0, w: 1, h: 4 }, 9); // not committed
    const flushed = saver.flush();
    await sleep(0);
    gates[0]();
    await flushed;
    expect([...stored[0].labels]).toEqual([5, 5, 5, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('a run that ends on the stored map stores nothing', async () => {
    const live: LiveLabels = { data: new Uint8Array(6), width: 3 };
    const { gates, save } = gatedSaves();
    const saver = new Autosaver(() => live, save, () => {}, QUIET);
    saver.reset(4);
    paint(live, { x: 0, y: 0, w: 2, h: 1 }, 3);
    saver.request(5, { x: 0, y: 0, w: 2, h: 1 });
    paint(live, { x: 0, y: 0, w: 2, h: 1 }, 0);
    saver.request(6, { x: 0, y: 0, w: 2, h: 1 });
    await saver.flush();
    expect(gates).toHaveLength(0);
    expect(saver.savedRevision).toBe(6);
    expect(saver.state).toBe('saved');
    expect(saver.dirty).toBe(false);
  });

  it('a failed save is retried with the changes made meanwhile; flush() rejects while it fails and loses nothing', async () => {
    const live: LiveLabels = { data: new Uint8Array(6), width: 3 };
    let fail = true;
    const stored: Snapshot[] = [];
    const saver = new Autosaver(
      () => live,
      async (s) => {
        if (fail) throw new Error('server down');
        stored.push({ revision: s.revision, labels: s.labels.slice() });
      },
      () => {},
      QUIET,
    );
    saver.reset(0);
    paint(live, { x: 0, y: 0, w: 1, h: 1 }, 1);
    saver.request(1, { x: 0, y: 0, w: 1, h: 1 });
    await expect(saver.flush()).rejects.toThrow('server down');
    expect(saver.state).toBe('error');
    paint(live, { x: 2, y: 1, w: 1, h: 1 }, 3);
    saver.request(2, { x: 2, y: 1, w: 1, h: 1 });
    expect(saver.state).toBe('error');
    expect(saver.pending).toEqual([1, 2]);
    await expect(saver.flush()).rejects.toThrow('server down');
    fail = false;
    await saver.flush();
    expect(stored.map((s) => [s.revision, ...s.labels])).toEqual([[2, 1, 0, 0, 0, 0, 3]]);
    expect(saver.state).toBe('saved');
  });

  it('with the editor core: two strokes, an undo and a redo are one version, the final map', async () => {
    const core = new EditorCore();
    core.setClasses([{ index: 1, name: 'cat', color: '#6900ff' }]);
    core.load(emptyLabels(64, 48));
    const { stored, gates, save } = gatedSaves();
    const saver = new Autosaver(() => core.labels, save, () => {}, QUIET);
    saver.reset(0);
    core.on('commit', (c) => saver.request(c.revision, c.rect));
    const pt = (x: number, y: number) => ({ x, y, shift: false, alt: false });
    core.setBrushSize(5);
    core.pointerDown(pt(10.5, 8.5));
    core.pointerMove(pt(30.5, 20.5), true);
    core.pointerUp(pt(30.5, 20.5));
    core.pointerDown(pt(40.5, 30.5));
    core.pointerMove(pt(60.5, 40.5), true);
    core.pointerUp(pt(60.5, 40.5));
    core.undo();
    core.redo();
    expect(saver.pending).toEqual([1, 2, 3, 4]);
    const flushed = saver.flush();
    await sleep(0);
    expect(gates).toHaveLength(1);
    gates[0]();
    await flushed;
    expect(stored.map((s) => s.revision)).toEqual([4]);
    expect(stored[0].labels).toEqual(core.labels.data);
    expect(stored[0].labels.filter((v) => v === 1).length).toBeGreaterThan(100);
  });
});
