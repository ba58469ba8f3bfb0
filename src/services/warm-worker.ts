// One worker kept warm for repeated requests (the live preview's CAM model, the model dialog's
// try-out runner): a request for another key closes the old worker and starts a new one; a
// worker idle for `idleMs` is closed; one that fails to start is forgotten, so the next request
// tries again rather than being handed the same failure.
interface Closable {
  close(): unknown;
}

interface Slot<T> {
  key: string;
  worker: Promise<T>;
  timer: NodeJS.Timeout | null;
}

export class WarmWorker<T extends Closable> {
  private slot: Slot<T> | null = null;

  constructor(private readonly idleMs: number) {}

  /** The worker for `key`, started by `start` when the warm one is for another key or none is warm. */
  get(key: string, start: () => Promise<T>): Promise<T> {
    let slot = this.slot;
    if (!slot || slot.key !== key) {
      if (slot) void this.release(slot);
      const mine: Slot<T> = { key, worker: start(), timer: null };
      this.slot = slot = mine;
      mine.worker.catch(() => {
        if (this.slot === mine) this.slot = null;
      });
    }
    if (slot.timer) clearTimeout(slot.timer);
    const s = slot;
    slot.timer = setTimeout(() => {
      if (this.slot === s) this.slot = null;
      void this.release(s);
    }, this.idleMs);
    slot.timer.unref();
    return slot.worker;
  }

  /** Closes the warm worker, if any (before the project closes). */
  async close(): Promise<void> {
    const slot = this.slot;
    this.slot = null;
    if (slot) await this.release(slot);
  }

  private async release(slot: Slot<T>): Promise<void> {
    if (slot.timer) clearTimeout(slot.timer);
    await slot.worker.then((w) => w.close()).catch(() => undefined);
  }
}
