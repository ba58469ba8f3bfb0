// Images fetched through the API as blob: URLs: thumbnails, and the grid's mask overlays.
// Scrolling fast through 100 000 images requests far more than it shows, so: a few fetches
// in flight, the newest request served first (it is what is on screen now), requests
// dropped when their card leaves the screen before the fetch starts, and an LRU of decoded
// URLs revoked only when unused. A loader may take many keys per request (the overlays of
// a whole screen come in one answer).
import { MAX_OVERLAYS, type OverlayStyle } from '../../../src/contract/api.ts';
import type { StudioClient } from './api.ts';
import { splitOverlays } from './overlay-bytes.ts';

interface Entry {
  url: string | null;
  /** the decoded picture, kept while the URL lives (a card showing it paints at once) */
  decoded?: HTMLImageElement;
  refs: number;
  waiters: ((url: string | null) => void)[];
  started: boolean;
}

export class BlobUrlCache<K extends string | number> {
  private readonly entries = new Map<K, Entry>();
  private queue: K[] = [];
  private inFlight = 0;

  constructor(
    /** the bytes for each key, in order; empty bytes or a failure: no image (null URL) */
    private readonly load: (keys: K[]) => Promise<Uint8Array[]>,
    private readonly type: string,
    private readonly capacity = 800,
    private readonly concurrency = 6,
    /** keys per request */
    private readonly batch = 1,
    /** decode each picture before handing its URL out (overlays: they appear in the same frame as asked) */
    private readonly decode = false,
  ) {}

  /** the URL when it is loaded already (no request) */
  ready(key: K): boolean {
    return !!this.entries.get(key)?.url;
  }

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
      const keys: K[] = [];
      const took: Entry[] = [];
      while (keys.length < this.batch && this.queue.length) {
        const key = this.queue.pop()!; // newest first
        const e = this.entries.get(key);
        if (!e || e.started || e.refs === 0) continue; // scrolled away before its turn
        e.started = true;
        keys.push(key);
        took.push(e);
      }
      if (!keys.length) return;
      this.inFlight++;
      this.load(keys)
        .then(
          (all) => all.map((bytes) => (bytes.length ? URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: this.type })) : null)),
          () => keys.map(() => null),
        )
        .then(async (urls) => {
          if (this.decode) {
            await Promise.all(
              urls.map(async (url, k) => {
                if (!url) return;
                const img = new Image();
                img.src = url;
                await img.decode().catch(() => undefined);
                took[k].decoded = img;
              }),
            );
          }
          return urls;
        })
        .then((urls) => {
          this.inFlight--;
          keys.forEach((key, k) => {
            const e = took[k];
            const url = urls[k] ?? null;
            const cur = this.entries.get(key);
            if (cur === e) {
              e.url = url;
              if (!url) this.entries.delete(key); // let a later card try again
              for (const w of e.waiters.splice(0)) w(url);
            } else if (url) URL.revokeObjectURL(url);
          });
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
    super(async ([id]) => [await client.thumbnail(id)], 'image/jpeg');
  }
}

/**
 * The grid's mask overlays, by image, mask version and style (a new mask is a new key),
 * a screenful per request: two requests in flight, the keys that arrive meanwhile go in
 * the next one.
 */
export class OverlayCache extends BlobUrlCache<string> {
  constructor(client: StudioClient) {
    super(
      async (keys) => {
        // one style per request: the keys of a batch are split by style (a toggle mid-batch)
        const byStyle = new Map<string, number[]>();
        keys.forEach((key, k) => {
          const style = key.split(':')[2];
          byStyle.set(style, [...(byStyle.get(style) ?? []), k]);
        });
        const out: Uint8Array[] = keys.map(() => new Uint8Array(0));
        for (const [style, at] of byStyle) {
          const pngs = splitOverlays(await client.maskOverlays(at.map((k) => Number(keys[k].split(':')[0])), style as OverlayStyle));
          at.forEach((k, j) => (out[k] = pngs[j] ?? new Uint8Array(0)));
        }
        return out;
      },
      'image/png',
      800,
      2,
      MAX_OVERLAYS,
      true,
    );
  }

  static key(imageId: number, maskId: number, style: OverlayStyle): string {
    return `${imageId}:${maskId}:${style}`;
  }
}
