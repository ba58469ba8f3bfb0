// Images fetched through the API as blob: URLs: thumbnails, and the grid's mask overlays.
// Scrolling fast through 100 000 images requests far more than it shows, so: a few fetches
// in flight, the newest request served first (it is what is on screen now), requests
// dropped when their card leaves the screen before the fetch starts, and an LRU of decoded
// URLs revoked only when unused.
import type { OverlayStyle } from '../../../src/contract/api.ts';
import type { StudioClient } from './api.ts';

interface Entry {
  url: string | null;
  refs: number;
  waiters: ((url: string | null) => void)[];
  started: boolean;
}

export class BlobUrlCache<K extends string | number> {
  private readonly entries = new Map<K, Entry>();
  private queue: K[] = [];
  private inFlight = 0;

  constructor(
    /** the bytes for a key; empty bytes or a failure: no image (null URL) */
    private readonly load: (key: K) => Promise<Uint8Array>,
    private readonly type: string,
    private readonly capacity = 800,
    private readonly concurrency = 6,
  ) {}

  /** Calls `onReady` with the URL (null if there is none); returns the release. */
  acquire(key: K, onReady: (url: string | null) => void): () => void {
    let e = this.entries.get(key);
    if (!e) {
      e = { url: null, refs: 0, waiters: [], started: false };
      this.entries.set(key, e);
    } else {
      // refresh LRU position
      this.entries.delete(key);
      this.entries.set(key, e);
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
        this.queue.push(key);
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
      const key = this.queue.pop()!; // newest first
      const e = this.entries.get(key);
      if (!e || e.started || e.refs === 0) continue; // scrolled away before its turn
      e.started = true;
      this.inFlight++;
      this.load(key)
        .then(
          (bytes) => (bytes.length ? URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: this.type })) : null),
          () => null,
        )
        .then((url) => {
          this.inFlight--;
          const cur = this.entries.get(key);
          if (cur === e) {
            e.url = url;
            if (!url) this.entries.delete(key); // let a later card try again
            for (const w of e.waiters.splice(0)) w(url);
          } else if (url) URL.revokeObjectURL(url);
          this.evict();
          this.pump();
        });
    }
  }

  private evict(): void {
    if (this.entries.size <= this.capacity) return;
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.capacity) break;
      if (e.refs > 0) continue;
      if (e.url) URL.revokeObjectURL(e.url);
      this.entries.delete(key);
    }
  }
}

/** Thumbnails by image id. */
export class ThumbnailCache extends BlobUrlCache<number> {
  constructor(client: StudioClient) {
    super((id) => client.thumbnail(id), 'image/jpeg');
  }
}

/** The grid's mask overlays, by image, mask version and style (a new mask is a new key). */
export class OverlayCache extends BlobUrlCache<string> {
  constructor(client: StudioClient) {
    super((key) => {
      const [id, , style] = key.split(':');
      return client.maskOverlay(Number(id), style as OverlayStyle);
    }, 'image/png');
  }

  static key(imageId: number, maskId: number, style: OverlayStyle): string {
    return `${imageId}:${maskId}:${style}`;
  }
}
