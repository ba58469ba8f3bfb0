// The Generate panel's state: registered models, the job settings (their defaults from the
// services' generationStatus; τ_bg per image by default, the slider's for every image once
// moved), the live threshold preview (debounced, one request in flight, the newest
// settings win) with the τ the per-image rule picks for it, calibration from a person's
// first fixes (proposal, re-refine), the running job's progress from 'job.progress' /
// 'job.finished' events, and the project's job list (resume, roll back). Lives as long as
// the session (not the drawer), so a job keeps refreshing the grid while the drawer is closed.
import {
  DEFAULT_CAM_LAYER,
  DEFAULT_CAM_METHOD,
  type CamLayerName,
  type CamMethodName,
  type GenerationSelection,
  type GenerationStatus,
  type MaskThresholds,
  type ModelSummary,
  type RefinePresetName,
  type StartedJob,
} from '../../../../src/contract/generation.ts';
import type { JobInfo, JobProgress, RollbackReport } from '../../../../src/contract/jobs.ts';
import type { FixProposal } from '../../../../src/contract/calibration.ts';
import type { StudioClient } from '../api.ts';
import type { GridState } from './grid.svelte.ts';
import type { ProjectState } from './project.svelte.ts';
import { attempt } from './attempt.ts';

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
  /** the image and settings it was made for (see previewIsCurrent) */
  key: string;
}

export class GenerationState {
  models = $state.raw<ModelSummary[] | null>(null);
  modelsError = $state<string | null>(null);
  modelId = $state<number | null>(null);
  /** the services' job defaults; null until generationStatus answers */
  defaults = $state.raw<GenerationStatus['defaults'] | null>(null);
  method = $state<CamMethodName>(DEFAULT_CAM_METHOD);
  layer = $state<CamLayerName>(DEFAULT_CAM_LAYER);
  /** the refinement chain between the CAMs and the mask (null: the default) */
  refine = $state<RefinePresetName | null>(null);
  /** the mask settings (null: the defaults) */
  thresholds = $state<MaskThresholds | null>(null);
  selection = $state<SelectionKind>('all');
  /** the drawer is open (the header button, or "Regenerate masks…" on a grid selection) */
  open = $state(false);
  /** the grid selection a 'ids' generation covers, frozen when the drawer was opened for it */
  ids = $state.raw<number[]>([]);
  /** of `ids`: how many are edited / approved (their masks are kept; null while counting) */
  idsHuman = $state.raw<{ edited: number; approved: number } | null>(null);

  job = $state.raw<JobProgress | null>(null);
  startError = $state<string | null>(null);
  starting = $state(false);
  /** the project's jobs, newest first (loaded with the drawer, after every job and rollback) */
  jobs = $state.raw<JobInfo[]>([]);

  preview = $state.raw<PreviewFrame | null>(null);
  previewBusy = $state(false);
  previewError = $state<string | null>(null);
  /** with τ_bg per image: the τ the studio's rule picks for the previewed image (null: not known yet) */
  imageTau = $state.raw<{ imageId: number; tau: number } | null>(null);

  /** calibration from the person's fixes: the studio's proposal for the latest finished job */
  fixProposal = $state.raw<FixProposal | null>(null);
  proposing = $state(false);
  fixError = $state<string | null>(null);
  /** the re-refine job a proposal started */
  fixApplied = $state.raw<{ jobId: number; images: number } | null>(null);
  applyingFix = $state(false);

  /** a job is starting or running */
  readonly active = $derived(this.job !== null && (this.job.state === 'starting' || this.job.state === 'running'));
  /** the last job stopped: done, cancelled or failed */
  readonly finished = $derived(this.job !== null && (this.job.state === 'done' || this.job.state === 'cancelled' || this.job.state === 'failed' || this.job.state === 'paused'));
  /** 0..100 of the job's images done or failed */
  readonly percent = $derived(this.job && this.job.total > 0 ? Math.min(100, (100 * (this.job.done + this.job.failed)) / this.job.total) : 0);
  /** the last job stopped with images left: what Resume would finish */
  readonly resumable = $derived(this.finished && this.job !== null && this.job.state !== 'done' && this.job.done + this.job.failed < this.job.total);
  /** the settings in use: the person's, else the services' defaults */
  readonly settings = $derived(this.thresholds ?? this.defaults?.mask ?? null);
  readonly chain = $derived(this.refine ?? this.defaults?.refine ?? null);
  /** τ_bg is chosen per image by the studio (the default), not the slider's for every image */
  readonly perImage = $derived(this.settings?.bgPerImage === true);

