// The import wizard's state: choose a dataset, read the dry run (layout, classes, splits,
// masks, the first problems), change the layout or the masks option, then the import as a
// job whose progress arrives as events — so it keeps running, and the header keeps
// showing it, when the dialog is closed.
import type { DatasetDryRun, DatasetLayout, ImportProgress } from '../../../../src/contract/projects.ts';
import type { StudioClient } from '../api.ts';
import type { ChooserState } from './chooser.svelte.ts';

export type ImportStep = 'choose' | 'review' | 'progress';

export class ImportState {
  step = $state<ImportStep>('choose');
  dryRun = $state.raw<DatasetDryRun | null>(null);
  /** the path the dry run read (a folder or a tag list) */
  path = $state<string | null>(null);
  masks = $state<'current' | 'ground-truth'>('current');
  inspecting = $state(false);
  starting = $state(false);
  error = $state<string | null>(null);
  /** the running import, else the last one of this session */
  progress = $state.raw<ImportProgress | null>(null);

  readonly running = $derived(this.progress?.state === 'running');
  readonly fraction = $derived(this.progress && this.progress.total > 0 ? this.progress.done / this.progress.total : 0);

  readonly #client: StudioClient;
  readonly #chooser: ChooserState;

  constructor(client: StudioClient, chooser: ChooserState) {
    this.#client = client;
    this.#chooser = chooser;
    client.on('import.progress', (p) => this.#onProgress(p));
    client.on('import.finished', (p) => this.#onProgress(p));
  }

  /** The wizard opens: on the running import if there is one, else on a fresh choice. */
  async begin(): Promise<void> {
    this.error = null;
    try {
      const status = await this.#client.importStatus();
      if (status) this.progress = status;
    } catch {
      // no project open: the dialog says what to do
    }
    if (this.running) {
      this.step = 'progress';
      return;
    }
    this.step = 'choose';
    this.dryRun = null;
    this.path = null;
  }

  async pick(): Promise<void> {
    const path = await this.#chooser.choose('dataset', {
      title: 'Choose a dataset',
      action: 'Inspect',
      hint: 'A VOC folder, a folder with one subfolder per class, or a CSV/JSON tag list',
    });
    if (path) await this.inspect(path);
  }

  /** The dry run of `path`, read as `layout` (absent: detected). */
  async inspect(path: string, layout?: DatasetLayout): Promise<void> {
    this.inspecting = true;
    this.error = null;
    try {
      const dry = await this.#client.inspectDataset({ path, ...(layout ? { layout } : {}) });
      this.path = path;
      this.dryRun = dry;
      // as the CLI: a dataset's own masks become the working masks, to correct
      this.masks = 'current';
      this.step = 'review';
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.inspecting = false;
    }
  }

  async changeLayout(layout: DatasetLayout): Promise<void> {
    if (this.path && layout !== this.dryRun?.layout) await this.inspect(this.path, layout);
  }

  async start(): Promise<void> {
    const dry = this.dryRun;
    if (!dry || !this.path) return;
    this.starting = true;
    this.error = null;
    try {
      const { jobId } = await this.#client.startImport({ path: this.path, layout: dry.layout, masks: this.masks });
      // the first event may have come before the answer
      if (this.progress?.jobId !== jobId) this.progress = { jobId, state: 'running', dir: dry.dir, done: 0, total: dry.images };
      this.step = 'progress';
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    const p = this.progress;
    if (p?.state === 'running') await this.#client.cancelImport(p.jobId);
  }

  /** after a finished import: choose the next dataset */
  again(): void {
    this.step = 'choose';
    this.dryRun = null;
    this.path = null;
    this.error = null;
  }

  /** another project is open: the wizard starts over */
  reset(): void {
    this.again();
    this.progress = null;
  }

  #onProgress(p: ImportProgress): void {
    // events of a job this page started, or one running since before it loaded
    if (this.progress && p.jobId < this.progress.jobId) return;
    this.progress = p;
  }
}
