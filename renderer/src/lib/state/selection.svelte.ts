// The grid's multi-selection. Explicit ids for clicks and ranges; "everything in the current
// filter" is kept symbolically (mode 'all' minus the ids toggled off), so Ctrl+A over 100 000
// images costs nothing until an action asks for the ids, and then they are paged in.
import { SvelteSet } from 'svelte/reactivity';
import { MAX_PAGE_SIZE, type ImageQuery, type ImageSummary } from '../../../../src/contract/api.ts';
import type { StudioClient } from '../api.ts';

/** What the selection needs from the grid (GridState provides it). */
export interface SelectionSource {
  readonly total: number | null;
  item(index: number): ImageSummary | undefined;
  query(offset: number, limit: number): ImageQuery;
  filterKey(): string;
}

export class GridSelection {
  mode = $state<'ids' | 'all'>('ids');
  /** mode 'ids': the chosen images */
  readonly ids = new SvelteSet<number>();
  /** mode 'all': images toggled off again */
  readonly excluded = new SvelteSet<number>();
  /** index the next Shift+click extends from */
  anchor: number | null = null;

  constructor(
    private readonly source: SelectionSource,
    private readonly client: StudioClient,
  ) {}

  get count(): number {
    return this.mode === 'all' ? Math.max(0, (this.source.total ?? 0) - this.excluded.size) : this.ids.size;
  }

  has(id: number): boolean {
    return this.mode === 'all' ? !this.excluded.has(id) : this.ids.has(id);
  }

  clear(): void {
    this.mode = 'ids';
    this.ids.clear();
    this.excluded.clear();
    this.anchor = null;
  }

  /** plain click: this image alone */
  only(id: number, index: number): void {
    this.clear();
    this.ids.add(id);
    this.anchor = index;
  }

  /** Ctrl/Cmd+click: in or out, the rest unchanged */
  toggle(id: number, index: number): void {
    const set = this.mode === 'all' ? this.excluded : this.ids;
    if (set.has(id)) set.delete(id);
    else set.add(id);
    this.anchor = index;
  }

  selectAll(): void {
    this.clear();
    this.mode = 'all';
  }

  /**
   * Shift+click: the images from the anchor to `index` in the current order (pages that are
   * not loaded are fetched, ids only). `add` keeps what was selected before (Ctrl+Shift).
   */
  async extendTo(index: number, add = false): Promise<void> {
    const from = this.anchor ?? index;
    const lo = Math.min(from, index);
    const hi = Math.max(from, index);
    const key = this.source.filterKey();
    const ids = await this.idsInRange(lo, hi);
    if (key !== this.source.filterKey()) return; // the filter changed meanwhile
    if (!add) this.clear();
    if (this.mode === 'all') for (const id of ids) this.excluded.delete(id);
    else for (const id of ids) this.ids.add(id);
    this.anchor = from;
  }

  /** ids at indices [lo, hi] of the current list: loaded rows as they are, the rest by page */
  private async idsInRange(lo: number, hi: number): Promise<number[]> {
    const out: number[] = [];
    for (let start = lo; start <= hi; start += MAX_PAGE_SIZE) {
      const end = Math.min(hi, start + MAX_PAGE_SIZE - 1);
      const have: number[] = [];
      for (let i = start; i <= end; i++) {
        const it = this.source.item(i);
        if (!it) break;
        have.push(it.id);
      }
      if (have.length === end - start + 1) out.push(...have);
      else {
        const page = await this.client.listImages(this.source.query(start, end - start + 1));
        out.push(...page.items.map((r) => r.id));
      }
    }
    return out;
  }

  /**
   * The selected ids, for an action. 'all' pages through the filter first, so an action that
   * moves images out of the filter (approving under "Unreviewed") cannot shift the pages.
   */
  async resolve(): Promise<number[]> {
    if (this.mode === 'ids') return [...this.ids];
    const out: number[] = [];
    const total = this.source.total ?? 0;
    for (let offset = 0; offset < total; offset += MAX_PAGE_SIZE) {
      const page = await this.client.listImages(this.source.query(offset, MAX_PAGE_SIZE));
      for (const r of page.items) if (!this.excluded.has(r.id)) out.push(r.id);
      if (page.items.length < MAX_PAGE_SIZE) break;
    }
    return out;
  }
}
