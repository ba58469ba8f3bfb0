// The image grid's state: filters, the total for them, and the rows loaded so far. Rows
// arrive in blocks (one listImages call each) for whatever range is on screen, so 100 000
// images cost only the blocks a person scrolls past. The cards' mask overlays and their
// attention badges load the same way: only for what is on screen.
import { SvelteMap } from 'svelte/reactivity';
import type { ImageQuery, ImageSort, ImageSummary, OverlayStyle, ReviewStatus } from '../../../../src/contract/api.ts';
import type { StudioClient } from '../api.ts';
import { OverlayCache } from '../blob-cache.ts';
import { MaskSummaryState } from './mask-summaries.svelte.ts';
import { GridSelection } from './selection.svelte.ts';

export const BLOCK = 200;

export interface GridFilters {
  classIndex: number | null;
  status: ReviewStatus | null;
  search: string;
  sort: ImageSort;
  /** review order from stored CAMs (worst first), or null for `sort` */
  rank: 'confidence' | 'disagreement' | null;
}

/** How the cards draw their masks (the toolbar's Masks menu; kept across sessions). */
export interface OverlaySettings {
  show: boolean;
  style: OverlayStyle;
  /** 0..1 */
  opacity: number;
}

const OVERLAY_KEY = 'relevance-studio.grid-overlay';
const OVERLAY_DEFAULTS: OverlaySettings = { show: true, style: 'fill', opacity: 0.55 };

function storedOverlay(): OverlaySettings {
  try {
    const v = JSON.parse(localStorage.getItem(OVERLAY_KEY) ?? 'null') as Partial<OverlaySettings> | null;
    if (!v) return { ...OVERLAY_DEFAULTS };
    return {
      show: typeof v.show === 'boolean' ? v.show : OVERLAY_DEFAULTS.show,
      style: v.style === 'outline' || v.style === 'fill' ? v.style : OVERLAY_DEFAULTS.style,
      opacity: typeof v.opacity === 'number' && v.opacity >= 0 && v.opacity <= 1 ? v.opacity : OVERLAY_DEFAULTS.opacity,
    };
  } catch {
    return { ...OVERLAY_DEFAULTS };
  }
}

export class GridState {
  filters = $state<GridFilters>({ classIndex: null, status: null, search: '', sort: 'name', rank: null });
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

  /** the multi-selection (bulk actions); cleared whenever the filters change */
  readonly selection: GridSelection;
  /** how cards draw their masks */
  overlay = $state<OverlaySettings>(storedOverlay());
  /** the grid is being scrolled: cards ask for their overlays once it stops (a fling fetches none) */
  scrolling = $state(false);
  /** the cards' mask overlays (blob URLs by image, mask version and style) */
  readonly overlays: OverlayCache;
  /** the on-screen masks' class counts and confidence (the attention badges) */
  readonly summaries: MaskSummaryState;

  constructor(private readonly client: StudioClient) {
    this.selection = new GridSelection(this, client);
    this.overlays = new OverlayCache(client);
    this.summaries = new MaskSummaryState(client);
    // another project: its ids and mask versions mean other masks
    client.on('project.changed', () => {
      this.overlays.clear();
      this.summaries.clear();
    });
  }

  setOverlay(change: Partial<OverlaySettings>): void {
    this.overlay = { ...this.overlay, ...change };
    try {
      localStorage.setItem(OVERLAY_KEY, JSON.stringify(this.overlay));
    } catch {
      // storage off (private window): the setting lasts this session
    }
  }

  /** the listImages query for rows [offset, offset + limit) under the current filters */
  query(offset: number, limit: number): ImageQuery {
    const f = this.filters;
    return {
      offset,
      limit,
      sort: f.sort,
      ...(f.rank !== null ? { rank: f.rank } : {}),
      ...(f.classIndex !== null ? { classIndex: f.classIndex } : {}),
      ...(f.status !== null ? { status: f.status } : {}),
      ...(f.search.trim() ? { search: f.search.trim() } : {}),
    };
  }

  /** identifies the current filters and order (a selection belongs to one) */
  filterKey(): string {
    return JSON.stringify(this.filters);
  }

  /**
   * Re-reads the loaded blocks and the total after a bulk change (statuses, tags), keeping
   * the selection; the focused image keeps its place if it is still in the list.
   */
  async refresh(): Promise<void> {
    const gen = ++this.generation;
    this.pending.clear();
    this.waiting.clear();
    const loaded = [...this.blocks.keys()];
    if (!loaded.length) loaded.push(0);
    try {
      const pages = await Promise.all(loaded.map(async (b) => [b, await this.client.listImages(this.query(b * BLOCK, BLOCK))] as const));
      if (gen !== this.generation) return;
      this.blocks.clear();
      for (const [b, page] of pages) {
        this.total = page.total;
        if (page.items.length) this.blocks.set(b, page.items);
      }
      this.error = null;
      if (this.selectedId !== null) {
        let at: number | null = null;
        for (const [b, rows] of this.blocks) {
          const k = rows.findIndex((r) => r.id === this.selectedId);
          if (k >= 0) at = b * BLOCK + k;
        }
        this.select(at);
      }
    } catch (err) {
      if (gen === this.generation) this.error = (err as Error).message;
    }
  }

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

  setRank(rank: GridFilters['rank']): void {
    this.filters.rank = rank;
    this.reset();
  }

  /** The row at `index`, loading its block when needed (the editor's next/previous). */
  async itemAt(index: number): Promise<ImageSummary | undefined> {
    if (index < 0 || (this.total !== null && index >= this.total)) return undefined;
    const have = this.item(index);
    if (have) return have;
    await this.loadBlock(Math.floor(index / BLOCK), true);
    return this.item(index);
  }

  /** Where image `id` sits in the current list, searching the loaded rows, then block by block. */
  async indexOf(id: number, maxBlocks = 50): Promise<number | null> {
    for (const [b, rows] of this.blocks) {
      const k = rows.findIndex((r) => r.id === id);
      if (k >= 0) return b * BLOCK + k;
    }
    if (this.total === null) await this.loadBlock(0, true);
    const blocks = Math.min(maxBlocks, Math.ceil((this.total ?? 0) / BLOCK));
    for (let b = 0; b < blocks; b++) {
      if (!this.blocks.has(b)) await this.loadBlock(b, true);
      const k = this.blocks.get(b)?.findIndex((r) => r.id === id) ?? -1;
      if (k >= 0) return b * BLOCK + k;
    }
    return null;
  }

  /** Replaces one row in place (after the editor changed its status or tags). */
  updateItem(summary: ImageSummary): void {
    for (const [b, rows] of this.blocks) {
      const k = rows.findIndex((r) => r.id === summary.id);
      if (k >= 0) {
        const next = rows.slice();
        next[k] = summary;
        this.blocks.set(b, next);
      }
    }
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
    this.waiting.clear();
    this.total = null;
    this.selectedIndex = null;
    this.selectedId = null;
    this.selection.clear();
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

  private readonly waiting = new Map<number, Promise<void>>();

  private loadBlock(b: number, wait = false): Promise<void> {
    const inFlight = this.waiting.get(b);
    if (inFlight) return wait ? inFlight : Promise.resolve();
    const p = this.fetchBlock(b).finally(() => this.waiting.delete(b));
    this.waiting.set(b, p);
    return p;
  }

  private async fetchBlock(b: number): Promise<void> {
    if (this.pending.has(b)) return;
    this.pending.add(b);
    const gen = this.generation;
    try {
      const page = await this.client.listImages(this.query(b * BLOCK, BLOCK));
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
