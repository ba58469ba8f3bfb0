// Autosave: every completed change (a stroke, an undo, a restored version) is persisted as
// its own mask version, in order — never coalesced, so a crash or a killed server loses at
// most the stroke in progress, and the version history holds one entry per stroke.
//
// A change is captured when it completes: only its dirty rectangle is copied (cheap in the
// pointer-up handler even on a 4096² mask), queued, and replayed in order onto a shadow copy
// of the last queued state, which is what each save stores. Saves never run concurrently.
// A failed save is reported and retried with back-off; the changes behind it wait, in
// order. flush() resolves when everything queued is stored (switching images, closing).
import type { Rect } from './geometry.ts';

export type SaveState = 'saved' | 'saving' | 'error';

export interface Snapshot {
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

export class Autosaver {
  state: SaveState = 'saved';
  error: string | null = null;
  /** the newest revision stored */
  savedRevision = 0;
  /** completed changes not stored yet, oldest first */
  private readonly queue: Change[] = [];
  /** the label map after the last change applied to it (the head of the queue, once applied) */
  private shadow: Uint8Array = new Uint8Array(0);
  private width = 0;
  /** the head of the queue is already applied to the shadow (a retry must not re-apply it) */
  private headApplied = false;
  private running: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = 1000;

  constructor(
    /** the live labels (captured rectangles are copied out of it) */
    private readonly live: () => LiveLabels,
    private readonly save: (s: Snapshot) => Promise<void>,
    private readonly onState: (s: SaveState, error: string | null) => void = () => {},
  ) {}

  /**
   * Start from a loaded (already stored) mask at `revision`: the live labels become the
   * shadow. Anything still queued belongs to the previous mask and is dropped (callers
   * flush() first).
   */
  reset(revision = 0): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.queue.length = 0;
    this.headApplied = false;
    const l = this.live();
    this.shadow = l.data.slice();
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
   * now, stored in order in a task of its own.
   */
  request(rev: number, rect?: Rect): void {
    const l = this.live();
    let r = rect;
    if (l.data.length !== this.shadow.length || l.width !== this.width) {
      // never reset for this map (or it changed size): this change carries all of it
      this.shadow = new Uint8Array(l.data.length);
      this.width = l.width;
      r = undefined;
    }
    r ??= { x: 0, y: 0, w: this.width, h: this.width > 0 ? l.data.length / this.width : 0 };
    this.queue.push({ revision: rev, rect: r, after: crop(l.data, this.width, r) });
    if (!this.running && !this.retryTimer) this.running = new Promise((ok) => setTimeout(ok, 0)).then(() => this.loop());
  }

  /** Resolves when everything requested so far is stored (rejects if the save fails). */
  async flush(): Promise<void> {
    while (this.dirty) {
      if (this.retryTimer) {
        clearTimeout(this.retryTimer);
        this.retryTimer = null;
      }
      if (!this.running) this.running = this.loop();
      await this.running;
      if (this.state === 'error') throw new Error(this.error ?? 'save failed');
    }
  }

  private async loop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const head = this.queue[0];
        if (!this.headApplied) {
          paste(this.shadow, this.width, head.rect, head.after);
          this.headApplied = true;
        }
        this.set('saving', null);
        try {
          await this.save({ revision: head.revision, labels: this.shadow });
        } catch (err) {
          this.set('error', (err as Error).message);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            if (!this.running) this.running = this.loop();
          }, this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, 30_000);
          return;
        }
        // a reset() during the save dropped the queue: the new mask's queue is not ours to pop
        if (this.queue[0] !== head) continue;
        this.queue.shift();
        this.headApplied = false;
        this.savedRevision = head.revision;
        this.retryMs = 1000;
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
