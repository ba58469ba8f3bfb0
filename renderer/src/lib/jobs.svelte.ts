// The Generate panel's state: registered models, the job settings, the live threshold
// preview (debounced, one request in flight, the newest settings win) and the running
// job's progress from 'job.progress' / 'job.finished' events. Lives as long as the header
// (not the drawer), so a job keeps refreshing the grid while the drawer is closed.
import {
  DEFAULT_CAM_LAYER,
  DEFAULT_CAM_METHOD,
  type CamLayerName,
  type CamMethodName,
  type GenerationSelection,
  type MaskThresholds,
  type ModelSummary,
  type RefinePresetName,
} from '../../../src/contract/generation.ts';
import type { JobProgress } from '../../../src/contract/jobs.ts';
import type { GridState } from './state/grid.svelte.ts';
import type { ProjectState } from './state/project.svelte.ts';
import type { StudioClient } from './api.ts';

export type SelectionKind = 'all' | 'without-mask' | 'filter' | 'ids';


/** how often the grid's loaded rows are re-read while a job runs */
const GRID_REFRESH_MS = 1500;
const PREVIEW_DEBOUNCE_MS = 120;

export interface PreviewFrame {
  imageId: number;
  /** 8-bit grayscale label PNG: the mask a job with these settings and chain stores */
  png: Uint8Array;
  /** the same without the refinement chain (null when the chain is 'none') */
  raw: Uint8Array | null;
}

export class GenerationState {
  models = $state.raw<ModelSummary[] | null>(null);
  modelsError = $state<string | null>(null);
  modelId = $state<number | null>(null);
  method = $state<CamMethodName>(DEFAULT_CAM_METHOD);
  layer = $state<CamLayerName>(DEFAULT_CAM_LAYER);
  /** the refinement chain between the CAMs and the mask (replaced by the services' default on load) */
  refine = $state<RefinePresetName>('fast');
  // replaced by the services' defaults (generationStatus) when the drawer opens
  thresholds = $state<MaskThresholds>({ bg: 0.4, ignoreBand: 0, minArea: 0, fillHoles: false });
  defaults = $state.raw<MaskThresholds>({ bg: 0.4, ignoreBand: 0, minArea: 0, fillHoles: false });
  selection = $state<SelectionKind>('all');
  /** the drawer is open (the header button, or "Regenerate masks…" on a grid selection) */
  open = $state(false);
  /** the grid selection a 'ids' generation covers, frozen when the drawer was opened for it */
  ids = $state.raw<number[]>([]);
  /** of `ids`: how many are edited / approved (their masks are kept; null while counting) */
  idsHuman = $state.raw<{ edited: number; approved: number } | null>(null);

  job = $state.raw<JobProgress | null>(null);
  running = $state(false);
  startError = $state<string | null>(null);
  starting = $state(false);

  preview = $state.raw<PreviewFrame | null>(null);
  previewBusy = $state(false);
  previewError = $state<string | null>(null);

  private previewTimer: ReturnType<typeof setTimeout> | null = null;
  private previewInFlight = false;
  private previewAgain = false;
  private previewImage: number | null = null;
  private lastGridRefresh = 0;
  private loaded = false;

  constructor(
    private readonly client: StudioClient,
    private readonly grid: GridState,
    private readonly project: ProjectState,
  ) {
    client.on('job.progress', (p) => this.onProgress(p));
    client.on('job.finished', (p) => this.onFinished(p));
  }

  /** Models, defaults and any running job (each time the drawer opens). */
  async load(): Promise<void> {
    try {
      const [models, status] = await Promise.all([this.client.call('listModels'), this.client.call('generationStatus')]);
      this.models = models;
      this.modelsError = null;
      if (this.modelId === null || !models.some((m) => m.id === this.modelId)) this.modelId = (models.find((m) => m.active) ?? models.at(-1))?.id ?? null;
      if (!this.loaded) {
        this.loaded = true;
        this.method = status.defaults.method;
        this.layer = status.defaults.layer;
        this.refine = status.defaults.refine;
        this.thresholds = { ...status.defaults.mask };
        this.defaults = { ...status.defaults.mask };
      }
      this.job = status.job;
      this.running = status.running;
    } catch (err) {
      this.modelsError = (err as Error).message;
    }
  }

  resetThresholds(): void {
    this.thresholds = { ...this.defaults };
  }

