// Autosave: every completed change is persisted as a new mask version. Saves never run
// concurrently: while one is in flight, further changes coalesce into one follow-up save
// of the newest state (so a burst of strokes costs two saves, and the newest state always
// lands). A failed save is retried with back-off and reported; flush() waits until the
// newest change is stored (switching images, closing the editor).
export type SaveState = 'saved' | 'saving' | 'error';

export interface Snapshot {
  revision: number;
  labels: Uint8Array;
}

export class Autosaver {
  state: SaveState = 'saved';
  error: string | null = null;
  savedRevision = 0;
  private wanted = 0;
  private running: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private retryMs = 1000;

  constructor(
    /** a copy of the current labels and their revision */
    private readonly snapshot: () => Snapshot,
    private readonly save: (s: Snapshot) => Promise<void>,
    private readonly onState: (s: SaveState, error: string | null) => void = () => {},
  ) {}

  /** Start from a loaded (already stored) mask at `revision`. */
  reset(revision = 0): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.savedRevision = revision;
    this.wanted = revision;
    this.set('saved', null);
  }

  get dirty(): boolean {
    return this.wanted > this.savedRevision;
  }

  /** Revision `rev` exists and must be stored. */
  request(rev: number): void {
    if (rev > this.wanted) this.wanted = rev;
    // in a task of its own: the snapshot copy must not lengthen the pointer-up handler
    if (!this.running) this.running = new Promise((r) => setTimeout(r, 0)).then(() => this.loop());
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
      while (this.dirty) {
        const snap = this.snapshot();
        this.set('saving', null);
        try {
          await this.save(snap);
          this.savedRevision = Math.max(this.savedRevision, snap.revision);
          this.retryMs = 1000;
        } catch (err) {
          this.set('error', (err as Error).message);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null;
            this.request(this.wanted);
          }, this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, 30_000);
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
