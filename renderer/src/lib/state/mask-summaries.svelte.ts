// What each on-screen image's current mask holds (pixels per class) and its CAM
// confidence, fetched in batches for the cards a person stops at (maskSummaries), kept by
// image and mask version: a new mask (its maskId) is fetched again, the rest never.
import { SvelteMap } from 'svelte/reactivity';
import { MAX_PAGE_SIZE, type MaskSummary } from '../../../../src/contract/api.ts';
import type { StudioClient } from '../api.ts';

/** a fling asks for nothing: the cards must stay this long */
const SETTLE_MS = 150;

export class MaskSummaryState {
  readonly #byImage = new SvelteMap<number, MaskSummary>();
  /** image → the mask version wanted */
  readonly #wanted = new Map<number, number>();
  readonly #inFlight = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  readonly #client: StudioClient;

  constructor(client: StudioClient) {
    this.#client = client;
  }

  /** the summary of this mask version, if it has arrived */
  get(imageId: number, maskId: number | null): MaskSummary | undefined {
    const s = this.#byImage.get(imageId);
    return s && s.maskId === maskId ? s : undefined;
  }

  /**
   * Asks for these images' summaries (those not here for their current mask yet) — the
   * cards on screen now; what an earlier screen wanted and did not get yet is dropped.
   */
  want(images: readonly { id: number; maskId: number | null }[]): void {
    this.#wanted.clear();
    for (const it of images) {
      if (it.maskId === null || this.get(it.id, it.maskId) || this.#inFlight.has(it.id)) continue;
      this.#wanted.set(it.id, it.maskId);
    }
    if (this.#timer) clearTimeout(this.#timer);
    if (!this.#wanted.size) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.#fetch();
    }, SETTLE_MS);
  }

  /** Everything (another project). */
  clear(): void {
    this.#byImage.clear();
    this.#wanted.clear();
  }

  async #fetch(): Promise<void> {
    const ids = [...this.#wanted.keys()].slice(0, MAX_PAGE_SIZE);
    for (const id of ids) {
      this.#wanted.delete(id);
      this.#inFlight.add(id);
    }
    try {
      for (const s of await this.#client.maskSummaries(ids)) this.#byImage.set(s.imageId, s);
    } catch {
      // a deleted image or a lost connection: its badges just stay away
    } finally {
      for (const id of ids) this.#inFlight.delete(id);
    }
    if (this.#wanted.size) void this.#fetch();
  }
}