  #previewTimer: ReturnType<typeof setTimeout> | null = null;
  #previewInFlight = false;
  #previewAgain = false;
  #previewImage: number | null = null;
  #lastGridRefresh = 0;
  /** jobs started for a caller that waits for their end (the compare view) */
  readonly #waiting = new Map<number, (p: JobProgress) => void>();

  constructor(
    private readonly client: StudioClient,
    private readonly grid: GridState,
    private readonly project: ProjectState,
  ) {
    client.on('job.progress', (p) => this.#onProgress(p));
    client.on('job.finished', (p) => this.#onFinished(p));
  }

  /** Models, defaults, the running job and the job list (each time the drawer opens). */
  async load(): Promise<void> {
    try {
      const [models, status] = await Promise.all([this.client.listModels(), this.client.generationStatus()]);
      this.models = models;
      this.modelsError = null;
      if (this.modelId === null || !models.some((m) => m.id === this.modelId)) this.modelId = (models.find((m) => m.active) ?? models.at(-1))?.id ?? null;
      if (!this.defaults) {
        this.defaults = status.defaults;
        this.method = status.defaults.method;
        this.layer = status.defaults.layer;
      }
      this.job = status.job;
      void this.loadJobs();
    } catch (err) {
      this.modelsError = (err as Error).message;
    }
  }

  async loadJobs(): Promise<void> {
    try {
      this.jobs = await this.client.listJobs();
    } catch {
      // the list stays as it was; the panel still works
    }
  }

  /**
   * Changes one mask setting (the others stay at their defaults or earlier values). Moving
   * τ_bg by hand sets one τ for every image.
   */
  setThreshold<K extends keyof MaskThresholds>(key: K, value: MaskThresholds[K]): void {
    if (!this.settings) return;
    this.thresholds = { ...this.settings, [key]: value, ...(key === 'bg' ? { bgPerImage: false } : {}) };
  }

  /** τ_bg per image (the studio's rule) or one τ for every image (starting from the previewed image's τ). */
  setPerImage(on: boolean): void {
    const t = this.settings;
    if (!t || t.bgPerImage === on) return;
    const tau = this.imageTau && this.imageTau.imageId === this.#previewImage ? this.imageTau.tau : t.bg;
    this.thresholds = { ...t, bgPerImage: on, ...(on ? {} : { bg: tau }) };
  }

  resetThresholds(): void {
    this.thresholds = null;
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
    void this.#countHuman(ids);
  }

  async #countHuman(ids: number[]): Promise<void> {
    let counts: { edited: number; approved: number };
    try {
      // the services apply the generation's own never-replace rule
      counts = await this.client.humanMasks(ids);
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

  /** the image and settings a preview is made for */
  #previewKey(imageId: number): string {
    return JSON.stringify([imageId, this.modelId, this.method, this.layer, this.chain, this.settings]);
  }

  /** The preview shown is the one for `imageId` with the settings as they are now (not one still on its way). */
  previewIsCurrent(imageId: number): boolean {
    return this.preview !== null && this.preview.key === this.#previewKey(imageId);
  }

  /** Asks for a preview of `imageId` with the current settings, after a short pause. */
  requestPreview(imageId: number | null): void {
    this.#previewImage = imageId;
    if (this.#previewTimer) clearTimeout(this.#previewTimer);
    if (imageId === null || this.modelId === null) return;
    this.#previewTimer = setTimeout(() => void this.#runPreview(), PREVIEW_DEBOUNCE_MS);
  }

  async #runPreview(): Promise<void> {
    if (this.#previewInFlight) {
      this.#previewAgain = true;
      return;
    }
    const imageId = this.#previewImage;
    const t = this.settings;
    const refine = this.chain;
    if (imageId === null || this.modelId === null || !t || !refine) return;
    this.#previewInFlight = true;
    this.previewBusy = true;
    try {
      const key = this.#previewKey(imageId);
      const req = { imageId, modelId: this.modelId, method: this.method, layer: this.layer, ...t };
      // the CAMs are computed once per image; both masks are cheap rebuilds from them
      const png = await this.client.previewMask({ ...req, refine });
      const raw = refine === 'none' ? null : await this.client.previewMask({ ...req, refine: 'none' });
      // the τ the per-image rule picked for this image (cheap: the CAMs are cached by now)
      const tau = t.bgPerImage ? await this.client.autoBackground({ imageId, modelId: this.modelId, method: this.method, layer: this.layer, refine }) : null;
      if (imageId === this.#previewImage) {
        this.preview = { imageId, png, raw, key };
        this.imageTau = tau === null ? null : { imageId, tau };
        this.previewError = null;
      }
    } catch (err) {
      this.previewError = (err as Error).message;
    } finally {
      this.#previewInFlight = false;
      this.previewBusy = false;
      if (this.#previewAgain) {
        this.#previewAgain = false;
        void this.#runPreview();
      }
    }
  }

  /** Starts a job with the panel's settings on its chosen images. */
  async start(): Promise<void> {
    const t = this.settings;
    if (this.modelId === null || this.active || !t || !this.chain) return;
    await this.#launch(() =>
      this.client.startGeneration({ modelId: this.modelId!, method: this.method, layer: this.layer, mask: { ...t }, refine: this.chain!, selection: this.selectionFor(this.selection) }),
    );
  }

  /** Runs a cancelled, failed or interrupted job again: exactly the images it did not finish. */
  async resume(jobId: number): Promise<void> {
    if (this.active) return;
    await this.#launch(() => this.client.resumeGeneration(jobId));
  }

  /**
   * One method's CAMs for one image, its masks kept as versions only (the compare view);
   * resolves with the job's last record.
   */
  async generateFor(imageId: number, method: CamMethodName, layer: CamLayerName): Promise<JobProgress> {
    if (!this.defaults) await this.load();
    const t = this.settings;
    const refine = this.chain;
    if (this.active) throw new Error(`job ${this.job!.jobId} is running; wait for it to finish`);
    if (!t || !refine) throw new Error('the job settings are not loaded');
    const started = await this.#launch(() =>
      this.client.startGeneration({ ...(this.modelId !== null ? { modelId: this.modelId } : {}), method, layer, mask: { ...t }, refine, selection: { kind: 'ids', ids: [imageId] }, keepCurrent: true }),
    );
    if (!started) throw new Error(this.startError ?? 'the job did not start');
    const last = this.job?.jobId === started.jobId && !this.active ? this.job : null;
    return last ?? new Promise((resolve) => this.#waiting.set(started.jobId, resolve));
  }

  async #launch(start: () => Promise<StartedJob>): Promise<StartedJob | null> {
    this.startError = null;
    return attempt(
      async () => {
        const started = await start();
        // the services' first record (the finished one may have arrived first: keep it)
        if (!this.job || this.job.jobId !== started.jobId) this.job = started.job;
        return started;
      },
      (message) => (this.startError = message),
      (on) => (this.starting = on),
    );
  }

