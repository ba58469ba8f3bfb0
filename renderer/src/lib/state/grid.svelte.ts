// The image grid's state: filters, the total for them, and the rows loaded so far. Rows
// arrive in blocks (one listImages call each) for whatever range is on screen, so 100 000
// images cost only the blocks a person scrolls past.
import { SvelteMap } from 'svelte/reactivity';
import type { ImageSort, ImageSummary, ReviewStatus } from '../../../../src/contract/api.ts';
import type { StudioClient } from '../api.ts';

export const BLOCK = 200;

export interface GridFilters {
  classIndex: number | null;
  status: ReviewStatus | null;
  search: string;
  sort: ImageSort;
}

export class GridState {
  filters = $state<GridFilters>({ classIndex: null, status: null, search: '', sort: 'name' });
  /** null until the first page for the current filters arrives */
  total = $state<number | null>(null);
  error = $state<string | null>(null);
  selectedId = $state<number | null>(null);
  selectedIndex = $state<number | null>(null);
  /** block index → its rows (raw: rows are replaced, never mutated) */
  private readonly blocks = new SvelteMap<number, ImageSummary[]>();
  private readonly pending = new Set<number>();
  /** bumps on every filter change, so answers for old filters are dropped */
  private generation = 0;

  constructor(private readonly client: StudioClient) {}

  item(index: number): ImageSummary | undefined {
    return this.blocks.get(Math.floor(index / BLOCK))?.[index % BLOCK];
  }

  setClass(classIndex: number | null): void {
    this.filters.classIndex = classIndex;
    this.reset();
  }

  setStatus(status: ReviewStatus | null): void {
    this.filters.status = status;
    this.reset();
  }

  setSearch(search: string): void {
    this.filters.search = search;
    this.reset();
  }

  setSort(sort: ImageSort): void {
    this.filters.sort = sort;
    this.reset();
  }

  clearFilters(): void {
    this.filters = { ...this.filters, classIndex: null, status: null, search: '' };
    this.reset();
  }

  select(index: number | null): void {
    this.selectedIndex = index;
    this.selectedId = index === null ? null : (this.item(index)?.id ?? null);
  }

  /** Drops loaded rows and loads the first block for the current filters. */
  reset(): void {
    this.generation++;
    this.blocks.clear();
    this.pending.clear();
    this.total = null;
    this.selectedIndex = null;
    this.selectedId = null;
    void this.loadBlock(0);
  }

  /** Makes sure rows [first, last] are loaded or on their way. */
  ensureRange(first: number, last: number): void {
    if (this.total === null) return;
    const end = Math.min(last, this.total - 1);
    for (let b = Math.floor(Math.max(0, first) / BLOCK); b <= Math.floor(end / BLOCK); b++) {
      if (!this.blocks.has(b)) void this.loadBlock(b);
    }
  }

  private async loadBlock(b: number): Promise<void> {
    if (this.pending.has(b)) return;
    this.pending.add(b);
    const gen = this.generation;
    const f = this.filters;
    try {
      const page = await this.client.listImages({
        offset: b * BLOCK,
        limit: BLOCK,
        sort: f.sort,
        ...(f.classIndex !== null ? { classIndex: f.classIndex } : {}),
        ...(f.status !== null ? { status: f.status } : {}),
        ...(f.search.trim() ? { search: f.search.trim() } : {}),
      });
      if (gen !== this.generation) return;
      this.total = page.total;
      this.blocks.set(b, page.items);
      this.error = null;
      if (this.selectedIndex !== null && this.selectedId === null) this.selectedId = this.item(this.selectedIndex)?.id ?? null;
    } catch (err) {
      if (gen === this.generation) this.error = (err as Error).message;
    } finally {
      if (gen === this.generation) this.pending.delete(b);
    }
  }
}
