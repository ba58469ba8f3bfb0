// Choosing a path. The desktop app shows its native dialog (the preload's desktop bridge,
// which also grants the path); browser mode opens the in-app chooser, served by the studio:
// one folder at a time, names, sizes and dates. `choose` resolves with the chosen absolute
// path, or null when the person cancels.
import type { ChooserPurpose, FolderEntry, FolderListing } from '../../../../src/contract/files.ts';
import type { StudioClient } from '../api.ts';
import { nativePicker } from '../desktop.ts';

export interface ChooseOptions {
  /** the dialog's title, e.g. "Import a dataset" */
  title: string;
  /** the button that takes the choice, e.g. "Inspect", "Open" */
  action: string;
  /** the folder to start in (default: where this purpose last was) */
  start?: string;
  /** a line under the title: what can be chosen */
  hint?: string;
}

export class ChooserState {
  /** the open in-app chooser, or null */
  request = $state.raw<{ purpose: ChooserPurpose; options: ChooseOptions } | null>(null);
  listing = $state.raw<FolderListing | null>(null);
  /** the entry picked out in the list */
  selected = $state.raw<FolderEntry | null>(null);
  /** the path field (the listed folder, or what the person typed) */
  typed = $state('');
  loading = $state(false);
  error = $state<string | null>(null);
  hidden = $state(false);

  /** what the action button takes now: a choosable entry picked out, else the folder itself when it can be chosen */
  readonly choice = $derived.by((): string | null => {
    if (this.selected?.choosable) return this.selected.path;
    return this.listing?.choosable ? this.listing.path : null;
  });

  readonly #client: StudioClient;
  /** true in the Electron app, where paths come from native dialogs (which also grant them) */
  readonly #native: boolean;
  #resolve: ((path: string | null) => void) | null = null;
  #seq = 0;

  constructor(client: StudioClient) {
    this.#client = client;
    this.#native = client.transport === 'electron' && nativePicker('project') !== null;
  }

  /** true when paths come from the desktop app's native dialogs */
  get native(): boolean {
    return this.#native;
  }

  async choose(purpose: ChooserPurpose, options: ChooseOptions): Promise<string | null> {
    const pick = this.#native ? nativePicker(purpose) : null;
    if (pick) return pick();
    this.#resolve?.(null); // a second chooser replaces the first
    this.request = { purpose, options };
    this.listing = null;
    this.selected = null;
    this.error = null;
    const chosen = new Promise<string | null>((resolve) => (this.#resolve = resolve));
    await this.go(options.start, true);
    return chosen;
  }

  /**
   * Lists a folder (absent: the purpose's start folder); a typed file path lists its folder
   * with the file picked out; `nearest`: a start folder not made yet lists its closest
   * existing parent. False when it could not be listed (`error` says why).
   */
  async go(path?: string, nearest = false): Promise<boolean> {
    const req = this.request;
    if (!req) return false;
    const seq = ++this.#seq;
    this.loading = true;
    try {
      const listing = await this.#client.listFolder({ purpose: req.purpose, ...(path ? { path } : {}), ...(this.hidden ? { hidden: true } : {}), ...(nearest ? { nearest } : {}) });
      if (seq !== this.#seq) return false;
      this.listing = listing;
      this.typed = listing.path;
      this.selected = listing.selected ? (listing.entries.find((e) => e.name === listing.selected) ?? null) : null;
      this.error = null;
      return true;
    } catch (err) {
      if (seq === this.#seq) this.error = (err as Error).message;
      return false;
    } finally {
      if (seq === this.#seq) this.loading = false;
    }
  }

  toggleHidden(): void {
    this.hidden = !this.hidden;
    void this.go(this.listing?.path);
  }

  /** a double click or Enter: a folder opens, a choosable file is chosen */
  activate(entry: FolderEntry): void {
    if (entry.kind === 'folder') void this.go(entry.path);
    else if (entry.choosable) this.finish(entry.path);
  }

  finish(path: string | null = this.choice): void {
    if (!path) return;
    this.#close(path);
  }

  cancel(): void {
    this.#close(null);
  }

  #close(path: string | null): void {
    const resolve = this.#resolve;
    this.#resolve = null;
    this.request = null;
    resolve?.(path);
  }
}