  async cancel(): Promise<void> {
    if (!this.job) return;
    try {
      await this.client.cancelGeneration(this.job.jobId);
    } catch (err) {
      this.startError = (err as Error).message;
    }
  }

  /**
   * The studio's proposal from the masks a person edited or approved among the latest
   * finished job's images: the chain and τ_bg rule that reproduce them best.
   */
  async proposeFromFixes(): Promise<void> {
    this.proposing = true;
    this.fixError = null;
    this.fixApplied = null;
    try {
      this.fixProposal = await this.client.proposeFromFixes(null);
    } catch (err) {
      this.fixError = (err as Error).message;
      this.fixProposal = null;
    } finally {
      this.proposing = false;
    }
  }

  /** Rebuilds the proposal's job's unreviewed masks with its recipe (a re-threshold job; progress in the footer). */
  async applyFixProposal(): Promise<void> {
    const p = this.fixProposal;
    if (!p?.best || p.best.refine === 'custom' || this.active) return;
    this.applyingFix = true;
    this.fixError = null;
    try {
      this.fixApplied = await this.client.applyFixProposal({ jobId: p.jobId, refine: p.best.refine, background: p.best.background });
    } catch (err) {
      this.fixError = (err as Error).message;
    } finally {
      this.applyingFix = false;
    }
  }

  /** The proposal's chain and τ_bg rule into the panel, for the next jobs. */
  adoptFixProposal(): void {
    const b = this.fixProposal?.best;
    const t = this.settings;
    if (!b || b.refine === 'custom' || !t) return;
    this.refine = b.refine;
    this.thresholds = b.background.kind === 'fixed' ? { ...t, bgPerImage: false, bg: b.background.bg } : { ...t, bgPerImage: true };
  }

  /** Undoes a job; the grid and the counts follow. */
  async rollback(jobId: number): Promise<RollbackReport> {
    const report = await this.client.rollbackJob(jobId);
    await Promise.all([this.loadJobs(), this.grid.refresh(), this.project.load()]);
    return report;
  }

  #onProgress(p: JobProgress): void {
    this.job = p;
    const now = Date.now();
    if (now - this.#lastGridRefresh > GRID_REFRESH_MS) {
      this.#lastGridRefresh = now;
      void this.grid.refresh();
      void this.project.load();
    }
  }

  #onFinished(p: JobProgress): void {
    this.job = p;
    void this.grid.refresh();
    void this.project.load();
    void this.loadJobs();
    const waiter = this.#waiting.get(p.jobId);
    if (waiter) {
      this.#waiting.delete(p.jobId);
      waiter(p);
    }
  }
}
