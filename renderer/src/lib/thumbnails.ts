// Thumbnails as blob: URLs, fetched lazily through the API. Scrolling fast through 100 000
// images requests far more than it shows, so: a few fetches in flight, the newest request
// served first (it is what is on screen now), requests dropped when their card leaves the
// screen before the fetch starts, and an LRU of decoded URLs revoked only when unused.
import type { StudioClient } from './api.ts';

interface Entry {
  url: string | null;
  refs: number;
  waiters: ((url: string | null) => void)[];
  started: boolean;
}

export class ThumbnailCache {
  private readonly entries = new Map<number, Entry>();
  private queue: number[] = [];
  private inFlight = 0;

  constructor(
    private readonly client: StudioClient,
    private readonly capacity = 800,
    private readonly concurrency = 6,
  ) {}

  /** Calls `onReady` with the URL (null if it cannot be loaded); returns the release. */
  acquire(id: number, onReady: (url: string | null) => void): () => void {
    let e = this.entries.get(id);
    if (!e) {
      e = { url: null, refs: 0, waiters: [], started: false };
      this.entries.set(id, e);
    } else {
      // refresh LRU position
      this.entries.delete(id);
      this.entries.set(id, e);
    }
    e.refs++;
    const entry = e;
    let live = true;
    const waiter = (url: string | null) => {
      if (live) onReady(url);
    };
    if (entry.url) onReady(entry.url);
    else {
      entry.waiters.push(waiter);
      if (!entry.started) {
        this.queue.push(id);
        this.pump();
      }
    }
    return () => {
      if (!live) return;
      live = false;
      entry.refs--;
      entry.waiters = entry.waiters.filter((w) => w !== waiter);
      this.evict();
    };
  }

  /** Forgets everything (the project changed). */
  clear(): void {
    for (const e of this.entries.values()) if (e.url) URL.revokeObjectURL(e.url);
    this.entries.clear();
    this.queue = [];
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length) {
      const id = this.queue.pop()!; // newest first
      const e = this.entries.get(id);
      if (!e || e.started || e.refs === 0) continue; // scrolled away before its turn
      e.started = true;
      this.inFlight++;
      this.client
        .thumbnail(id)
        .then(
          (bytes) => URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' })),
          () => null,
        )
        .then((url) => {
          this.inFlight--;
          const cur = this.entries.get(id);
          if (cur === e) {
            e.url = url;
            if (!url) this.entries.delete(id); // let a later card try again
            for (const w of e.waiters.splice(0)) w(url);
          } else if (url) URL.revokeObjectURL(url);
          this.evict();
          this.pump();
        });
    }
  }

  private evict(): void {
    if (this.entries.size <= this.capacity) return;
    for (const [id, e] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (e.refs > 0) continue;
      if (e.url) URL.revokeObjectURL(e.url);
      this.entries.delete(id);
    }
  }
}
