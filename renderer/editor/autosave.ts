// Autosave: the changes a person makes (strokes, undo, redo, a restored version) are
// stored as ONE mask version per run of work — the label map as it is once the changes
// pause for `quietMs` (or when the editor flushes: moving to another image, approving,
// leaving) — not one version per step. A run that ends where the stored mask was (a
// stroke and its undo) stores nothing. A crash loses at most the last `quietMs`.
//
// A change is captured when it completes: only its dirty rectangle is copied (cheap in the
// pointer-up handler even on a 4096² mask), queued, and replayed in order onto a shadow copy
// of the map, which is what a save stores. Saves never run concurrently. A failed save is
// reported and retried with back-off; changes made meanwhile join the retry. flush()
// resolves when everything queued is stored.
import type { Rect } from './geometry.ts';

/** pending: changes wait for the quiet period; saving: a save is in flight */
export type SaveState = 'saved' | 'pending' | 'saving' | 'error';

export interface Snapshot {
  /** the newest change the stored map includes */
  revision: number;
  /** the whole label map at `revision`; valid until the save's promise settles (copy to keep it) */
  labels: Uint8Array;
}

/** The live label map the editor paints into (read, never written, by the saver). */
export interface LiveLabels {
  data: Uint8Array;
  width: number;
}

interface Change {
  revision: number;
  rect: Rect;
  /** the rectangle's labels right after the change, row-major */
  after: Uint8Array;
}

/** how long the changes must pause before they are stored (one version per run of work) */
export const QUIET_MS = 1200;

export class Autosaver {
  state: SaveState = 'saved';
  error: string | null = null;
  /** the newest revision stored (or found equal to the stored map) */
  savedRevision = 0;
  /** completed changes not stored yet, oldest first */
  private readonly queue: Change[] = [];
  /** how many changes at the head of the queue the shadow already holds */
  private applied = 0;
  /** the map after the applied changes */
  private shadow: Uint8Array = new Uint8Array(0);
  /** the map as last stored: a run that ends here needs no save */
  private stored: Uint8Array = new Uint8Array(0);
  private width = 0;
  private running: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** the timer is a back-off after a failure (not the quiet period) */
  private retrying = false;
  private retryMs = 1000;

  constructor(
    /** the live labels (captured rectangles are copied out of it) */
    private readonly live: () => LiveLabels,
    private readonly save: (s: Snapshot) => Promise<void>,
    private readonly onState: (s: SaveState, error: string | null) => void = () => {},
    private readonly quietMs = QUIET_MS,
  ) {}

  /**
   * Start from a loaded (already stored) mask at `revision`: the live labels become the
   * shadow. Anything still queued belongs to the previous mask and is dropped (callers
   * flush() first).
   */
  reset(revision = 0): void {
    this.clearTimer();
    this.queue.length = 0;
    this.applied = 0;
    const l = this.live();
    this.shadow = l.data.slice();
    this.stored = this.shadow.slice();
    this.width = l.width;
    this.savedRevision = revision;
    this.set('saved', null);
  }

  get dirty(): boolean {
    return this.queue.length > 0;
  }

  /** revisions waiting to be stored, oldest first */
  get pending(): number[] {
    return this.queue.map((c) => c.revision);
  }

  /**
   * Revision `rev` exists: the labels inside `rect` changed (absent: anywhere). Captured
   * now; stored with the others once the changes pause.
   */
  request(rev: number, rect?: Rect): void {
    const l = this.live();
    let r = rect;
    if (l.data.length !== this.shadow.length || l.width !== this.width) {
      // never reset for this map (or it changed size): this change carries all of it
      this.shadow = new Uint8Array(l.data.length);
      this.stored = new Uint8Array(0);
      this.width = l.width;
      this.applied = 0;
      r = undefined;
    }
    r ??= { x: 0, y: 0, w: this.width, h: this.width > 0 ? l.data.length / this.width : 0 };
    this.queue.push({ revision: rev, rect: r, after: crop(l.data, this.width, r) });
    if (this.retrying) return; // the retry takes this change along
    if (this.state !== 'saving') this.set('pending', null);
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.timer = null;
      this.start();
    }, this.quietMs);
  }

  /** Resolves when everything requested so far is stored (rejects if the save fails). */
  async flush(): Promise<void> {
    while (this.dirty) {
      this.clearTimer();
      this.start();
      await this.running;
      if (this.state === 'error') throw new Error(this.error ?? 'save failed');
    }
  }

  private start(): void {
    if (!this.running) this.running = this.loop();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.retrying = false;
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        // every change so far goes into this one save: the latest state, not each step
        for (; this.applied < this.queue.length; this.applied++) {
          const c = this.queue[this.applied];
          paste(this.shadow, this.width, c.rect, c.after);
        }
        const batch = this.queue.slice(0, this.applied);
        const head = batch[batch.length - 1];
        if (!equal(this.shadow, this.stored)) {
          this.set('saving', null);
          try {
            await this.save({ revision: head.revision, labels: this.shadow });
          } catch (err) {
            this.set('error', (err as Error).message);
            this.retrying = true;
            this.timer = setTimeout(() => {
              this.timer = null;
              this.retrying = false;
              this.start();
            }, this.retryMs);
            this.retryMs = Math.min(this.retryMs * 2, 30_000);
            return;
          }
          // a reset() during the save dropped the queue: the new mask's queue is not ours to pop
          if (this.queue[0] !== batch[0]) continue;
          this.stored = this.shadow.slice();
        }
        this.queue.splice(0, batch.length);
        this.applied -= batch.length;
        this.savedRevision = head.revision;
        this.retryMs = 1000;
        // changes made during the save: stored once their quiet period is over (now, if it
        // already ran out while the save was in flight)
        if (this.queue.length > 0 && this.timer !== null) {
          this.set('pending', null);
          return;
        }
      }
      this.set('saved', null);
    } finally {
      this.running = null;
    }
  }

  private set(s: SaveState, error: string | null): void {
    this.state = s;
    this.error = error;
    this.onState(s, error);
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function crop(data: Uint8Array, width: number, r: Rect): Uint8Array {
  if (r.x === 0 && r.w === width) return data.slice(r.y * width, (r.y + r.h) * width);
  const out = new Uint8Array(r.w * r.h);
  for (let y = 0; y < r.h; y++) out.set(data.subarray((r.y + y) * width + r.x, (r.y + y) * width + r.x + r.w), y * r.w);
  return out;
}

function paste(data: Uint8Array, width: number, r: Rect, src: Uint8Array): void {
  if (r.x === 0 && r.w === width) {
    data.set(src, r.y * width);
    return;
  }
  for (let y = 0; y < r.h; y++) data.set(src.subarray(y * r.w, (y + 1) * r.w), (r.y + y) * width + r.x);
}