  /**
   * Opens the drawer on exactly these images (the grid selection's "Regenerate masks…"),
   * then counts which of them a person edited or approved: a job stores their new masks as
   * non-current versions, and the drawer says so before Start.
   */
  openFor(ids: number[]): void {
    this.ids = ids;
    this.selection = 'ids';
    this.idsHuman = null;
    this.open = true;
    void this.countHuman(ids);
  }

  private async countHuman(ids: number[]): Promise<void> {
    let counts: { edited: number; approved: number };
    try {
      // the services apply the generation's own never-replace rule
      counts = await this.client.call('humanMasks', ids);
    } catch {
      return; // the note stays generic; Start still works
    }
    if (this.ids === ids) this.idsHuman = counts;
  }

  selectionFor(kind: SelectionKind): GenerationSelection {
    if (kind === 'ids') return { kind, ids: [...this.ids] };
    if (kind !== 'filter') return { kind };
    const f = this.grid.filters;
    const s: GenerationSelection = { kind: 'filter' };
    if (f.classIndex !== null) s.classIndex = f.classIndex;
    if (f.status !== null) s.status = f.status;
    if (f.search.trim()) s.search = f.search.trim();
    return s;
  }

  /** Asks for a preview of `imageId` with the current settings, after a short pause. */
  requestPreview(imageId: number | null): void {
    this.previewImage = imageId;
    if (this.previewTimer) clearTimeout(this.previewTimer);
    if (imageId === null || this.modelId === null) return;
    this.previewTimer = setTimeout(() => void this.runPreview(), PREVIEW_DEBOUNCE_MS);
  }

  private async runPreview(): Promise<void> {
    if (this.previewInFlight) {
      this.previewAgain = true;
      return;
    }
    const imageId = this.previewImage;
    if (imageId === null || this.modelId === null) return;
    this.previewInFlight = true;
    this.previewBusy = true;
    const t = this.thresholds;
    try {
      const req = { imageId, modelId: this.modelId, method: this.method, layer: this.layer, bg: t.bg, ignoreBand: t.ignoreBand, minArea: t.minArea, fillHoles: t.fillHoles };
      const refine = this.refine;
      // the CAMs are computed once per image; both masks are cheap rebuilds from them
      const png = await this.client.call('previewMask', { ...req, refine });
      const raw = refine === 'none' ? null : await this.client.call('previewMask', { ...req, refine: 'none' });
      if (imageId === this.previewImage) {
        this.preview = { imageId, png, raw };
        this.previewError = null;
      }
    } catch (err) {
      this.previewError = (err as Error).message;
    } finally {
      this.previewInFlight = false;
      this.previewBusy = false;
      if (this.previewAgain) {
        this.previewAgain = false;
        void this.runPreview();
      }
    }
  }

  async start(): Promise<void> {
    if (this.modelId === null || this.running) return;
    this.starting = true;
    this.startError = null;
    try {
      const { jobId } = await this.client.call('startGeneration', {
        modelId: this.modelId,
        method: this.method,
        layer: this.layer,
        mask: { ...this.thresholds },
        refine: this.refine,
        selection: this.selectionFor(this.selection),
      });
      this.running = true;
      if (!this.job || this.job.jobId !== jobId || this.job.state === 'done') {
        this.job = { jobId, kind: 'generate', state: 'starting', total: 0, done: 0, failed: 0, processed: 0, imagesPerSec: 0, etaSec: null, errors: [], errorCount: 0, keptHuman: 0, backend: '', workers: 0 };
      }
    } catch (err) {
      this.startError = (err as Error).message;
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    try {
      await this.client.call('cancelGeneration', this.job.jobId);
    } catch (err) {
      this.startError = (err as Error).message;
    }
  }

  private onProgress(p: JobProgress): void {
    this.job = p;
    this.running = p.state === 'starting' || p.state === 'running';
    const now = Date.now();
    if (now - this.lastGridRefresh > GRID_REFRESH_MS) {
      this.lastGridRefresh = now;
      void this.refreshGrid();
      void this.project.load();
    }
  }

  private onFinished(p: JobProgress): void {
    this.job = p;
    this.running = false;
    void this.refreshGrid();
    void this.project.load();
  }

  /** Re-reads the grid's loaded rows (new masks, statuses) without losing the selection. */
  private refreshGrid(): Promise<void> {
    return this.grid.refresh();
  }
}
